import type { Conversation, ConversationStatus } from '../../shared/api/types';

export type InboxView = 'mine' | 'unassigned' | 'all';
export type StatusFilter = ConversationStatus | 'all';
export const CHANNELS = ['whatsapp', 'telegram', 'email', 'webchat'] as const;
export type ChannelFilter = (typeof CHANNELS)[number] | '';

/** The inbox's query, as GET /api/v1/conversations understands it ('' = no filter). */
export interface InboxFilters {
  view: InboxView;
  status: StatusFilter;
  channel: ChannelFilter;
  department: string;
  team: string;
  tag: string;
  q: string;
}

export const DEFAULT_FILTERS: InboxFilters = {
  view: 'all',
  status: 'open',
  channel: '',
  department: '',
  team: '',
  tag: '',
  q: '',
};

export function filtersToQuery(filters: InboxFilters): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    const text = String(value).trim();
    if (text) params.set(key, text);
  }
  return params;
}

/**
 * Whether a conversation pushed by the server belongs in the list as filtered. The search
 * runs server-side over names, phones and e-mails; here only the contact's name can be
 * checked, so a live row matches a search only by name (a resync fetches the rest).
 */
export function matchesFilters(conversation: Conversation, filters: InboxFilters, myMemberId: string | null): boolean {
  if (filters.view === 'mine' && conversation.assignee?.id !== myMemberId) return false;
  if (filters.view === 'unassigned' && conversation.assignee !== null) return false;
  if (filters.status !== 'all' && conversation.status !== filters.status) return false;
  if (filters.channel && conversation.account.kind !== filters.channel) return false;
  if (filters.department && conversation.department_id !== filters.department) return false;
  if (filters.team && conversation.team_id !== filters.team) return false;
  if (filters.tag && !conversation.tags.includes(filters.tag.trim())) return false;
  const q = filters.q.trim().toLowerCase();
  if (q && !conversation.contact.name.toLowerCase().includes(q)) return false;
  return true;
}

/** The list order: most recent activity first, ties by id (the API's cursor ordering). */
export function compareConversations(a: Conversation, b: Conversation): number {
  if (a.last_activity_at !== b.last_activity_at) return a.last_activity_at < b.last_activity_at ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

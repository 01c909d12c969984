import { api } from '../../shared/api';
import type {
  AssignRequest,
  Conversation,
  ConversationDetail,
  CursorPage,
  Department,
  Member,
  Message,
  MessagePage,
  StatusRequest,
  Team,
} from '../../shared/api/types';
import { filtersToQuery, type InboxFilters } from './filters';

export const PAGE_SIZE = 100;
export const MESSAGE_PAGE_SIZE = 50;

/** A page of the inbox; `cursor` is the `next` URL of the previous page. */
export function fetchConversations(filters: InboxFilters, cursor?: string | null, signal?: AbortSignal) {
  if (cursor) return api.get<CursorPage<Conversation>>(pathOf(cursor), { signal });
  const params = filtersToQuery(filters);
  params.set('page_size', String(PAGE_SIZE));
  return api.get<CursorPage<Conversation>>(`/api/v1/conversations?${params}`, { signal });
}

/** Cursor URLs are absolute; the client always talks to its own origin (or the dev proxy). */
function pathOf(url: string): string {
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

export function fetchConversation(id: string) {
  return api.get<ConversationDetail>(`/api/v1/conversations/${id}?limit=${MESSAGE_PAGE_SIZE}`);
}

export function fetchMessages(id: string, before?: string) {
  const params = new URLSearchParams({ limit: String(MESSAGE_PAGE_SIZE) });
  if (before) params.set('before', before);
  return api.get<MessagePage>(`/api/v1/conversations/${id}/messages?${params}`);
}

export interface SendInput {
  body: string;
  private: boolean;
  clientId: string;
  files: File[];
  onProgress?: (fraction: number) => void;
}

export function sendMessage(conversationId: string, input: SendInput) {
  const path = `/api/v1/conversations/${conversationId}/messages`;
  if (input.files.length === 0) {
    return api.post<Message>(path, { body: input.body, private: input.private, client_id: input.clientId });
  }
  const form = new FormData();
  form.set('body', input.body);
  form.set('private', input.private ? 'true' : 'false');
  form.set('client_id', input.clientId);
  for (const file of input.files) form.append('file', file, file.name);
  return api.upload<Message>(path, form, { onProgress: input.onProgress });
}

/** Queue a reply that failed at the provider again (the same message: it cannot duplicate). */
export function retryDelivery(conversationId: string, messageId: string) {
  return api.post<Message>(`/api/v1/conversations/${conversationId}/messages/${messageId}/retry`);
}

export function assignConversation(id: string, request: AssignRequest) {
  return api.post<Conversation>(`/api/v1/conversations/${id}/assign`, request);
}

export function setConversationStatus(id: string, request: StatusRequest) {
  return api.post<Conversation>(`/api/v1/conversations/${id}/status`, request);
}

export function markConversationRead(id: string) {
  return api.post<void>(`/api/v1/conversations/${id}/read`);
}

/** Fallback for typing when the conversation socket is down. */
export function sendTyping(id: string, typing: boolean) {
  return api.post<void>(`/api/v1/conversations/${id}/typing`, { typing });
}

export function fetchDepartments() {
  return api.get<CursorPage<Department>>('/api/v1/departments?active=true&page_size=200');
}

export function fetchTeams() {
  return api.get<CursorPage<Team>>('/api/v1/teams?page_size=200');
}

export function fetchMembers(tenantSlug: string) {
  return api.get<CursorPage<Member>>(`/api/v1/tenants/${tenantSlug}/members?status=active&page_size=200`);
}

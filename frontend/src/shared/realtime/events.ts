import type { Conversation, Message } from '../api/types';

/** Frames the backend pushes on agent sockets (messaging/listeners.py, core/realtime/consumers.py). */

export interface MessageFrame {
  event: 'message.created' | 'message.updated';
  tenant_id: string;
  conversation_id: string;
  message: Message;
}

export type ConversationChange = 'created' | 'reopened' | 'status' | 'assigned' | 'read' | 'updated' | 'merged';

export interface ConversationUpdatedFrame {
  event: 'conversation.updated';
  tenant_id: string;
  change: ConversationChange;
  conversation: Conversation;
}

export interface TypingFrame {
  event: 'typing';
  tenant_id: string;
  conversation_id: string;
  typing: boolean;
  author_name: string;
  by_contact: boolean;
  member_id: string | null;
}

export type RosterStatus = 'online' | 'away' | 'offline';

/** Sent to a conversation socket right after it joins: who is looking at it (ids → status). */
export interface ViewersSnapshotFrame {
  event: 'viewers.snapshot';
  tenant_id: string;
  conversation_id: string;
  members: Record<string, Exclude<RosterStatus, 'offline'>>;
  online: string[];
}

export interface ViewersChangedFrame {
  event: 'viewers.changed';
  tenant_id: string;
  conversation_id: string;
  member_id: string;
  display_name: string;
  status: RosterStatus;
  online: boolean;
}

export interface RealtimeEventMap {
  'message.created': MessageFrame;
  'message.updated': MessageFrame;
  'conversation.updated': ConversationUpdatedFrame;
  typing: TypingFrame;
  'viewers.snapshot': ViewersSnapshotFrame;
  'viewers.changed': ViewersChangedFrame;
}

export type RealtimeEventName = keyof RealtimeEventMap;

export type RealtimeHandlers = {
  [K in RealtimeEventName]?: (frame: RealtimeEventMap[K]) => void;
};

const KNOWN_EVENTS: ReadonlySet<string> = new Set<RealtimeEventName>([
  'message.created',
  'message.updated',
  'conversation.updated',
  'typing',
  'viewers.snapshot',
  'viewers.changed',
]);

/**
 * Events that carry the new state of a row: receiving the same frame twice (the inbox stream
 * and the conversation room both get it, or a replay after a reconnect) changes nothing, so
 * repeats are dropped. Typing and viewer frames legitimately repeat and are never deduplicated.
 */
export const STATE_EVENTS: ReadonlySet<RealtimeEventName> = new Set<RealtimeEventName>([
  'message.created',
  'message.updated',
  'conversation.updated',
]);

export function isKnownEvent(name: unknown): name is RealtimeEventName {
  return typeof name === 'string' && KNOWN_EVENTS.has(name);
}

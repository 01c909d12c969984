import type { Conversation, Message, Ticket } from '../api/types';

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

/** How a ticket changed (tickets/events.py TicketChanged.change). */
export type TicketChange = 'created' | 'updated' | 'status_changed' | 'commented';

/** The ticket board (`ws/{tenant}/tickets`, tickets/listeners.py): a ticket as it now is. */
export interface TicketChangedFrame {
  event: 'ticket.changed';
  tenant_id: string;
  change: TicketChange;
  ticket: Ticket;
}

export interface TicketTransferredFrame {
  event: 'ticket.transferred';
  tenant_id: string;
  ticket: Ticket;
}

/** Sent to the inbox streams of the units (and the person) a conversation left on a transfer
 * or reassignment: its members may no longer see it. */
export interface ConversationRemovedFrame {
  event: 'conversation.removed';
  tenant_id: string;
  conversation_id: string;
}

/** Sent to the boards of the units a transferred ticket left: drop its card. */
export interface TicketRemovedFrame {
  event: 'ticket.removed';
  tenant_id: string;
  ticket_id: string;
}

/**
 * kind: started | paused | resumed | met | cancelled | retargeted (`sla.changed`). Warnings and
 * breaches came one ticket per frame (`sla.warning` / `sla.breached`) before the scan batched
 * them as `sla.alerted`; both are handled.
 */
export interface SlaFrame {
  event: 'sla.changed' | 'sla.warning' | 'sla.breached';
  tenant_id: string;
  kind: string;
  ticket: Ticket;
}

/**
 * The SLA scan's warnings or breaches of one batch, one frame per group with all of that
 * group's tickets (kind: warning | breached).
 */
export interface SlaAlertedFrame {
  event: 'sla.alerted';
  tenant_id: string;
  kind: 'warning' | 'breached';
  tickets: Ticket[];
}

export interface RealtimeEventMap {
  'message.created': MessageFrame;
  'message.updated': MessageFrame;
  'conversation.updated': ConversationUpdatedFrame;
  'conversation.removed': ConversationRemovedFrame;
  typing: TypingFrame;
  'viewers.snapshot': ViewersSnapshotFrame;
  'viewers.changed': ViewersChangedFrame;
  'ticket.changed': TicketChangedFrame;
  'ticket.transferred': TicketTransferredFrame;
  'ticket.removed': TicketRemovedFrame;
  'sla.changed': SlaFrame;
  'sla.warning': SlaFrame;
  'sla.breached': SlaFrame;
  'sla.alerted': SlaAlertedFrame;
}

export type RealtimeEventName = keyof RealtimeEventMap;

export type RealtimeHandlers = {
  [K in RealtimeEventName]?: (frame: RealtimeEventMap[K]) => void;
};

const KNOWN_EVENTS: ReadonlySet<string> = new Set<RealtimeEventName>([
  'message.created',
  'message.updated',
  'conversation.updated',
  'conversation.removed',
  'typing',
  'viewers.snapshot',
  'viewers.changed',
  'ticket.changed',
  'ticket.transferred',
  'ticket.removed',
  'sla.changed',
  'sla.warning',
  'sla.breached',
  'sla.alerted',
]);

/**
 * Events that carry the new state of a row: receiving the same frame twice (the inbox stream
 * and the conversation room both get it, or a replay after a reconnect) changes nothing, so
 * repeats are dropped. Typing and viewer frames legitimately repeat and are never deduplicated.
 * Ticket and SLA frames are not deduplicated here: an internal note leaves the ticket row as it
 * was, so two notes in a row send identical `ticket.changed` frames that are distinct events.
 * The tickets store applies them idempotently and coalesces the refetches they trigger.
 */
export const STATE_EVENTS: ReadonlySet<RealtimeEventName> = new Set<RealtimeEventName>([
  'message.created',
  'message.updated',
  'conversation.updated',
]);

export function isKnownEvent(name: unknown): name is RealtimeEventName {
  return typeof name === 'string' && KNOWN_EVENTS.has(name);
}

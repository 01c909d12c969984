import { create } from 'zustand';
import { ApiError } from '../../../shared/api';
import type { Conversation, DeliveryStatus, Message } from '../../../shared/api/types';
import { useAuthStore } from '../../../shared/auth/store';
import type { TypingFrame, ViewersChangedFrame, ViewersSnapshotFrame } from '../../../shared/realtime/events';
import { fetchConversation, fetchMessages, retryDelivery, sendMessage } from '../api';

/** How long a "typing" signal lasts without a refresh (the sender repeats it every few seconds). */
export const TYPING_TTL_MS = 6000;
const MAX_GAP_PAGES = 5;

export type OutgoingState = 'sending' | 'failed';

/** A reply or note the agent sent that the server has not confirmed yet (optimistic). */
export interface OutgoingMessage {
  clientId: string;
  body: string;
  private: boolean;
  /** Not persisted: after a reload, a failed message with files can only be discarded. */
  files: File[];
  createdAt: string;
  state: OutgoingState;
  /** An ApiError, or 'interrupted' when the page was closed before the server answered. */
  error: unknown;
  /** Upload progress 0..1 while files are sent. */
  progress: number | null;
}

export interface TypingEntry {
  name: string;
  byContact: boolean;
  expiresAt: number;
}

export interface Viewer {
  memberId: string;
  /** Empty until the server names them (its snapshot carries ids only). */
  name: string;
  status: 'online' | 'away';
}

export type ThreadStatus = 'loading' | 'ready' | 'error' | 'gone';

export interface Thread {
  status: ThreadStatus;
  error: unknown;
  conversation: Conversation | null;
  /** Server messages, oldest first. */
  messages: Message[];
  hasMore: boolean;
  loadingOlder: boolean;
  outbox: OutgoingMessage[];
  typing: Record<string, TypingEntry>;
  viewers: Record<string, Viewer>;
}

export interface SendRequest {
  body: string;
  private: boolean;
  files: File[];
}

export interface ThreadState {
  threads: Record<string, Thread>;
  open: (conversationId: string) => Promise<void>;
  resync: (conversationId: string) => Promise<void>;
  loadOlder: (conversationId: string) => Promise<void>;
  applyMessage: (message: Message) => void;
  applyConversation: (conversation: Conversation) => void;
  send: (conversationId: string, request: SendRequest) => Promise<void>;
  retry: (conversationId: string, clientId: string) => Promise<void>;
  /** Re-queue a reply the provider refused; resolves to the refusal (null when queued again). */
  retryDelivery: (conversationId: string, messageId: string) => Promise<unknown>;
  discard: (conversationId: string, clientId: string) => void;
  applyTyping: (frame: TypingFrame, myMemberId: string | null) => void;
  applyViewersSnapshot: (frame: ViewersSnapshotFrame, myMemberId: string | null) => void;
  applyViewerChange: (frame: ViewersChangedFrame, myMemberId: string | null) => void;
  markGone: (conversationId: string) => void;
  reset: () => void;
}

const DELIVERY_RANK: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

function deliveryRank(message: Message): number {
  return message.delivery_status ? DELIVERY_RANK[message.delivery_status] : -1;
}

function compareMessages(a: Message, b: Message): number {
  if (a.created_at !== b.created_at) return a.created_at < b.created_at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Inserts or replaces by id, keeping the timeline order; receipts never move backwards. */
export function upsertMessages(messages: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return messages;
  const byId = new Map(messages.map((m) => [m.id, m]));
  let changed = false;
  for (const message of incoming) {
    const current = byId.get(message.id);
    if (current && deliveryRank(message) < deliveryRank(current)) continue;
    byId.set(message.id, message);
    changed = true;
  }
  return changed ? [...byId.values()].sort(compareMessages) : messages;
}

function emptyThread(): Thread {
  return {
    status: 'loading',
    error: null,
    conversation: null,
    messages: [],
    hasMore: false,
    loadingOlder: false,
    outbox: [],
    typing: {},
    viewers: {},
  };
}

export function newClientId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Outside secure contexts randomUUID is missing; uniqueness per conversation is all that matters.
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

// --- outbox persistence: unconfirmed sends survive a reload as failed, ready to retry --------

interface PersistedOutgoing {
  clientId: string;
  body: string;
  private: boolean;
  createdAt: string;
  hadFiles: boolean;
}

function outboxKey(conversationId: string): string | null {
  const tenant = useAuthStore.getState().tenantSlug;
  return tenant ? `atendo.outbox.${tenant}.${conversationId}` : null;
}

function persistOutbox(conversationId: string, outbox: OutgoingMessage[]): void {
  const key = outboxKey(conversationId);
  if (!key) return;
  try {
    if (outbox.length === 0) {
      localStorage.removeItem(key);
      return;
    }
    const rows: PersistedOutgoing[] = outbox.map((o) => ({
      clientId: o.clientId,
      body: o.body,
      private: o.private,
      createdAt: o.createdAt,
      hadFiles: o.files.length > 0,
    }));
    localStorage.setItem(key, JSON.stringify(rows));
  } catch {
    // storage full or unavailable: the outbox still lives in memory
  }
}

export const INTERRUPTED = 'interrupted';
export const FILES_LOST = 'files_lost';

function restoreOutbox(conversationId: string): OutgoingMessage[] {
  const key = outboxKey(conversationId);
  if (!key) return [];
  try {
    const rows = JSON.parse(localStorage.getItem(key) ?? '[]') as PersistedOutgoing[];
    return rows.map((row) => ({
      clientId: row.clientId,
      body: row.body,
      private: row.private,
      files: [],
      createdAt: row.createdAt,
      state: 'failed',
      error: row.hadFiles ? FILES_LOST : INTERRUPTED,
      progress: null,
    }));
  } catch {
    return [];
  }
}

/** Drops outbox entries the server already has (same client_id), e.g. after a resync. */
function reconcile(outbox: OutgoingMessage[], messages: Message[]): OutgoingMessage[] {
  const confirmed = new Set(messages.map((m) => m.client_id).filter((id): id is string => Boolean(id)));
  const remaining = outbox.filter((o) => !confirmed.has(o.clientId));
  return remaining.length === outbox.length ? outbox : remaining;
}

export const useThreadStore = create<ThreadState>()((set, get) => {
  /** Patches a thread; `create` starts a missing one (a reset may race an in-flight load). */
  function update(
    conversationId: string,
    change: (thread: Thread) => Partial<Thread> | null,
    create = false,
  ): void {
    const thread = get().threads[conversationId] ?? (create ? emptyThread() : undefined);
    if (!thread) return;
    const patch = change(thread);
    if (!patch) return;
    const next = { ...thread, ...patch };
    if (patch.outbox && patch.outbox !== thread.outbox) persistOutbox(conversationId, patch.outbox);
    set({ threads: { ...get().threads, [conversationId]: next } });
  }

  async function deliver(conversationId: string, outgoing: OutgoingMessage): Promise<void> {
    try {
      const message = await sendMessage(conversationId, {
        body: outgoing.body,
        private: outgoing.private,
        clientId: outgoing.clientId,
        files: outgoing.files,
        onProgress: outgoing.files.length
          ? (progress) =>
              update(conversationId, (t) => ({
                outbox: t.outbox.map((o) => (o.clientId === outgoing.clientId ? { ...o, progress } : o)),
              }))
          : undefined,
      });
      get().applyMessage(message);
    } catch (error) {
      update(conversationId, (t) => ({
        outbox: t.outbox.map((o) =>
          o.clientId === outgoing.clientId ? { ...o, state: 'failed', error, progress: null } : o,
        ),
      }));
      if (error instanceof ApiError && error.status === 404) get().markGone(conversationId);
    }
  }

  return {
    threads: {},

    open: async (conversationId) => {
      if (get().threads[conversationId]) return get().resync(conversationId);
      set({ threads: { ...get().threads, [conversationId]: { ...emptyThread(), outbox: restoreOutbox(conversationId) } } });
      return get().resync(conversationId);
    },

    resync: async (conversationId) => {
      let detail;
      try {
        detail = await fetchConversation(conversationId);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) get().markGone(conversationId);
        else update(conversationId, (t) => (t.status === 'loading' ? { status: 'error', error } : null));
        return;
      }
      const { messages: page, ...conversation } = detail;
      let fetched = page.results;
      let hasMore = page.has_more;
      const known = new Set(get().threads[conversationId]?.messages.map((m) => m.id));
      // After a long gap the newest page may not reach what is shown: walk back until it does.
      for (let i = 0; known.size > 0 && hasMore && i < MAX_GAP_PAGES; i++) {
        if (fetched.some((m) => known.has(m.id))) break;
        const oldest = fetched[0];
        if (!oldest) break;
        const older = await fetchMessages(conversationId, oldest.id);
        fetched = [...older.results, ...fetched];
        hasMore = older.has_more;
      }
      update(conversationId, (t) => {
        const messages = upsertMessages(t.messages, fetched);
        return {
          status: 'ready',
          error: null,
          conversation,
          messages,
          // A first load takes has_more as is; later resyncs keep what older pages told.
          hasMore: t.status === 'ready' ? t.hasMore : hasMore,
          outbox: reconcile(t.outbox, messages),
        };
      }, true);
    },

    loadOlder: async (conversationId) => {
      const thread = get().threads[conversationId];
      const oldest = thread?.messages[0];
      if (!thread || !oldest || !thread.hasMore || thread.loadingOlder) return;
      update(conversationId, () => ({ loadingOlder: true }));
      try {
        const page = await fetchMessages(conversationId, oldest.id);
        update(conversationId, (t) => ({
          messages: upsertMessages(t.messages, page.results),
          hasMore: page.has_more,
          loadingOlder: false,
        }));
      } catch (error) {
        update(conversationId, () => ({ loadingOlder: false, error }));
      }
    },

    retryDelivery: async (conversationId, messageId) => {
      try {
        get().applyMessage(await retryDelivery(conversationId, messageId));
        return null;
      } catch (error) {
        return error; // e.g. the 24-hour window closed: the bubble shows why
      }
    },

    applyMessage: (message) => {
      update(message.conversation_id, (t) => {
        const messages = upsertMessages(t.messages, [message]);
        const outbox = message.client_id ? reconcile(t.outbox, [message]) : t.outbox;
        // A message from the contact ends their typing indicator.
        const typing = message.direction === 'in' && t.typing.contact ? withoutKey(t.typing, 'contact') : t.typing;
        if (messages === t.messages && outbox === t.outbox && typing === t.typing) return null;
        return { messages, outbox, typing };
      });
    },

    applyConversation: (conversation) => {
      update(conversation.id, (t) => {
        const current = t.conversation;
        if (current && conversation.updated_at < current.updated_at) return null;
        return { conversation };
      });
    },

    send: async (conversationId, request) => {
      const outgoing: OutgoingMessage = {
        clientId: newClientId(),
        body: request.body,
        private: request.private,
        files: request.files,
        createdAt: new Date().toISOString(),
        state: 'sending',
        error: null,
        progress: request.files.length ? 0 : null,
      };
      update(conversationId, (t) => ({ outbox: [...t.outbox, outgoing] }));
      await deliver(conversationId, outgoing);
    },

    retry: async (conversationId, clientId) => {
      const outgoing = get().threads[conversationId]?.outbox.find((o) => o.clientId === clientId);
      if (!outgoing || outgoing.state === 'sending') return;
      const again: OutgoingMessage = { ...outgoing, state: 'sending', error: null, progress: outgoing.files.length ? 0 : null };
      update(conversationId, (t) => ({ outbox: t.outbox.map((o) => (o.clientId === clientId ? again : o)) }));
      // The same client_id: if the first attempt did reach the server, it answers with that message.
      await deliver(conversationId, again);
    },

    discard: (conversationId, clientId) => {
      update(conversationId, (t) => ({ outbox: t.outbox.filter((o) => o.clientId !== clientId) }));
    },

    applyTyping: (frame, myMemberId) => {
      if (!frame.by_contact && frame.member_id && frame.member_id === myMemberId) return;
      const key = frame.by_contact ? 'contact' : (frame.member_id ?? frame.author_name);
      update(frame.conversation_id, (t) => {
        if (!frame.typing) return t.typing[key] ? { typing: withoutKey(t.typing, key) } : null;
        return {
          typing: {
            ...t.typing,
            [key]: { name: frame.author_name, byContact: frame.by_contact, expiresAt: Date.now() + TYPING_TTL_MS },
          },
        };
      });
    },

    applyViewersSnapshot: (frame, myMemberId) => {
      update(frame.conversation_id, (t) => {
        const viewers: Record<string, Viewer> = {};
        for (const [memberId, status] of Object.entries(frame.members)) {
          if (memberId === myMemberId) continue;
          viewers[memberId] = { memberId, name: t.viewers[memberId]?.name ?? '', status };
        }
        return { viewers };
      });
    },

    applyViewerChange: (frame, myMemberId) => {
      if (frame.member_id === myMemberId) return;
      update(frame.conversation_id, (t) => {
        if (!frame.online || frame.status === 'offline') {
          return t.viewers[frame.member_id] ? { viewers: withoutKey(t.viewers, frame.member_id) } : null;
        }
        const viewer: Viewer = { memberId: frame.member_id, name: frame.display_name, status: frame.status };
        return { viewers: { ...t.viewers, [frame.member_id]: viewer } };
      });
    },

    markGone: (conversationId) => {
      update(conversationId, () => ({ status: 'gone', typing: {}, viewers: {} }));
    },

    reset: () => set({ threads: {} }),
  };
});

function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  const next = { ...record };
  delete next[key];
  return next;
}

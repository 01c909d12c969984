import { create } from 'zustand';
import { ApiError } from '../../../shared/api';
import type { Ticket, TicketComment, TicketDetail, TicketSla } from '../../../shared/api/types';
import { addComment, fetchComments, fetchTicket, fetchTicketSla } from '../api';
import { instant, keepAllowedStatuses } from '../filters';

/** Comment pages read at most per refresh (100 each): beyond that the thread says it is cut. */
const MAX_COMMENT_PAGES = 20;
/** Frames come in bursts (one per group the socket shares with the ticket): one refetch per burst. */
export const REFRESH_DELAY_MS = 250;

export type ThreadStatus = 'loading' | 'ready' | 'error' | 'gone';

export interface TicketThread {
  status: ThreadStatus;
  ticket: TicketDetail | null;
  sla: TicketSla | null;
  /** When `sla` was read (Date.now() ms): running clocks count their remaining_seconds from it. */
  slaReadAt: number;
  comments: TicketComment[];
  /** More comments exist than were read (a very long thread). */
  commentsCut: boolean;
  error: unknown;
}

export interface RefreshParts {
  detail?: boolean;
  sla?: boolean;
  comments?: boolean;
}

export interface TicketDetailState {
  threads: Record<string, TicketThread>;
  /** Loads the ticket, its SLA clocks and its comments (again, if already open). */
  open: (id: string) => Promise<void>;
  /** Refetches parts of an open ticket after a frame, coalescing a burst into one request each. */
  scheduleRefresh: (id: string, parts: RefreshParts) => void;
  refresh: (id: string, parts: RefreshParts) => Promise<void>;
  /** A ticket as the server now has it (frame or action answer); keeps the assignment history. */
  applyTicket: (ticket: Ticket | TicketDetail) => void;
  /** Posts a comment and adds the server's row; rejects with the ApiError when refused. */
  comment: (id: string, body: string, internal: boolean) => Promise<void>;
  markGone: (id: string) => void;
  reset: () => void;
}

const emptyThread: TicketThread = {
  status: 'loading',
  ticket: null,
  sla: null,
  slaReadAt: 0,
  comments: [],
  commentsCut: false,
  error: null,
};

const timers = new Map<string, { timer: ReturnType<typeof setTimeout>; parts: RefreshParts }>();

async function readComments(id: string): Promise<{ comments: TicketComment[]; cut: boolean }> {
  const comments: TicketComment[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_COMMENT_PAGES; page++) {
    const result = await fetchComments(id, cursor);
    comments.push(...result.results);
    cursor = result.next;
    if (!cursor) return { comments, cut: false };
  }
  return { comments, cut: true };
}

function isGone(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

export const useTicketDetailStore = create<TicketDetailState>()((set, get) => {
  function patch(id: string, changes: Partial<TicketThread>) {
    set((state) => ({ threads: { ...state.threads, [id]: { ...(state.threads[id] ?? emptyThread), ...changes } } }));
  }

  return {
    threads: {},

    open: async (id) => {
      const known = get().threads[id];
      if (!known || known.status !== 'ready') patch(id, { ...emptyThread });
      await get().refresh(id, { detail: true, sla: true, comments: true });
    },

    scheduleRefresh: (id, parts) => {
      if (!get().threads[id]) return; // not open: nothing to keep fresh
      const queued = timers.get(id);
      if (queued) clearTimeout(queued.timer);
      const merged = {
        detail: Boolean(parts.detail || queued?.parts.detail),
        sla: Boolean(parts.sla || queued?.parts.sla),
        comments: Boolean(parts.comments || queued?.parts.comments),
      };
      const timer = setTimeout(() => {
        timers.delete(id);
        void get().refresh(id, merged);
      }, REFRESH_DELAY_MS);
      timers.set(id, { timer, parts: merged });
    },

    refresh: async (id, parts) => {
      const [detail, sla, comments] = await Promise.allSettled([
        parts.detail ? fetchTicket(id) : Promise.resolve(null),
        parts.sla ? fetchTicketSla(id) : Promise.resolve(null),
        parts.comments ? readComments(id) : Promise.resolve(null),
      ]);
      if (!get().threads[id]) return; // closed meanwhile (tenant switch)
      const failures = [detail, sla, comments].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failures.some((f) => isGone(f.reason))) {
        get().markGone(id);
        return;
      }
      const changes: Partial<TicketThread> = {};
      if (detail.status === 'fulfilled' && detail.value) {
        const current = get().threads[id]?.ticket;
        if (!current || instant(detail.value.updated_at) >= instant(current.updated_at)) changes.ticket = detail.value;
      }
      if (sla.status === 'fulfilled' && sla.value) {
        changes.sla = sla.value;
        changes.slaReadAt = Date.now();
      }
      if (comments.status === 'fulfilled' && comments.value) {
        changes.comments = comments.value.comments;
        changes.commentsCut = comments.value.cut;
      }
      const thread = get().threads[id];
      const hasTicket = Boolean(changes.ticket ?? thread?.ticket);
      if (failures.length && !hasTicket) changes.status = 'error';
      else if (hasTicket) changes.status = 'ready';
      changes.error = failures[0]?.reason ?? null;
      patch(id, changes);
    },

    applyTicket: (ticket) => {
      const thread = get().threads[ticket.id];
      if (!thread?.ticket) return;
      if (instant(ticket.updated_at) < instant(thread.ticket.updated_at)) return;
      patch(ticket.id, { ticket: { ...thread.ticket, ...keepAllowedStatuses(ticket, thread.ticket) } });
    },

    comment: async (id, body, internal) => {
      const created = await addComment(id, { body, internal });
      const thread = get().threads[id];
      if (!thread) return;
      if (thread.comments.some((c) => c.id === created.id)) return;
      patch(id, { comments: [...thread.comments, created] });
    },

    markGone: (id) => {
      const queued = timers.get(id);
      if (queued) clearTimeout(queued.timer);
      timers.delete(id);
      patch(id, { status: 'gone' });
    },

    reset: () => {
      for (const { timer } of timers.values()) clearTimeout(timer);
      timers.clear();
      set({ threads: {} });
    },
  };
});

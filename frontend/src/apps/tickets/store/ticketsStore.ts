import { useMemo } from 'react';
import { create } from 'zustand';
import { ApiError } from '../../../shared/api';
import type { Ticket, TicketDetail, TicketStatus } from '../../../shared/api/types';
import { PAGE_SIZE, fetchTicketCounts, fetchTickets, setTicketStatus } from '../api';
import { DEFAULT_FILTERS, STATUSES, compareTickets, instant, keepAllowedStatuses, matchesFilters, statusesOf, type TicketFilters } from '../filters';

export type ViewMode = 'board' | 'list';
/** The list view's rows, or one board column. */
export type CollectionKey = 'list' | TicketStatus;
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export const VIEW_STORAGE_KEY = 'atendo.tickets.view';
const MAX_PAGE_SIZE = 200;
/** Live changes come in bursts: the board's counts are asked again once per burst. */
export const COUNTS_REFRESH_MS = 400;

export interface Collection {
  /** Ids in the API's order (most recently changed first). */
  order: string[];
  /** `next` URL of the last page loaded; null when everything is loaded. */
  nextCursor: string | null;
  status: LoadStatus;
  loadingMore: boolean;
  error: unknown;
}

/** A status change sent to the server and not answered yet: the card already shows it there. */
export interface PendingMove {
  from: TicketStatus;
  to: TicketStatus;
  /** When the agent moved it: the card sorts as just changed. */
  at: string;
}

/** The server refused a move: the card went back, and this says why (the backend's message). */
export interface MoveRefusal {
  ticketId: string;
  number: number;
  from: TicketStatus;
  to: TicketStatus;
  error: unknown;
}

export interface TicketsState {
  filters: TicketFilters;
  view: ViewMode;
  myMemberId: string | null;
  byId: Record<string, Ticket>;
  collections: Record<CollectionKey, Collection>;
  pending: Record<string, PendingMove>;
  refusal: MoveRefusal | null;
  /** Tickets per status for the member's scope and the filters (the board's column headers). */
  counts: Record<TicketStatus, number> | null;

  setMyMemberId: (id: string | null) => void;
  setView: (view: ViewMode) => Promise<void>;
  setFilters: (changes: Partial<TicketFilters>) => Promise<void>;
  /** Loads what the current view shows (the list, or every board column) from the first page. */
  load: () => Promise<void>;
  loadMore: (key: CollectionKey) => Promise<void>;
  /** Brings what is loaded up to date after a gap in the live stream. */
  resync: () => Promise<void>;
  /** Asks the server for the board's per-status counts (now, or once after a burst of changes). */
  loadCounts: () => Promise<void>;
  scheduleCounts: () => void;
  /** A ticket as the server now has it (socket frame or an action's answer). */
  applyTicket: (ticket: Ticket) => void;
  /** Many at once (an SLA scan batch): one update of the board, not one per ticket. */
  applyTickets: (tickets: Ticket[]) => void;
  /** The ticket left the member's scope (another unit's board) or no longer exists. */
  removeTicket: (id: string) => void;
  /**
   * Moves the card at once and asks the server; on refusal the card goes back and `refusal`
   * explains. Resolves to the server's ticket, or null when refused. `known` lets a ticket that
   * no list holds (opened by its URL) be moved too.
   */
  moveTicket: (id: string, to: TicketStatus, known?: Ticket) => Promise<TicketDetail | null>;
  dismissRefusal: () => void;
  reset: () => void;
}

const COLLECTION_KEYS: readonly CollectionKey[] = ['list', ...STATUSES];

function emptyCollection(): Collection {
  return { order: [], nextCursor: null, status: 'idle', loadingMore: false, error: null };
}

function emptyCollections(): Record<CollectionKey, Collection> {
  return Object.fromEntries(COLLECTION_KEYS.map((key) => [key, emptyCollection()])) as Record<CollectionKey, Collection>;
}

function storedView(): ViewMode {
  try {
    return localStorage.getItem(VIEW_STORAGE_KEY) === 'list' ? 'list' : 'board';
  } catch {
    return 'board';
  }
}

export function keysOf(view: ViewMode): readonly CollectionKey[] {
  return view === 'list' ? ['list'] : STATUSES;
}

export function statusesFor(key: CollectionKey, filters: TicketFilters): readonly TicketStatus[] {
  return key === 'list' ? statusesOf(filters.status) : [key];
}

/** The ticket as the agent sees it: with a pending move, already in its new column. */
export function effectiveTicket(ticket: Ticket, pending: PendingMove | undefined): Ticket {
  return pending ? { ...ticket, status: pending.to, updated_at: pending.at } : ticket;
}

function isStale(incoming: Ticket, current: Ticket | undefined): boolean {
  return current !== undefined && instant(incoming.updated_at) < instant(current.updated_at);
}

interface View {
  byId: Record<string, Ticket>;
  pending: Record<string, PendingMove>;
  filters: TicketFilters;
  myMemberId: string | null;
}

function effectiveOf(view: View, id: string): Ticket | undefined {
  const ticket = view.byId[id];
  return ticket && effectiveTicket(ticket, view.pending[id]);
}

function belongs(view: View, key: CollectionKey, ticket: Ticket): boolean {
  return matchesFilters(ticket, view.filters, view.myMemberId, statusesFor(key, view.filters));
}

function sortIds(view: View, ids: Iterable<string>): string[] {
  const rows = [...ids].map((id) => effectiveOf(view, id)).filter((t): t is Ticket => t !== undefined);
  return rows.sort(compareTickets).map((t) => t.id);
}

/**
 * Puts ticket `id` where it belongs in one loaded collection (or takes it out). A row that would
 * sort after the last loaded one while more pages exist is left for pagination to bring.
 */
function place(view: View, key: CollectionKey, collection: Collection, id: string): Collection {
  if (collection.status !== 'ready') return collection;
  const ticket = effectiveOf(view, id);
  const present = collection.order.includes(id);
  const without = present ? collection.order.filter((other) => other !== id) : collection.order;
  if (!ticket || !belongs(view, key, ticket)) return present ? { ...collection, order: without } : collection;
  let low = 0;
  let high = without.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const other = effectiveOf(view, without[mid] as string);
    if (other && compareTickets(other, ticket) <= 0) low = mid + 1;
    else high = mid;
  }
  if (low === without.length && collection.nextCursor !== null && !present) return collection;
  const order = [...without];
  order.splice(low, 0, id);
  if (present && order.every((other, i) => other === collection.order[i])) return collection;
  return { ...collection, order };
}

function placeEverywhere(view: View, collections: Record<CollectionKey, Collection>, id: string) {
  let changed = false;
  const next = { ...collections };
  for (const key of COLLECTION_KEYS) {
    const placed = place(view, key, collections[key], id);
    if (placed !== collections[key]) {
      next[key] = placed;
      changed = true;
    }
  }
  return changed ? next : collections;
}

/** Each load of the current filters gets a number: answers for older filters are dropped. */
let generation = 0;
let countsTimer: ReturnType<typeof setTimeout> | null = null;

/**
 * Live changes are numbered as they are applied. A page read from the server was requested at
 * some point of that sequence; a ticket a frame touched after that point is newer than what the
 * page says about it (present, absent or removed), so the page does not undo it.
 */
let liveSequence = 0;
const liveChanges = new Map<string, { at: number; removed: boolean }>();

const LIVE_CHANGES_KEPT = 2000;

function touch(id: string, removed: boolean) {
  liveChanges.delete(id); // re-inserted last: the map stays in order of recency
  liveChanges.set(id, { at: ++liveSequence, removed });
  // Only requests in flight look back, never this far.
  if (liveChanges.size > LIVE_CHANGES_KEPT) liveChanges.delete(liveChanges.keys().next().value as string);
}

function touchedSince(mark: number): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const [id, change] of liveChanges) if (change.at > mark) out.set(id, change.removed);
  return out;
}

export const useTicketsStore = create<TicketsState>()((set, get) => {
  function viewOf(): View {
    const { byId, pending, filters, myMemberId } = get();
    return { byId, pending, filters, myMemberId };
  }

  function setCollection(key: CollectionKey, changes: Partial<Collection>) {
    set((state) => ({ collections: { ...state.collections, [key]: { ...state.collections[key], ...changes } } }));
  }

  /** Stores fetched rows (never over a newer version already shown). */
  function remember(rows: Ticket[]) {
    const byId = { ...get().byId };
    for (const row of rows) if (!isStale(row, byId[row.id])) byId[row.id] = row;
    set({ byId });
  }

  /**
   * The order of a collection from the ids a page (plus kept rows) gives. The server decides
   * which rows match the filters, except for tickets the client knows better about: pending
   * moves, and tickets changed or removed live since `mark` (when the page was requested).
   */
  function reconcile(key: CollectionKey, fromServer: Set<string>, mark: number): string[] {
    const view = viewOf();
    const ids = new Set(fromServer);
    const decide = (id: string) => {
      const ticket = effectiveOf(view, id);
      if (ticket && belongs(view, key, ticket)) ids.add(id);
      else ids.delete(id);
    };
    for (const [id, removed] of touchedSince(mark)) {
      if (removed) ids.delete(id);
      else decide(id);
    }
    for (const id of Object.keys(view.pending)) decide(id);
    return sortIds(view, ids);
  }

  async function loadCollection(key: CollectionKey, request: number) {
    setCollection(key, { status: 'loading', error: null, loadingMore: false });
    try {
      const { filters, myMemberId } = get();
      const mark = liveSequence;
      const page = await fetchTickets(filters, myMemberId, { statuses: statusesFor(key, filters) });
      if (request !== generation) return;
      remember(page.results);
      const ids = new Set(page.results.map((t) => t.id));
      setCollection(key, { order: reconcile(key, ids, mark), nextCursor: page.next, status: 'ready' });
    } catch (error) {
      if (request === generation) setCollection(key, { status: 'error', error });
    }
  }

  async function resyncCollection(key: CollectionKey, request: number) {
    const collection = get().collections[key];
    if (collection.status === 'error') return loadCollection(key, request);
    if (collection.status !== 'ready') return;
    const pageSize = Math.min(MAX_PAGE_SIZE, Math.max(PAGE_SIZE, collection.order.length));
    const { filters, myMemberId } = get();
    const mark = liveSequence;
    const page = await fetchTickets(filters, myMemberId, { statuses: statusesFor(key, filters), pageSize });
    if (request !== generation) return;
    remember(page.results);
    const view = viewOf();
    const current = get().collections[key];
    const ids = new Set(page.results.map((t) => t.id));
    const oldest = page.results.at(-1);
    const coversAll = current.order.length <= pageSize;
    if (!coversAll && oldest) {
      // Rows older than the fetched range were not re-read: keep them as they are.
      for (const id of current.order) {
        const row = effectiveOf(view, id);
        if (row && compareTickets(row, oldest) > 0) ids.add(id);
      }
    }
    const order = reconcile(key, ids, mark);
    setCollection(key, { order, nextCursor: coversAll ? page.next : current.nextCursor });
  }

  return {
    filters: DEFAULT_FILTERS,
    view: storedView(),
    myMemberId: null,
    byId: {},
    collections: emptyCollections(),
    pending: {},
    refusal: null,
    counts: null,

    setMyMemberId: (id) => set({ myMemberId: id }),

    setView: async (view) => {
      try {
        localStorage.setItem(VIEW_STORAGE_KEY, view);
      } catch {
        // Private mode: the choice lasts for this visit.
      }
      set({ view });
      const request = generation;
      await Promise.all([
        ...keysOf(view)
          .filter((key) => get().collections[key].status === 'idle')
          .map((key) => loadCollection(key, request)),
        view === 'board' && get().counts === null ? get().loadCounts() : Promise.resolve(),
      ]);
    },

    setFilters: (changes) => {
      set({ filters: { ...get().filters, ...changes } });
      return get().load();
    },

    load: async () => {
      const request = ++generation;
      // Other views' collections hold rows for the old filters: they reload when shown.
      set({ collections: emptyCollections(), byId: pick(get().byId, Object.keys(get().pending)), counts: null });
      await Promise.all([
        ...keysOf(get().view).map((key) => loadCollection(key, request)),
        get().view === 'board' ? get().loadCounts() : Promise.resolve(),
      ]);
    },

    loadMore: async (key) => {
      const collection = get().collections[key];
      if (!collection.nextCursor || collection.loadingMore || collection.status !== 'ready') return;
      const request = generation;
      setCollection(key, { loadingMore: true });
      try {
        const { filters, myMemberId } = get();
        const page = await fetchTickets(filters, myMemberId, { cursor: collection.nextCursor });
        if (request !== generation) return;
        remember(page.results);
        const view = viewOf();
        const removed = new Set([...touchedSince(0)].filter(([, gone]) => gone).map(([id]) => id));
        const ids = new Set(get().collections[key].order);
        for (const row of page.results) {
          const ticket = effectiveOf(view, row.id);
          if (ticket && !removed.has(row.id) && belongs(view, key, ticket)) ids.add(row.id);
        }
        setCollection(key, { order: sortIds(view, ids), nextCursor: page.next, loadingMore: false });
      } catch (error) {
        if (request === generation) setCollection(key, { loadingMore: false, error });
      }
    },

    resync: async () => {
      const request = generation;
      await Promise.all([
        ...COLLECTION_KEYS.map((key) => resyncCollection(key, request)),
        get().view === 'board' ? get().loadCounts() : Promise.resolve(),
      ]);
    },

    loadCounts: async () => {
      if (countsTimer) clearTimeout(countsTimer);
      countsTimer = null;
      const request = generation;
      const { filters, myMemberId } = get();
      try {
        const answer = await fetchTicketCounts(filters, myMemberId);
        if (request === generation) set({ counts: answer.counts });
      } catch {
        // The headers fall back to the loaded cards; the next change asks again.
      }
    },

    scheduleCounts: () => {
      if (get().view !== 'board') return;
      if (countsTimer) clearTimeout(countsTimer);
      countsTimer = setTimeout(() => void get().loadCounts(), COUNTS_REFRESH_MS);
    },

    applyTicket: (ticket) => get().applyTickets([ticket]),

    applyTickets: (tickets) => {
      const byId = { ...get().byId };
      const changed: string[] = [];
      for (const ticket of tickets) {
        if (isStale(ticket, byId[ticket.id])) continue;
        touch(ticket.id, false);
        byId[ticket.id] = keepAllowedStatuses(ticket, byId[ticket.id]);
        changed.push(ticket.id);
      }
      if (!changed.length) return;
      const view = { ...viewOf(), byId };
      let collections = get().collections;
      for (const id of changed) collections = placeEverywhere(view, collections, id);
      set({ byId, collections });
      get().scheduleCounts();
    },

    removeTicket: (id) => {
      touch(id, true);
      const { byId, pending, collections } = get();
      if (!byId[id] && !pending[id]) return;
      get().scheduleCounts();
      const nextById = { ...byId };
      delete nextById[id];
      const nextPending = { ...pending };
      delete nextPending[id];
      const nextCollections = { ...collections };
      for (const key of COLLECTION_KEYS) {
        if (collections[key].order.includes(id)) {
          nextCollections[key] = { ...collections[key], order: collections[key].order.filter((other) => other !== id) };
        }
      }
      set({ byId: nextById, pending: nextPending, collections: nextCollections });
    },

    moveTicket: async (id, to, known) => {
      const { byId, pending } = get();
      const ticket = byId[id] ?? known;
      if (!ticket || pending[id]) return null;
      if (ticket.status === to) return null;
      const move: PendingMove = { from: ticket.status, to, at: new Date().toISOString() };
      {
        const nextById = byId[id] ? byId : { ...byId, [id]: ticket };
        const nextPending = { ...pending, [id]: move };
        const view = { ...viewOf(), byId: nextById, pending: nextPending };
        set({ byId: nextById, pending: nextPending, refusal: null, collections: placeEverywhere(view, get().collections, id) });
      }
      const settle = (server: Ticket | null) => {
        const nextPending = { ...get().pending };
        delete nextPending[id];
        const nextById = { ...get().byId };
        if (server && !isStale(server, nextById[id])) nextById[id] = server;
        touch(id, false); // a page read before this answer must not put the card back
        const view = { ...viewOf(), byId: nextById, pending: nextPending };
        set({ byId: nextById, pending: nextPending, collections: placeEverywhere(view, get().collections, id) });
      };
      try {
        const updated = await setTicketStatus(id, to);
        settle(updated);
        get().scheduleCounts();
        return updated;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          get().removeTicket(id); // gone, or out of the member's scope
        } else {
          settle(null); // back to the status the server still has
        }
        set({ refusal: { ticketId: id, number: ticket.number, from: move.from, to, error } });
        return null;
      }
    },

    dismissRefusal: () => set({ refusal: null }),

    reset: () => {
      generation++;
      liveChanges.clear();
      if (countsTimer) clearTimeout(countsTimer);
      countsTimer = null;
      set({ byId: {}, collections: emptyCollections(), pending: {}, refusal: null, filters: DEFAULT_FILTERS, counts: null });
    },
  };
});

function pick<T>(record: Record<string, T>, keys: string[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of keys) if (record[key] !== undefined) out[key] = record[key] as T;
  return out;
}

/** A ticket with any pending move applied, for components (stable while nothing changes). */
export function useEffectiveTicket(id: string): { ticket: Ticket | undefined; moving: PendingMove | undefined } {
  const ticket = useTicketsStore((s) => s.byId[id]);
  const moving = useTicketsStore((s) => s.pending[id]);
  const effective = useMemo(() => ticket && effectiveTicket(ticket, moving), [ticket, moving]);
  return { ticket: effective, moving };
}

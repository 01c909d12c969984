import { create } from 'zustand';
import type { Conversation } from '../../../shared/api/types';
import { fetchConversations } from '../api';
import { DEFAULT_FILTERS, compareConversations, matchesFilters, type InboxFilters } from '../filters';

/** Pages fetched at most by one resync before it gives up closing the gap exactly. */
const MAX_RESYNC_PAGES = 5;

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ConversationListState {
  filters: InboxFilters;
  /** The member id of the signed-in user in this tenant (the "mine" filter, assign to me). */
  myMemberId: string | null;
  byId: Record<string, Conversation>;
  /** Ids in list order (most recent activity first). */
  order: string[];
  /** `next` URL of the last page loaded; null when everything is loaded. */
  nextCursor: string | null;
  status: LoadStatus;
  loadingMore: boolean;
  error: unknown;

  setMyMemberId: (id: string | null) => void;
  setFilters: (changes: Partial<InboxFilters>) => Promise<void>;
  load: () => Promise<void>;
  loadMore: () => Promise<void>;
  /** Brings the loaded head of the list up to date after a gap in the live stream. */
  resync: () => Promise<void>;
  /** A conversation as the server now has it (socket frame or an action's answer). */
  applyConversation: (conversation: Conversation) => void;
  remove: (id: string) => void;
  reset: () => void;
}

/** Ignores a version strictly older than the one shown (a late frame, a slow resync page). */
function isStale(incoming: Conversation, current: Conversation | undefined): boolean {
  if (!current) return false;
  if (incoming.updated_at !== current.updated_at) return incoming.updated_at < current.updated_at;
  return incoming.last_activity_at < current.last_activity_at;
}

function insertionIndex(order: string[], byId: Record<string, Conversation>, conversation: Conversation): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const other = byId[order[mid] as string];
    if (other && compareConversations(other, conversation) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

interface ListSlice {
  byId: Record<string, Conversation>;
  order: string[];
}

/**
 * Puts `conversation` where it belongs (or takes it out when it no longer matches). A row that
 * would sort after the last loaded one while more pages exist is left for pagination to bring.
 */
function place(
  slice: ListSlice,
  conversation: Conversation,
  belongs: boolean,
  morePages: boolean,
): ListSlice {
  const current = slice.byId[conversation.id];
  if (isStale(conversation, current)) return slice;
  const order = current ? slice.order.filter((id) => id !== conversation.id) : slice.order;
  const byId = { ...slice.byId };
  if (!belongs) {
    if (!current) return slice;
    delete byId[conversation.id];
    return { byId, order };
  }
  byId[conversation.id] = conversation;
  const index = insertionIndex(order, byId, conversation);
  if (index === order.length && morePages && !current) return slice;
  const next = order === slice.order ? [...order] : order;
  next.splice(index, 0, conversation.id);
  return { byId, order: next };
}

/**
 * Adds the next page in one pass (a page of 100 into 10,000 rows must not cost 100 copies).
 * A row already shown keeps its place unless the page has a newer version of it.
 */
function appendPage(slice: ListSlice, rows: Conversation[]): ListSlice {
  const byId = { ...slice.byId };
  const order = [...slice.order];
  let moved = false;
  for (const row of rows) {
    const current = byId[row.id];
    if (isStale(row, current)) continue;
    byId[row.id] = row;
    if (current) {
      moved = moved || compareConversations(current, row) !== 0;
    } else {
      const tail = byId[order.at(-1) ?? ''];
      moved = moved || (tail !== undefined && compareConversations(tail, row) > 0);
      order.push(row.id);
    }
  }
  if (moved) order.sort((a, b) => compareConversations(byId[a] as Conversation, byId[b] as Conversation));
  return { byId, order };
}

/** Applies many server rows at once (a resync): one copy and one sort, not one per row. */
function merge(
  slice: ListSlice,
  rows: Conversation[],
  belongs: (conversation: Conversation) => boolean,
  removed: string[],
): ListSlice {
  const byId = { ...slice.byId };
  for (const id of removed) delete byId[id];
  for (const row of rows) {
    if (isStale(row, byId[row.id])) continue;
    if (belongs(row)) byId[row.id] = row;
    else delete byId[row.id];
  }
  const order = Object.keys(byId).sort((a, b) => compareConversations(byId[a] as Conversation, byId[b] as Conversation));
  return { byId, order };
}

let listRequest = 0;
/** The first page on its way (`load`), so a resync meanwhile can wait for it instead of restarting it. */
let pendingLoad: Promise<void> | null = null;

export const useConversationListStore = create<ConversationListState>()((set, get) => ({
  filters: DEFAULT_FILTERS,
  myMemberId: null,
  byId: {},
  order: [],
  nextCursor: null,
  status: 'idle',
  loadingMore: false,
  error: null,

  setMyMemberId: (id) => set({ myMemberId: id }),

  setFilters: (changes) => {
    set({ filters: { ...get().filters, ...changes } });
    return get().load();
  },

  load: () => {
    const request = ++listRequest;
    set({ status: 'loading', error: null, loadingMore: false });
    const loading = (async () => {
      try {
        const page = await fetchConversations(get().filters);
        if (request !== listRequest) return; // filters changed meanwhile
        const byId: Record<string, Conversation> = {};
        for (const conversation of page.results) byId[conversation.id] = conversation;
        set({
          byId,
          order: page.results.map((c) => c.id),
          nextCursor: page.next,
          status: 'ready',
        });
      } catch (error) {
        if (request === listRequest) set({ status: 'error', error });
      } finally {
        if (request === listRequest) pendingLoad = null; // a newer load keeps its own
      }
    })();
    pendingLoad = loading;
    return loading;
  },

  loadMore: async () => {
    const { nextCursor, loadingMore, status } = get();
    if (!nextCursor || loadingMore || status !== 'ready') return;
    const request = listRequest;
    set({ loadingMore: true });
    try {
      const page = await fetchConversations(get().filters, nextCursor);
      if (request !== listRequest) return;
      const slice = appendPage({ byId: get().byId, order: get().order }, page.results);
      set({ ...slice, nextCursor: page.next, loadingMore: false });
    } catch (error) {
      if (request === listRequest) set({ loadingMore: false, error });
    }
  },

  resync: async () => {
    if (get().status === 'loading' && pendingLoad) {
      // The stream opened while the first page was on its way (every page load): show that page
      // as soon as it arrives, then catch up below on what changed after the server read it.
      // Restarting the load instead would discard it and make the inbox wait for a second one.
      await pendingLoad;
    }
    if (get().status !== 'ready') {
      await get().load();
      return;
    }
    const request = listRequest;
    const fetched: Conversation[] = [];
    let cursor: string | null = null;
    for (let pageNumber = 0; pageNumber < MAX_RESYNC_PAGES; pageNumber++) {
      const page = await fetchConversations(get().filters, cursor);
      if (request !== listRequest) return;
      fetched.push(...page.results);
      cursor = page.next;
      // The list is ordered by activity: once a page holds a row already shown in the same
      // version, everything older is unchanged too.
      const { byId } = get();
      const overlaps = page.results.some((c) => {
        const shown = byId[c.id];
        return shown?.updated_at === c.updated_at && shown.last_activity_at === c.last_activity_at;
      });
      if (!cursor || overlaps) break;
    }
    const { filters, myMemberId } = get();
    // Rows inside the fetched range (everything, when the server had no further page) that
    // the server no longer lists left the view meanwhile.
    const oldest = fetched.at(-1);
    const present = new Set(fetched.map((c) => c.id));
    const left = get().order.filter((id) => {
      const row = get().byId[id];
      if (!row || present.has(id)) return false;
      return cursor === null || (oldest !== undefined && compareConversations(row, oldest) < 0);
    });
    const slice = merge({ byId: get().byId, order: get().order }, fetched, (c) => matchesFilters(c, filters, myMemberId), left);
    // No further page: the server's whole list was fetched, so nothing is left to paginate.
    set(cursor === null ? { ...slice, nextCursor: null } : slice);
  },

  applyConversation: (conversation) => {
    const { filters, myMemberId, byId, order, nextCursor, status } = get();
    if (status !== 'ready') return;
    const belongs = matchesFilters(conversation, filters, myMemberId);
    const slice = place({ byId, order }, conversation, belongs, nextCursor !== null);
    if (slice.byId !== byId) set(slice);
  },

  remove: (id) => {
    const { byId, order } = get();
    if (!byId[id]) return;
    const next = { ...byId };
    delete next[id];
    set({ byId: next, order: order.filter((other) => other !== id) });
  },

  reset: () => {
    listRequest++;
    set({ byId: {}, order: [], nextCursor: null, status: 'idle', loadingMore: false, error: null });
  },
}));

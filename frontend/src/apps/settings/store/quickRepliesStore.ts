import { create } from 'zustand';
import type { QuickReply, QuickReplyCreate, QuickReplyInput } from '../../../shared/api/types';
import { type AuthState, useAuthStore } from '../../../shared/auth/store';
import * as quickRepliesApi from '../../../shared/quickReplies/api';
import { useQuickReplyStore } from '../../../shared/quickReplies/store';
import { type LoadStatus, singleFlight, without } from './load';

/** The quick replies screen: what the member sees (searched on the server), and its writes. */
interface QuickRepliesState {
  tenant: string | null;
  status: LoadStatus;
  error: unknown;
  /** The search the rows answer ('' = all). */
  query: string;
  rows: QuickReply[];
  /** false when more rows exist than one page shows: the search narrows them. */
  complete: boolean;
  load: (tenant: string, options?: { query?: string; force?: boolean }) => Promise<void>;
  create: (input: QuickReplyCreate) => Promise<QuickReply>;
  update: (id: string, changes: QuickReplyInput) => Promise<QuickReply>;
  remove: (id: string) => Promise<void>;
  reset: () => void;
}

const initial = { tenant: null, status: 'idle' as LoadStatus, error: null, query: '', rows: [], complete: true };
const once = singleFlight();

const byShortcut = (rows: QuickReply[]) => rows.slice().sort((a, b) => a.shortcut.localeCompare(b.shortcut) || a.id.localeCompare(b.id));

/** The composer's cached list is stale after any change here. */
const composerForgets = () => useQuickReplyStore.getState().invalidate();

export const useQuickRepliesStore = create<QuickRepliesState>()((set, get) => ({
  ...initial,

  load: (tenant, options = {}) => {
    const query = options.query ?? get().query;
    const state = get();
    if (!options.force && state.tenant === tenant && state.query === query && state.status === 'ready') return Promise.resolve();
    if (state.tenant !== tenant) set({ ...initial, tenant });
    set({ query });
    return once(`${tenant}\n${query}`, async () => {
      set({ status: get().status === 'ready' ? 'ready' : 'loading', error: null });
      try {
        const page = await quickRepliesApi.fetchQuickReplies({ q: query.trim() || undefined });
        if (get().tenant !== tenant || get().query !== query) return;
        set({ rows: page.results, complete: page.next === null, status: 'ready' });
      } catch (error) {
        if (get().tenant === tenant && get().query === query) set({ status: 'error', error });
      }
    });
  },

  create: async (input) => {
    const row = await quickRepliesApi.createQuickReply(input);
    composerForgets();
    set({ rows: byShortcut([row, ...get().rows]) });
    return row;
  },
  update: async (id, changes) => {
    const row = await quickRepliesApi.updateQuickReply(id, changes);
    composerForgets();
    set({ rows: byShortcut([row, ...without(get().rows, id)]) });
    return row;
  },
  remove: async (id) => {
    await quickRepliesApi.deleteQuickReply(id);
    composerForgets();
    set({ rows: without(get().rows, id) });
  },

  reset: () => set({ ...initial }),
}));

// Another workspace or another signed-in member: personal replies of the last one must go.
const scopeOf = (state: AuthState) => `${state.tenantSlug}/${state.user?.id ?? ''}`;
let scope = scopeOf(useAuthStore.getState());
useAuthStore.subscribe((state) => {
  const next = scopeOf(state);
  if (next === scope) return;
  scope = next;
  useQuickRepliesStore.getState().reset();
});

import { create } from 'zustand';
import type { QuickReply } from '../api/types';
import { type AuthState, useAuthStore } from '../auth/store';
import { fetchQuickReplies } from './api';

/** Older than this, the cached list is refreshed (in the background) when suggestions open. */
export const STALE_MS = 5 * 60 * 1000;
/** One page this big covers almost every tenant; beyond it the composer also searches the server. */
export const CACHE_PAGE_SIZE = 200;

export type QuickReplyCacheStatus = 'idle' | 'loading' | 'ready' | 'error';

interface QuickReplyCacheState {
  tenant: string | null;
  status: QuickReplyCacheStatus;
  error: unknown;
  replies: QuickReply[];
  /** false when the tenant has more replies than one page: search the server for the rest. */
  complete: boolean;
  loadedAt: number;
  /** Loads once per tenant; again when stale, after `invalidate()`, or when forced. */
  load: (tenant: string, options?: { force?: boolean }) => Promise<void>;
  /** The list changed elsewhere (settings): reload on next use. */
  invalidate: () => void;
  /** Counts a use locally at once so the ranking follows without a reload. */
  markUsed: (id: string) => void;
  reset: () => void;
}

const initial = { tenant: null, status: 'idle' as QuickReplyCacheStatus, error: null, replies: [], complete: true, loadedAt: 0 };
let inFlight: { tenant: string; promise: Promise<void> } | null = null;

/** The quick replies the composer suggests, fetched once per session and tenant. */
export const useQuickReplyStore = create<QuickReplyCacheState>()((set, get) => ({
  ...initial,

  load: (tenant, options = {}) => {
    const state = get();
    if (inFlight?.tenant === tenant) return inFlight.promise;
    const fresh = Date.now() - state.loadedAt < STALE_MS;
    if (!options.force && state.tenant === tenant && state.status === 'ready' && fresh) return Promise.resolve();
    if (state.tenant !== tenant) set({ ...initial, tenant });
    // A refresh keeps showing the list it replaces.
    if (get().status !== 'ready') set({ status: 'loading', error: null });
    const promise = fetchQuickReplies({ pageSize: CACHE_PAGE_SIZE })
      .then(
        (page) => {
          if (get().tenant === tenant) {
            set({ replies: page.results, complete: page.next === null, status: 'ready', error: null, loadedAt: Date.now() });
          }
        },
        (error: unknown) => {
          if (get().tenant === tenant && get().status !== 'ready') set({ status: 'error', error });
        },
      )
      .finally(() => {
        if (inFlight?.promise === promise) inFlight = null;
      });
    inFlight = { tenant, promise };
    return promise;
  },

  invalidate: () => set({ loadedAt: 0 }),

  markUsed: (id) =>
    set({
      replies: get().replies.map((r) => (r.id === id ? { ...r, use_count: r.use_count + 1, last_used_at: new Date().toISOString() } : r)),
    }),

  reset: () => {
    inFlight = null;
    set({ ...initial });
  },
}));

// Another workspace or another signed-in member: personal replies of the last one must go.
const scopeOf = (state: AuthState) => `${state.tenantSlug}/${state.user?.id ?? ''}`;
let scope = scopeOf(useAuthStore.getState());
useAuthStore.subscribe((state) => {
  const next = scopeOf(state);
  if (next === scope) return;
  scope = next;
  useQuickReplyStore.getState().reset();
});

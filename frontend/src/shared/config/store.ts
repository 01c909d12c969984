import { create } from 'zustand';
import { api } from '../api';
import type { PublicConfig } from '../api/types';

interface ConfigState {
  config: PublicConfig | null;
  error: string | null;
  load: () => Promise<PublicConfig | null>;
}

let pending: Promise<PublicConfig | null> | null = null;

/** Public server config (websocket URL, signup flag, languages), fetched once per page load. */
export const useConfigStore = create<ConfigState>()((set, get) => ({
  config: null,
  error: null,
  load: () => {
    const loaded = get().config;
    if (loaded) return Promise.resolve(loaded);
    pending ??= api
      .get<PublicConfig>('/api/v1/config', { auth: false })
      .then((config) => {
        set({ config, error: null });
        return config;
      })
      .catch((error: unknown) => {
        pending = null; // allow a later retry
        set({ error: error instanceof Error ? error.message : String(error) });
        return null;
      });
    return pending;
  },
}));

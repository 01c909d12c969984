import { create } from 'zustand';
import { ApiError } from '../../../shared/api';
import type {
  ChannelAccount,
  ChannelAccountUpdate,
  ChannelConnector,
  ConnectorKind,
  WebChatAccount,
  WebChatCreate,
  WebChatUpdate,
} from '../../../shared/api/types';
import * as settingsApi from '../api';
import { type LoadStatus, singleFlight, upsert, without } from './load';

export interface ConnectInput {
  kind: ConnectorKind;
  name: string;
  /** Values typed in the form; blank ones are left out (on an existing connector: kept as they are). */
  credentials: Record<string, string>;
  external_id: string;
  default_department: string | null;
  default_team: string | null;
}

/** What a connect attempt created so far: a retry continues from here instead of duplicating. */
export interface ConnectProgress {
  connector: ChannelConnector | null;
  account: ChannelAccount | null;
}

export type ConnectStep = 'connector' | 'account' | 'activate';

/** A failed connect: which step refused, the API's error, and what exists by now. */
export class ConnectError extends Error {
  constructor(
    readonly step: ConnectStep,
    readonly error: unknown,
    readonly progress: ConnectProgress,
  ) {
    super(error instanceof Error ? error.message : String(error));
    this.name = 'ConnectError';
  }
}

interface ChannelsState {
  tenant: string | null;
  status: LoadStatus;
  error: unknown;
  webchats: WebChatAccount[];
  connectors: ChannelConnector[];
  accounts: ChannelAccount[];
  load: (tenant: string, options?: { force?: boolean }) => Promise<void>;
  createWebChat: (input: WebChatCreate) => Promise<WebChatAccount>;
  updateWebChat: (id: string, changes: WebChatUpdate) => Promise<WebChatAccount>;
  deleteWebChat: (id: string) => Promise<void>;
  /** Creates (or updates) the connector, creates its account, then activates it with the provider. */
  connect: (input: ConnectInput, progress: ConnectProgress) => Promise<{ connector: ChannelConnector; account: ChannelAccount }>;
  updateConnector: (id: string, changes: { name?: string; credentials?: Record<string, string> }) => Promise<ChannelConnector>;
  deleteConnector: (id: string) => Promise<void>;
  updateAccount: (accountId: string, changes: ChannelAccountUpdate) => Promise<ChannelAccount>;
  /** Deletes a deactivated account (the API refuses an active one). */
  deleteAccount: (accountId: string) => Promise<void>;
  activate: (accountId: string) => Promise<ChannelAccount>;
  deactivate: (accountId: string) => Promise<ChannelAccount>;
  reset: () => void;
}

const initial = {
  tenant: null,
  status: 'idle' as LoadStatus,
  error: null,
  webchats: [],
  connectors: [],
  accounts: [],
};
const once = singleFlight();

export function filledCredentials(credentials: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(credentials)
      .map(([key, value]) => [key, value.trim()] as const)
      .filter(([, value]) => value !== ''),
  );
}

export const useChannelsStore = create<ChannelsState>()((set, get) => {
  /** Activation failures leave the account in `error` with the provider's reason (as the server did). */
  function markFailed(accountId: string, error: unknown) {
    const account = get().accounts.find((a) => a.id === accountId);
    if (!account || !(error instanceof ApiError) || error.status !== 400) return;
    set({ accounts: upsert(get().accounts, { ...account, status: 'error', last_error: error.message }) });
  }

  return {
    ...initial,

    load: (tenant, options = {}) => {
      const state = get();
      if (!options.force && state.tenant === tenant && state.status === 'ready') return Promise.resolve();
      if (state.tenant !== tenant) set({ ...initial, tenant });
      return once(tenant, async () => {
        set({ status: get().status === 'ready' ? 'ready' : 'loading', error: null });
        try {
          const [webchats, connectors, accounts] = await Promise.all([
            settingsApi.fetchWebChats(),
            settingsApi.fetchConnectors(),
            settingsApi.fetchAccounts(),
          ]);
          if (get().tenant !== tenant) return;
          set({ webchats: webchats.results, connectors: connectors.results, accounts: accounts.results, status: 'ready' });
        } catch (error) {
          if (get().tenant === tenant) set({ status: 'error', error });
        }
      });
    },

    createWebChat: async (input) => {
      const account = await settingsApi.createWebChat(input);
      set({ webchats: upsert(get().webchats, account) });
      return account;
    },

    deleteWebChat: async (id) => {
      await settingsApi.deleteWebChat(id);
      set({ webchats: without(get().webchats, id) });
    },

    updateWebChat: async (id, changes) => {
      const account = await settingsApi.updateWebChat(id, changes);
      set({ webchats: upsert(get().webchats, account) });
      return account;
    },

    connect: async (input, progress) => {
      let { connector, account } = progress;
      const credentials = filledCredentials(input.credentials);
      const name = input.name.trim();
      try {
        if (!connector) {
          connector = await settingsApi.createConnector({ kind: input.kind, name, credentials });
        } else if (Object.keys(credentials).length > 0 || name !== connector.name) {
          connector = await settingsApi.updateConnector(connector.id, {
            ...(name !== connector.name ? { name } : {}),
            ...(Object.keys(credentials).length > 0 ? { credentials } : {}),
          });
        }
        set({ connectors: upsert(get().connectors, connector) });
      } catch (error) {
        throw new ConnectError('connector', error, { connector, account });
      }
      try {
        if (!account) {
          account = await settingsApi.createAccount({
            connector: connector.id,
            name,
            external_id: input.external_id.trim(),
            default_department: input.default_department,
            default_team: input.default_team,
          });
          set({ accounts: upsert(get().accounts, account) });
        }
      } catch (error) {
        throw new ConnectError('account', error, { connector, account });
      }
      try {
        account = await settingsApi.activateAccount(account.id);
        set({ accounts: upsert(get().accounts, account) });
      } catch (error) {
        markFailed(account.id, error);
        throw new ConnectError('activate', error, { connector, account: get().accounts.find((a) => a.id === account?.id) ?? account });
      }
      return { connector, account };
    },

    updateConnector: async (id, changes) => {
      const connector = await settingsApi.updateConnector(id, changes);
      set({ connectors: upsert(get().connectors, connector) });
      return connector;
    },

    deleteConnector: async (id) => {
      await settingsApi.deleteConnector(id);
      set({ connectors: without(get().connectors, id), accounts: get().accounts.filter((a) => a.connector !== id) });
    },

    updateAccount: async (accountId, changes) => {
      const account = await settingsApi.updateAccount(accountId, changes);
      set({ accounts: upsert(get().accounts, account) });
      return account;
    },

    deleteAccount: async (accountId) => {
      await settingsApi.deleteAccount(accountId);
      set({ accounts: without(get().accounts, accountId) });
    },

    activate: async (accountId) => {
      try {
        const account = await settingsApi.activateAccount(accountId);
        set({ accounts: upsert(get().accounts, account) });
        return account;
      } catch (error) {
        markFailed(accountId, error);
        throw error;
      }
    },

    deactivate: async (accountId) => {
      const account = await settingsApi.deactivateAccount(accountId);
      set({ accounts: upsert(get().accounts, account) });
      return account;
    },

    reset: () => set({ ...initial }),
  };
});

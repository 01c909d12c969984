import { create } from 'zustand';
import type { TenantDomain, TenantProfile, TenantUpdate } from '../../../shared/api/types';
import { refreshMe } from '../../../shared/auth/api';
import * as settingsApi from '../api';
import { type LoadStatus, singleFlight, upsert, without } from './load';

/** The tenant's profile (name, time zone, locale) and its domains. */
interface WorkspaceState {
  tenantId: string | null;
  status: LoadStatus;
  error: unknown;
  tenant: TenantProfile | null;
  domains: TenantDomain[];
  load: (tenantId: string, options?: { force?: boolean }) => Promise<void>;
  saveTenant: (changes: TenantUpdate) => Promise<TenantProfile>;
  addDomain: (input: { hostname: string; is_primary: boolean }) => Promise<TenantDomain>;
  verifyDomain: (domainId: string) => Promise<TenantDomain>;
  removeDomain: (domainId: string) => Promise<void>;
  reset: () => void;
}

const initial = { tenantId: null, status: 'idle' as LoadStatus, error: null, tenant: null, domains: [] };
const once = singleFlight();

function requireTenant(id: string | null): string {
  if (!id) throw new Error('workspace not loaded');
  return id;
}

export const useWorkspaceStore = create<WorkspaceState>()((set, get) => ({
  ...initial,

  load: (tenantId, options = {}) => {
    const state = get();
    if (!options.force && state.tenantId === tenantId && state.status === 'ready') return Promise.resolve();
    if (state.tenantId !== tenantId) set({ ...initial, tenantId });
    return once(tenantId, async () => {
      set({ status: get().status === 'ready' ? 'ready' : 'loading', error: null });
      try {
        const [tenant, domains] = await Promise.all([settingsApi.fetchTenant(tenantId), settingsApi.fetchDomains(tenantId)]);
        if (get().tenantId === tenantId) set({ tenant, domains: domains.results, status: 'ready' });
      } catch (error) {
        if (get().tenantId === tenantId) set({ status: 'error', error });
      }
    });
  },

  saveTenant: async (changes) => {
    const tenant = await settingsApi.updateTenant(requireTenant(get().tenantId), changes);
    set({ tenant });
    // The tenant switcher and the header show the name from /users/me.
    if (changes.name !== undefined) void refreshMe().catch(() => undefined);
    return tenant;
  },

  addDomain: async (input) => {
    const domain = await settingsApi.addDomain(requireTenant(get().tenantId), input);
    set({ domains: primaryFirst(upsert(get().domains, domain), domain) });
    return domain;
  },

  verifyDomain: async (domainId) => {
    const domain = await settingsApi.verifyDomain(requireTenant(get().tenantId), domainId);
    set({ domains: upsert(get().domains, domain) });
    return domain;
  },

  removeDomain: async (domainId) => {
    await settingsApi.removeDomain(requireTenant(get().tenantId), domainId);
    set({ domains: without(get().domains, domainId) });
  },

  reset: () => set({ ...initial }),
}));

/** A new primary domain demotes the previous one (the backend keeps one primary). */
function primaryFirst(domains: TenantDomain[], added: TenantDomain): TenantDomain[] {
  if (!added.is_primary) return domains;
  return domains.map((d) => (d.id === added.id || !d.is_primary ? d : { ...d, is_primary: false }));
}

import { useEffect } from 'react';
import { create } from 'zustand';
import { api } from '../api';
import type { CursorPage, Membership, RoleDefinition } from '../api/types';
import { selectCurrentMembership, useAuthStore } from './store';

/**
 * What the signed-in member may do in the current tenant, for showing only what their role
 * allows (the API enforces it anyway). `/users/me` lists the member's roles but not what they
 * grant, so the role definitions come from `GET /tenants/{slug}/roles` (needs `member.view`,
 * which every built-in role has): once per tenant, again on `refresh()`.
 *
 * Only tenant-wide grants count: every settings write is checked tenant-wide by the backend
 * (`ensure_can(actor, permission, tenant)`); a role scoped to a department or team grants
 * work inside that unit, not administration.
 */
export type PermissionsStatus = 'idle' | 'loading' | 'ready' | 'denied' | 'error';

interface PermissionsState {
  tenant: string | null;
  status: PermissionsStatus;
  /** Role definitions of the tenant by slug (the members screen reuses them). */
  roles: RoleDefinition[];
  load: (tenant: string, options?: { force?: boolean }) => Promise<void>;
  reset: () => void;
}

let inFlight: { tenant: string; promise: Promise<void> } | null = null;

export const usePermissionsStore = create<PermissionsState>()((set, get) => ({
  tenant: null,
  status: 'idle',
  roles: [],

  load: (tenant, options = {}) => {
    const state = get();
    if (inFlight?.tenant === tenant) return inFlight.promise;
    if (!options.force && state.tenant === tenant && state.status !== 'idle' && state.status !== 'error') {
      return Promise.resolve();
    }
    // Another tenant's roles say nothing about this one: forget them before asking.
    if (state.tenant !== tenant) set({ tenant, roles: [], status: 'loading' });
    else set({ status: state.status === 'ready' ? 'ready' : 'loading' });
    const promise = api
      .get<CursorPage<RoleDefinition>>(`/api/v1/tenants/${encodeURIComponent(tenant)}/roles?page_size=200`)
      .then(
        (page) => {
          if (get().tenant === tenant) set({ roles: page.results, status: 'ready' });
        },
        (error: unknown) => {
          if (get().tenant !== tenant) return;
          const status = (error as { status?: number }).status;
          set({ roles: [], status: status === 403 || status === 404 ? 'denied' : 'error' });
        },
      )
      .finally(() => {
        if (inFlight?.promise === promise) inFlight = null;
      });
    inFlight = { tenant, promise };
    return promise;
  },

  reset: () => {
    inFlight = null;
    set({ tenant: null, status: 'idle', roles: [] });
  },
}));

/** Tenant-wide permissions of a membership given the tenant's role definitions. */
export function tenantWidePermissions(membership: Membership | null, roles: RoleDefinition[]): Set<string> {
  const bySlug = new Map(roles.map((role) => [role.slug, role]));
  const granted = new Set<string>();
  if (!membership || membership.status !== 'active') return granted;
  for (const held of membership.roles) {
    if (held.scope_type) continue;
    for (const permission of bySlug.get(held.slug)?.permissions ?? []) granted.add(permission);
  }
  return granted;
}

export interface Permissions {
  status: PermissionsStatus;
  /** false while the role definitions are still loading (hide nothing for good yet). */
  known: boolean;
  can: (permission: string) => boolean;
}

/**
 * The current member's permissions, loading the tenant's roles on first use. A member whose
 * role may not read the role list (`denied`) is treated as holding no admin permission.
 */
export function usePermissions(): Permissions {
  const tenant = useAuthStore((s) => s.tenantSlug);
  const membership = useAuthStore(selectCurrentMembership);
  const status = usePermissionsStore((s) => (s.tenant === tenant ? s.status : 'idle'));
  const roles = usePermissionsStore((s) => s.roles);

  useEffect(() => {
    if (tenant) void usePermissionsStore.getState().load(tenant);
  }, [tenant]);

  const granted = status === 'ready' ? tenantWidePermissions(membership, roles) : new Set<string>();
  return {
    status,
    known: status === 'ready' || status === 'denied',
    can: (permission) => granted.has(permission),
  };
}

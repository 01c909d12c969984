import type { Membership, RoleScopeType } from '../api/types';
import { selectCurrentMembership, useAuthStore } from './store';

/** A department or team: where a scoped role grants its permissions. */
export interface PermissionScope {
  type: RoleScopeType;
  id: string;
}

/**
 * Whether the membership holds `permission` tenant-wide, or in `scope` when one is given, as the
 * server computed it for `/users/me` (the API enforces it anyway; this only decides what to
 * show). Settings are checked tenant-wide by the backend, so they ask without a scope.
 */
export function can(membership: Membership | null, permission: string, scope?: PermissionScope): boolean {
  if (!membership || membership.status !== 'active') return false;
  const granted = membership.permissions;
  if (granted.tenant_wide.includes(permission)) return true;
  if (!scope) return false;
  return granted.scoped.some((s) => s.scope_type === scope.type && s.scope_id === scope.id && s.permissions.includes(permission));
}

/** Where a membership holds `permission`: everywhere, and in which departments and teams. */
export interface PermissionReach {
  everywhere: boolean;
  departments: string[];
  teams: string[];
}

export function reachOf(membership: Membership | null, permission: string): PermissionReach {
  const reach: PermissionReach = { everywhere: false, departments: [], teams: [] };
  if (!membership || membership.status !== 'active') return reach;
  reach.everywhere = membership.permissions.tenant_wide.includes(permission);
  for (const scoped of membership.permissions.scoped) {
    if (!scoped.permissions.includes(permission)) continue;
    (scoped.scope_type === 'department' ? reach.departments : reach.teams).push(scoped.scope_id);
  }
  return reach;
}

export interface Permissions {
  can: (permission: string, scope?: PermissionScope) => boolean;
}

/** The signed-in member's permissions in the current tenant. */
export function usePermissions(): Permissions {
  const membership = useAuthStore(selectCurrentMembership);
  return { can: (permission, scope) => can(membership, permission, scope) };
}

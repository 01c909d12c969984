// Fixtures of the settings and permission tests: role definitions, a user holding given roles.
import type { ChannelConnector, EffectivePermissions, Membership, RoleDefinition, RoleScopeType, User } from '../shared/api/types';
import { TENANT } from './factories';

const ALL = [
  'tenant.view',
  'tenant.manage',
  'domain.manage',
  'member.view',
  'member.invite',
  'member.manage',
  'role.manage',
  'audit.view',
  'department.manage',
  'channel.manage',
  'conversation.view',
  'automation.manage',
  'analytics.view',
  'knowledge.manage',
];
const AGENT = ['tenant.view', 'member.view', 'conversation.view', 'conversation.reply', 'ticket.view'];

function role(slug: string, permissions: string[]): RoleDefinition {
  return { id: `role-${slug}`, slug, name: slug[0]?.toUpperCase() + slug.slice(1), description: '', permissions, is_builtin: true, created_at: '2026-01-01T00:00:00Z' };
}

export const ROLES: RoleDefinition[] = [
  role('owner', ALL),
  role('admin', ALL),
  role('supervisor', [...AGENT, 'member.invite', 'analytics.view', 'knowledge.manage']),
  role('agent', AGENT),
];

export const TENANT_ID = 'tenant-uuid-1';

/** A user holding these roles of ROLES, with the permissions `/users/me` would list for them. */
export function userWith(roles: { slug: string; scope_type?: 'department' | 'team' | null; scope_id?: string | null }[]): User {
  const granted = (slug: string) => ROLES.find((r) => r.slug === slug)?.permissions ?? [];
  const permissions: EffectivePermissions = {
    tenant_wide: [...new Set(roles.filter((r) => !r.scope_type).flatMap((r) => granted(r.slug)))].sort(),
    scoped: roles
      .filter((r) => r.scope_type && r.scope_id)
      .map((r) => ({ scope_type: r.scope_type as RoleScopeType, scope_id: r.scope_id as string, permissions: granted(r.slug) })),
  };
  const membership: Membership = {
    id: 'member-me',
    tenant: { ...TENANT, id: TENANT_ID, name: 'Demo' },
    display_name: 'Me',
    status: 'active',
    roles: roles.map((r) => ({ id: `role-${r.slug}`, slug: r.slug, name: r.slug, scope_type: r.scope_type ?? null, scope_id: r.scope_id ?? null })),
    permissions,
  };
  return { id: 'u-me', email: 'me@demo.test', name: 'Me', preferred_language: 'en', memberships: [membership] };
}

export const page = <T>(results: T[]) => ({ next: null, previous: null, results });

export function makeConnector(overrides: Partial<ChannelConnector> = {}): ChannelConnector {
  return {
    id: 'conn-1',
    kind: 'email',
    name: 'Suporte',
    webhook_url: '',
    credential_keys: [],
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

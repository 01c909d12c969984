import { beforeEach, describe, expect, it } from 'vitest';
import type { Membership, User } from '../api/types';
import { AUTH_STORAGE_KEY, migrateStoredSession, selectCurrentMembership, selectIsAuthenticated, useAuthStore } from './store';

function membership(slug: string, status: Membership['status'] = 'active'): Membership {
  return {
    id: `m-${slug}`,
    tenant: { id: `t-${slug}`, slug, name: slug.toUpperCase(), timezone: 'America/Sao_Paulo', locale: 'pt-BR' },
    display_name: 'Ana',
    status,
    roles: [],
    permissions: { tenant_wide: ['ticket.view'], scoped: [] },
  };
}

function user(memberships: Membership[]): User {
  return { id: 'u1', email: 'ana@demo.test', name: 'Ana', preferred_language: 'pt-BR', memberships };
}

const tokens = { access: 'a1', refresh: 'r1' };

describe('auth store', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: null, refresh: null, user: null, tenantSlug: null });
    localStorage.clear();
  });

  it('is signed in only with a refresh token and a user', () => {
    expect(selectIsAuthenticated(useAuthStore.getState())).toBe(false);
    useAuthStore.getState().setTokens(tokens);
    expect(selectIsAuthenticated(useAuthStore.getState())).toBe(false);
    useAuthStore.getState().setUser(user([membership('demo')]));
    expect(selectIsAuthenticated(useAuthStore.getState())).toBe(true);
  });

  it('persists tokens, user and tenant in localStorage', () => {
    useAuthStore.getState().setSession(tokens, user([membership('demo')]));
    const saved = JSON.parse(localStorage.getItem(AUTH_STORAGE_KEY) ?? '{}');
    expect(saved.state).toMatchObject({ access: 'a1', refresh: 'r1', tenantSlug: 'demo', user: { id: 'u1' } });
  });

  it('picks the first active membership and ignores invited or disabled ones', () => {
    useAuthStore.getState().setSession(tokens, user([membership('old', 'disabled'), membership('inv', 'invited'), membership('demo')]));
    expect(useAuthStore.getState().tenantSlug).toBe('demo');
    expect(selectCurrentMembership(useAuthStore.getState())?.tenant.name).toBe('DEMO');
  });

  it('keeps a remembered tenant while still a member, and refuses unknown ones', () => {
    useAuthStore.setState({ tenantSlug: 'acme' });
    useAuthStore.getState().setSession(tokens, user([membership('demo'), membership('acme')]));
    expect(useAuthStore.getState().tenantSlug).toBe('acme');
    useAuthStore.getState().setTenant('nope');
    expect(useAuthStore.getState().tenantSlug).toBe('acme');
    useAuthStore.getState().setTenant('demo');
    expect(useAuthStore.getState().tenantSlug).toBe('demo');
    useAuthStore.getState().setUser(user([membership('acme')]));
    expect(useAuthStore.getState().tenantSlug).toBe('acme');
  });

  it('keeps a session stored before memberships carried permissions, with none until /users/me answers', () => {
    const legacy = { ...user([membership('demo')]), memberships: [{ ...membership('demo'), permissions: undefined }] };
    const migrated = migrateStoredSession({ access: 'a1', refresh: 'r1', user: legacy, tenantSlug: 'demo' }, 1);
    expect(migrated).toMatchObject({ refresh: 'r1', tenantSlug: 'demo' });
    expect(migrated.user?.memberships[0]?.permissions).toEqual({ tenant_wide: [], scoped: [] });
    const current = { access: 'a1', refresh: 'r1', user: user([membership('demo')]), tenantSlug: 'demo' };
    expect(migrateStoredSession(current, 2)).toBe(current);
  });

  it('stores rotated tokens and forgets the session on clear', () => {
    useAuthStore.getState().setSession(tokens, user([membership('demo')]));
    useAuthStore.getState().setTokens({ access: 'a2', refresh: 'r2' });
    expect(useAuthStore.getState()).toMatchObject({ access: 'a2', refresh: 'r2' });
    useAuthStore.getState().clear();
    expect(useAuthStore.getState()).toMatchObject({ access: null, refresh: null, user: null });
    expect(selectIsAuthenticated(useAuthStore.getState())).toBe(false);
  });
});

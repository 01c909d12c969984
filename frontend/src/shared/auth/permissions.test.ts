import { renderHook } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Membership } from '../api/types';
import { can, reachOf, usePermissions } from './permissions';
import { useAuthStore } from './store';

function membership(overrides: Partial<Membership> = {}): Membership {
  return {
    id: 'm-1',
    tenant: { id: 't-1', slug: 'demo', name: 'Demo', timezone: 'America/Sao_Paulo', locale: 'pt-BR' },
    display_name: 'Ana',
    status: 'active',
    roles: [],
    // As /users/me lists them: an agent everywhere, a supervisor in one department.
    permissions: {
      tenant_wide: ['conversation.view', 'ticket.manage'],
      scoped: [
        { scope_type: 'department', scope_id: 'd-1', permissions: ['analytics.view', 'knowledge.manage', 'ticket.manage'] },
        { scope_type: 'team', scope_id: 'tm-1', permissions: ['knowledge.manage'] },
      ],
    },
    ...overrides,
  };
}

describe('permissions', () => {
  beforeEach(() => useAuthStore.setState({ user: null, tenantSlug: null }));

  it("answers from the server's list: tenant-wide, or in the scope asked about", () => {
    const m = membership();
    expect(can(m, 'ticket.manage')).toBe(true);
    expect(can(m, 'analytics.view')).toBe(false); // only in d-1: not tenant-wide
    expect(can(m, 'analytics.view', { type: 'department', id: 'd-1' })).toBe(true);
    expect(can(m, 'analytics.view', { type: 'department', id: 'd-2' })).toBe(false);
    expect(can(m, 'knowledge.manage', { type: 'team', id: 'd-1' })).toBe(false); // a team is not a department
    expect(can(m, 'conversation.view', { type: 'team', id: 'tm-9' })).toBe(true); // tenant-wide covers every unit
    expect(can(m, 'channel.manage')).toBe(false);
  });

  it('grants nothing to an inactive membership or to nobody', () => {
    expect(can(membership({ status: 'disabled' }), 'ticket.manage')).toBe(false);
    expect(can(null, 'ticket.manage')).toBe(false);
  });

  it('says where a permission reaches', () => {
    expect(reachOf(membership(), 'knowledge.manage')).toEqual({ everywhere: false, departments: ['d-1'], teams: ['tm-1'] });
    expect(reachOf(membership(), 'ticket.manage')).toMatchObject({ everywhere: true, departments: ['d-1'] });
    expect(reachOf(membership({ status: 'invited' }), 'ticket.manage')).toEqual({ everywhere: false, departments: [], teams: [] });
  });

  it("reads the current tenant's membership", () => {
    const other = membership({ id: 'm-2', tenant: { id: 't-2', slug: 'acme', name: 'Acme', timezone: 'America/Sao_Paulo', locale: 'pt-BR' }, permissions: { tenant_wide: ['channel.manage'], scoped: [] } });
    useAuthStore.setState({
      user: { id: 'u', email: 'a@b.c', name: 'A', preferred_language: 'en', memberships: [membership(), other] },
      tenantSlug: 'demo',
    });
    const { result, rerender } = renderHook(() => usePermissions());
    expect(result.current.can('channel.manage')).toBe(false);
    useAuthStore.setState({ tenantSlug: 'acme' });
    rerender();
    expect(result.current.can('channel.manage')).toBe(true);
  });
});

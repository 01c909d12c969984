import { beforeEach, describe, expect, it } from 'vitest';
import { HttpError, fakeApi } from '../../test/fakeApi';
import { ROLES, page, userWith } from '../../test/settings';
import { tenantWidePermissions, usePermissionsStore } from './permissions';

describe('permissions', () => {
  beforeEach(() => usePermissionsStore.getState().reset());

  it('unions the permissions of the roles held tenant-wide, ignoring scoped ones', () => {
    const [supervisorInSales] = userWith([{ slug: 'agent' }, { slug: 'owner', scope_type: 'department', scope_id: 'd-1' }]).memberships;
    const granted = tenantWidePermissions(supervisorInSales ?? null, ROLES);
    expect(granted.has('conversation.view')).toBe(true);
    expect(granted.has('channel.manage')).toBe(false);
    const [owner] = userWith([{ slug: 'owner' }]).memberships;
    expect(tenantWidePermissions(owner ?? null, ROLES).has('channel.manage')).toBe(true);
  });

  it('grants nothing to an inactive membership', () => {
    const [owner] = userWith([{ slug: 'owner' }]).memberships;
    expect(tenantWidePermissions(owner ? { ...owner, status: 'disabled' } : null, ROLES).size).toBe(0);
  });

  it('loads the role definitions once per tenant; a refused list means no admin permission', async () => {
    const api = fakeApi().on('GET', /\/tenants\/demo\/roles$/, () => page(ROLES));
    await Promise.all([usePermissionsStore.getState().load('demo'), usePermissionsStore.getState().load('demo')]);
    await usePermissionsStore.getState().load('demo');
    expect(api.calls).toHaveLength(1);
    expect(usePermissionsStore.getState()).toMatchObject({ tenant: 'demo', status: 'ready' });

    api.on('GET', /\/tenants\/other\/roles$/, () => {
      throw new HttpError(403, { code: 'permission_denied', message: 'no' });
    });
    await usePermissionsStore.getState().load('other');
    expect(usePermissionsStore.getState()).toMatchObject({ tenant: 'other', status: 'denied', roles: [] });
  });
});

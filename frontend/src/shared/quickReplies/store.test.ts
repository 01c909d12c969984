import { beforeEach, describe, expect, it } from 'vitest';
import { useAuthStore } from '../auth/store';
import { fakeApi } from '../../test/fakeApi';
import { TENANT } from '../../test/factories';
import { page, userWith } from '../../test/settings';
import { useQuickReplyStore } from './store';
import { makeQuickReply } from './testing';

describe('the composer quick reply cache', () => {
  beforeEach(() => {
    useAuthStore.setState({ access: 'a', refresh: 'r', user: userWith([{ slug: 'agent' }]), tenantSlug: TENANT.slug });
    useQuickReplyStore.getState().reset();
  });

  it('loads once per tenant until stale or invalidated', async () => {
    const api = fakeApi().on('GET', /\/quick-replies$/, () => page([makeQuickReply()]));
    await useQuickReplyStore.getState().load('demo');
    await useQuickReplyStore.getState().load('demo');
    expect(api.calls.length).toBe(1);
    expect(api.calls[0]?.path).toBe('/api/v1/quick-replies?page_size=200');
    useQuickReplyStore.getState().invalidate();
    await useQuickReplyStore.getState().load('demo');
    expect(api.calls.length).toBe(2);
    useQuickReplyStore.setState({ loadedAt: Date.now() - 6 * 60 * 1000 });
    await useQuickReplyStore.getState().load('demo');
    expect(api.calls.length).toBe(3);
  });

  it('knows when one page did not hold every reply', async () => {
    fakeApi().on('GET', /\/quick-replies$/, () => ({ next: 'http://x/?cursor=2', previous: null, results: [makeQuickReply()] }));
    await useQuickReplyStore.getState().load('demo');
    expect(useQuickReplyStore.getState().complete).toBe(false);
  });

  it("forgets the last member's personal replies when someone else signs in", async () => {
    fakeApi().on('GET', /\/quick-replies$/, () => page([makeQuickReply({ personal: true })]));
    await useQuickReplyStore.getState().load('demo');
    expect(useQuickReplyStore.getState().replies.length).toBe(1);
    const other = userWith([{ slug: 'agent' }]);
    useAuthStore.setState({ user: { ...other, id: 'u-other' } });
    expect(useQuickReplyStore.getState().replies).toEqual([]);
    expect(useQuickReplyStore.getState().status).toBe('idle');
  });
});

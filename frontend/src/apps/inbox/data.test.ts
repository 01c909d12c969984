import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../../test/fakeApi';
import { makeConversation } from '../../test/factories';
import { loadInboxData } from './data';
import { useConversationListStore } from './store/listStore';

const page = (id: string) => ({ next: null, previous: null, results: [makeConversation({ id })] });
const conversationCalls = (calls: { path: string }[]) => calls.filter((c) => c.path.startsWith('/api/v1/conversations'));

describe('loadInboxData', () => {
  beforeEach(() => useConversationListStore.getState().reset());
  afterEach(() => vi.unstubAllGlobals());

  function serve() {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const api = fakeApi()
      .on('GET', /\/api\/v1\/conversations$/, async () => {
        await gate;
        return page('c1');
      })
      .on('GET', /\/api\/v1\/(departments|teams|tenants\/.+\/members)$/, () => ({ next: null, previous: null, results: [] }));
    return { api, release };
  }

  it('does not restart a first page already on its way (boot preload, then the page mounts)', async () => {
    const { api, release } = serve();
    loadInboxData('acme', 'm1'); // at boot
    loadInboxData('acme', 'm1'); // the inbox page mounts
    expect(conversationCalls(api.calls)).toHaveLength(1);
    release();
    await vi.waitFor(() => expect(useConversationListStore.getState().order).toEqual(['c1']));
    loadInboxData('acme', 'm1'); // back to the page later: kept, the stream catches up
    expect(conversationCalls(api.calls)).toHaveLength(1);
  });

  it('clears and reloads for another member of the tenant', async () => {
    const { api, release } = serve();
    release();
    loadInboxData('acme', 'm1');
    await vi.waitFor(() => expect(useConversationListStore.getState().status).toBe('ready'));
    loadInboxData('acme', 'm2');
    expect(useConversationListStore.getState().myMemberId).toBe('m2');
    expect(useConversationListStore.getState().order).toEqual([]);
    expect(conversationCalls(api.calls)).toHaveLength(2);
  });
});

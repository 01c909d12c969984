import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../../../shared/api/types';
import { fakeApi } from '../../../test/fakeApi';
import { makeConversation } from '../../../test/factories';
import { DEFAULT_FILTERS } from '../filters';
import { useConversationListStore } from './listStore';

const at = (minute: number) => `2026-01-01T10:${String(minute).padStart(2, '0')}:00Z`;

function conv(id: string, minute: number, overrides: Partial<Conversation> = {}) {
  return makeConversation({ id, last_activity_at: at(minute), updated_at: at(minute), ...overrides });
}

function page(results: Conversation[], next: string | null = null) {
  return { next, previous: null, results };
}

const store = () => useConversationListStore.getState();
const ids = () => store().order;

describe('conversation list store', () => {
  beforeEach(() => {
    store().reset();
    useConversationListStore.setState({ filters: DEFAULT_FILTERS, myMemberId: 'me' });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('loads the first page with the filters and then the next pages by cursor', async () => {
    const api = fakeApi()
      .on('GET', /\/api\/v1\/conversations$/, ({ url }) =>
        url.searchParams.get('cursor') ? page([conv('c', 1)]) : page([conv('a', 3), conv('b', 2)], 'http://x/api/v1/conversations?cursor=abc'),
      );
    await store().setFilters({ view: 'mine' });
    expect(api.calls[0]?.path).toBe('/api/v1/conversations?view=mine&status=open&page_size=100');
    expect(ids()).toEqual(['a', 'b']);
    await store().loadMore();
    expect(api.calls[1]?.path).toBe('/api/v1/conversations?cursor=abc');
    expect(ids()).toEqual(['a', 'b', 'c']);
    expect(store().nextCursor).toBeNull();
  });

  it('ignores an answer for filters that were changed meanwhile', async () => {
    let release: (value: unknown) => void = () => undefined;
    fakeApi().on('GET', /conversations$/, ({ url }) =>
      url.searchParams.get('view') === 'unassigned'
        ? new Promise((resolve) => (release = resolve))
        : page([conv('mine-1', 1)]),
    );
    const slow = store().setFilters({ view: 'unassigned' });
    await store().setFilters({ view: 'mine' });
    release(page([conv('stale', 2)]));
    await slow;
    expect(ids()).toEqual(['mine-1']);
  });

  describe('live updates', () => {
    beforeEach(async () => {
      fakeApi().on('GET', /conversations$/, () => page([conv('a', 5), conv('b', 4), conv('c', 3)]));
      await store().load();
    });

    it('bubble a new or newly active conversation up to its place', () => {
      store().applyConversation(conv('new', 9));
      expect(ids()).toEqual(['new', 'a', 'b', 'c']);
      store().applyConversation(conv('c', 10));
      expect(ids()).toEqual(['c', 'new', 'a', 'b']);
      store().applyConversation(conv('b', 4, { unread_count: 3 })); // same place, new data
      expect(ids()).toEqual(['c', 'new', 'a', 'b']);
      expect(store().byId.b?.unread_count).toBe(3);
    });

    it('take a conversation out when it no longer matches the filters', () => {
      store().applyConversation(conv('a', 6, { status: 'resolved' }));
      expect(ids()).toEqual(['b', 'c']);
      store().applyConversation(conv('z', 7, { status: 'resolved' }));
      expect(ids()).toEqual(['b', 'c']);
    });

    it('respect the "mine" view with the member id', async () => {
      await store().setFilters({ view: 'mine' });
      store().applyConversation(conv('x', 8, { assignee: { id: 'someone-else', display_name: 'Ana' } }));
      store().applyConversation(conv('y', 8, { assignee: { id: 'me', display_name: 'Me' } }));
      expect(ids()).toContain('y');
      expect(ids()).not.toContain('x');
    });

    it('never go back to an older version (a late frame)', () => {
      store().applyConversation(conv('a', 6, { updated_at: at(8), unread_count: 0 }));
      store().applyConversation(conv('a', 5, { updated_at: at(7), unread_count: 4 }));
      expect(store().byId.a?.unread_count).toBe(0);
    });

    it('leave rows older than the last loaded one to pagination', () => {
      useConversationListStore.setState({ nextCursor: 'http://x/next' });
      store().applyConversation(conv('old', 1));
      expect(ids()).toEqual(['a', 'b', 'c']);
    });
  });

  it('resyncs after a gap: merges what changed and drops what left the view', async () => {
    let server = [conv('a', 5), conv('b', 4), conv('c', 3)];
    fakeApi().on('GET', /conversations$/, () => page(server));
    await store().load();
    // while the socket was down: "b" was resolved elsewhere, "n" arrived, "c" got a message
    server = [conv('c', 9), conv('n', 8), conv('a', 5)];
    await store().resync();
    expect(ids()).toEqual(['c', 'n', 'a']);
  });

  it('a resync during the first load shows that page at once, then merges what changed', async () => {
    let release: (value: unknown) => void = () => undefined;
    let server = [conv('a', 5), conv('b', 4)];
    const api = fakeApi().on('GET', /conversations$/, () =>
      api.calls.length === 1 ? new Promise((resolve) => (release = resolve)) : page(server),
    );
    const first = store().load();
    const resync = store().resync(); // the inbox stream opened meanwhile
    const shown: string[][] = [];
    const unsubscribe = useConversationListStore.subscribe((state) => shown.push(state.order));
    server = [conv('n', 8), conv('a', 5), conv('b', 4)];
    release(page([conv('a', 5), conv('b', 4)]));
    await first;
    await resync;
    unsubscribe();
    expect(shown[0]).toEqual(['a', 'b']); // the first answer is used, not thrown away
    expect(ids()).toEqual(['n', 'a', 'b']);
    expect(api.calls).toHaveLength(2);
  });

  it('resync walks back pages until it meets a row already shown', async () => {
    const calls: string[] = [];
    fakeApi().on('GET', /conversations$/, ({ url }) => {
      calls.push(url.searchParams.get('cursor') ?? 'first');
      if (calls.length === 1) return page([conv('a', 1)]);
      if (url.searchParams.get('cursor') === '2') return page([conv('y', 5), conv('a', 1)]);
      return page([conv('z', 6)], 'http://x/api/v1/conversations?cursor=2');
    });
    await store().load();
    await store().resync();
    expect(calls).toEqual(['first', 'first', '2']);
    expect(ids()).toEqual(['z', 'y', 'a']);
  });
});

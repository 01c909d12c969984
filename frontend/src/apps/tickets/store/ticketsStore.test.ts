import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../shared/api';
import type { Ticket, TicketStatus, User } from '../../../shared/api/types';
import { useAuthStore } from '../../../shared/auth/store';
import { realtime } from '../../../shared/realtime';
import { HttpError, fakeApi } from '../../../test/fakeApi';
import { AGENT_PERMISSIONS, TENANT } from '../../../test/factories';
import { makeTicket, page } from '../../../test/tickets';
import { DEFAULT_FILTERS, STATUSES } from '../filters';
import { bindTicketsRealtime } from '../realtimeBindings';
import { COUNTS_REFRESH_MS, useTicketsStore } from './ticketsStore';

const at = (minute: number) => `2026-01-01T10:${String(minute).padStart(2, '0')}:00Z`;
const ticket = (id: string, status: TicketStatus, minute: number, overrides: Partial<Ticket> = {}) =>
  makeTicket({ id, status, updated_at: at(minute), ...overrides });

const store = () => useTicketsStore.getState();
const column = (status: TicketStatus) => store().collections[status].order;

const user: User = {
  id: 'u-1',
  email: 'agent@demo.test',
  name: 'Ana',
  preferred_language: 'en',
  memberships: [{ id: 'me', tenant: { ...TENANT, name: 'Demo' }, display_name: 'Ana', status: 'active', roles: [], permissions: AGENT_PERMISSIONS }],
};

/** A server with tickets in memory answering the list by status (comma list) like the API. */
function server(initial: Ticket[]) {
  const rows = new Map(initial.map((t) => [t.id, t]));
  const matching = (url: URL) => {
    const statuses = url.searchParams.get('status')?.split(',') ?? [];
    const assignee = url.searchParams.get('assignee');
    return [...rows.values()]
      .filter((t) => !statuses.length || statuses.includes(t.status))
      .filter((t) => !assignee || t.assignee?.id === assignee);
  };
  const api = fakeApi()
    .on('GET', /\/api\/v1\/tickets$/, ({ url }) => page(matching(url).sort((a, b) => (a.updated_at < b.updated_at ? 1 : -1))))
    .on('GET', /\/api\/v1\/tickets\/counts$/, ({ url }) => {
      const counts = Object.fromEntries(STATUSES.map((status) => [status, 0])) as Record<TicketStatus, number>;
      for (const t of matching(url)) counts[t.status] += 1;
      return { counts, total: matching(url).length };
    });
  return { rows, api };
}

/** A socket frame through the app's realtime client (tenant check, event → handler map). */
function frame(payload: Record<string, unknown>) {
  realtime.receive(JSON.stringify({ tenant_id: TENANT.id, ...payload }));
}

describe('tickets store', () => {
  let unbind: () => void = () => undefined;
  beforeAll(() => {
    unbind = bindTicketsRealtime();
  });
  afterAll(() => unbind());
  beforeEach(() => {
    store().reset();
    useTicketsStore.setState({ view: 'board', myMemberId: 'me', filters: DEFAULT_FILTERS });
    useAuthStore.setState({ access: 'a', refresh: 'r', user, tenantSlug: TENANT.slug });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('loads one column per status with the filters, and the list with its status filter', async () => {
    const { api } = server([ticket('a', 'new', 1), ticket('b', 'open', 2), ticket('c', 'solved', 3)]);
    await store().setFilters({ priority: 'high' });
    const paths = api.calls.map((c) => c.path).filter((path) => !path.includes('/counts')).sort();
    expect(paths).toHaveLength(STATUSES.length);
    expect(paths).toContain('/api/v1/tickets?status=on_hold&priority=high&page_size=50');
    expect(column('new')).toEqual(['a']);
    expect(column('open')).toEqual(['b']);
    expect(column('solved')).toEqual(['c']);

    await store().setView('list');
    expect(api.calls.at(-1)?.path).toBe('/api/v1/tickets?status=new%2Copen%2Cpending%2Con_hold&priority=high&page_size=50');
    expect(store().collections.list.order).toEqual(['b', 'a']);
    expect(localStorage.getItem('atendo.tickets.view')).toBe('list');
  });

  it("takes the board's column counts from the server, with the filters, asked again once per burst of changes", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { api, rows } = server([ticket('a', 'new', 1), ticket('b', 'new', 2), ticket('c', 'open', 3)]);
      await store().setFilters({ priority: 'high' });
      const asked = () => api.calls.filter((c) => c.path.includes('/counts')).map((c) => c.path);
      expect(asked()).toEqual(['/api/v1/tickets/counts?priority=high']);
      expect(store().counts).toMatchObject({ new: 2, open: 1, closed: 0 });

      rows.set('a', ticket('a', 'open', 10));
      frame({ event: 'ticket.changed', change: 'status_changed', ticket: ticket('a', 'open', 10) });
      frame({ event: 'ticket.changed', change: 'created', ticket: ticket('n', 'new', 11) });
      rows.set('n', ticket('n', 'new', 11));
      expect(asked()).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(COUNTS_REFRESH_MS);
      expect(asked()).toHaveLength(2);
      expect(store().counts).toMatchObject({ new: 2, open: 2 });

      await store().setView('list');
      frame({ event: 'ticket.changed', change: 'created', ticket: ticket('m', 'new', 12) });
      await vi.advanceTimersByTimeAsync(COUNTS_REFRESH_MS);
      expect(asked()).toHaveLength(2); // the list shows no counts: nothing asked
    } finally {
      vi.useRealTimers();
    }
  });

  describe('live board frames', () => {
    beforeEach(async () => {
      server([ticket('a', 'new', 1), ticket('b', 'new', 2), ticket('c', 'open', 3)]);
      await store().load();
    });

    it('put a created ticket on top of its column and move a changed one across columns', () => {
      frame({ event: 'ticket.changed', change: 'created', ticket: ticket('n', 'new', 9) });
      expect(column('new')).toEqual(['n', 'b', 'a']);
      frame({ event: 'ticket.changed', change: 'status_changed', ticket: ticket('a', 'open', 10) });
      expect(column('new')).toEqual(['n', 'b']);
      expect(column('open')).toEqual(['a', 'c']);
    });

    it('ignore other tenants, late (older) frames and repeats', () => {
      realtime.receive(JSON.stringify({ event: 'ticket.changed', tenant_id: 'other', change: 'created', ticket: ticket('x', 'new', 9) }));
      expect(column('new')).toEqual(['b', 'a']);
      frame({ event: 'ticket.changed', change: 'status_changed', ticket: ticket('c', 'pending', 12) });
      frame({ event: 'ticket.changed', change: 'status_changed', ticket: ticket('c', 'open', 11) }); // older
      frame({ event: 'ticket.changed', change: 'status_changed', ticket: ticket('c', 'pending', 12) }); // again
      expect(column('open')).toEqual([]);
      expect(column('pending')).toEqual(['c']);
    });

    it('update SLA state from sla frames without moving the card', () => {
      frame({ event: 'sla.breached', kind: 'breached', ticket: ticket('a', 'new', 1, { sla_state: 'breached' }) });
      expect(store().byId.a?.sla_state).toBe('breached');
      expect(column('new')).toEqual(['b', 'a']);
    });

    it('apply an SLA scan batch (one frame, many tickets) at once', () => {
      frame({
        event: 'sla.alerted',
        kind: 'breached',
        tickets: [ticket('a', 'new', 1, { sla_state: 'breached' }), ticket('c', 'open', 3, { sla_state: 'breached' })],
      });
      expect(store().byId.a?.sla_state).toBe('breached');
      expect(store().byId.c?.sla_state).toBe('breached');
      expect(column('new')).toEqual(['b', 'a']);
    });

    it('take a ticket out when it stops matching the filters', async () => {
      await store().setFilters({ assignee: 'me' });
      frame({ event: 'ticket.changed', change: 'updated', ticket: ticket('m', 'open', 20, { assignee: { id: 'me', display_name: 'Ana' } }) });
      expect(column('open')).toEqual(['m']);
      frame({ event: 'ticket.transferred', ticket: ticket('m', 'open', 21, { assignee: { id: 'bob', display_name: 'Bob' } }) });
      expect(column('open')).toEqual([]);
    });

    it('drop a removed ticket only after the server confirms it is out of scope', async () => {
      const api = fakeApi().on('GET', /\/api\/v1\/tickets\/(a|b)$/, ({ url }) => {
        if (url.pathname.endsWith('/a')) throw new HttpError(404, { code: 'not_found', message: 'Not found.' });
        return { ...ticket('b', 'new', 2), assignments: [] };
      });
      frame({ event: 'ticket.removed', ticket_id: 'a' });
      frame({ event: 'ticket.removed', ticket_id: 'b' }); // still visible through another unit
      await vi.waitFor(() => expect(column('new')).toEqual(['b']));
      expect(api.calls.map((c) => c.path)).toEqual(['/api/v1/tickets/a', '/api/v1/tickets/b']);
    });
  });

  describe('moving a card', () => {
    beforeEach(async () => {
      server([ticket('a', 'new', 1), ticket('b', 'open', 2), ticket('z', 'closed', 0)]);
      await store().load();
    });

    it('moves at once, then takes the server version', async () => {
      let answer: (value: unknown) => void = () => undefined;
      const api = fakeApi().on('PATCH', /\/tickets\/a\/status$/, () => new Promise((resolve) => (answer = resolve)));
      const moving = store().moveTicket('a', 'solved');
      expect(column('new')).toEqual([]);
      expect(column('solved')).toEqual(['a']);
      expect(store().pending.a).toMatchObject({ from: 'new', to: 'solved' });
      expect(api.calls.at(-1)).toMatchObject({ method: 'PATCH', path: '/api/v1/tickets/a/status', body: { status: 'solved' } });

      // the board frame of this very move may arrive before the HTTP answer
      frame({ event: 'ticket.changed', change: 'status_changed', ticket: ticket('a', 'solved', 30) });
      answer({ ...ticket('a', 'solved', 30, { solved_at: at(30) }), assignments: [] });
      expect(await moving).toMatchObject({ id: 'a', status: 'solved' });
      expect(store().pending.a).toBeUndefined();
      expect(column('solved')).toEqual(['a']);
      expect(store().byId.a?.solved_at).toBe(at(30));
    });

    it('goes back where it was when the server refuses, keeping the server reason', async () => {
      fakeApi().on('PATCH', /\/tickets\/z\/status$/, () => {
        throw new HttpError(409, {
          code: 'invalid_transition',
          message: 'A ticket cannot go from closed to open.',
          fields: { status: [''] },
        });
      });
      const moving = store().moveTicket('z', 'open');
      expect(column('open')).toEqual(['z', 'b']);
      expect(await moving).toBeNull();
      expect(column('open')).toEqual(['b']);
      expect(column('closed')).toEqual(['z']);
      const refusal = store().refusal;
      expect(refusal).toMatchObject({ ticketId: 'z', from: 'closed', to: 'open' });
      expect(refusal?.error).toBeInstanceOf(ApiError);
      expect((refusal?.error as ApiError).code).toBe('invalid_transition');
      expect((refusal?.error as ApiError).message).toBe('A ticket cannot go from closed to open.');
    });

    it('keeps the card where the agent put it while an unrelated frame arrives, and reverts to the latest server state', async () => {
      let fail: (error: unknown) => void = () => undefined;
      fakeApi().on('PATCH', /\/tickets\/a\/status$/, () => new Promise((_, reject) => (fail = reject)));
      const moving = store().moveTicket('a', 'pending');
      // someone comments meanwhile: the server's row is newer but still "new"
      frame({ event: 'ticket.changed', change: 'commented', ticket: ticket('a', 'new', 40, { first_responded_at: at(40) }) });
      expect(column('pending')).toEqual(['a']);
      expect(column('new')).toEqual([]);
      fail(new HttpError(409, { code: 'invalid_transition', message: 'no' }));
      await moving;
      expect(column('new')).toEqual(['a']);
      expect(store().byId.a?.first_responded_at).toBe(at(40));
    });

    it('drops a ticket the member can no longer see (404) and refuses a second move while one is pending', async () => {
      fakeApi().on('PATCH', /\/tickets\/b\/status$/, () => {
        throw new HttpError(404, { code: 'not_found', message: 'Not found.' });
      });
      const first = store().moveTicket('b', 'pending');
      expect(await store().moveTicket('b', 'solved')).toBeNull();
      await first;
      expect(column('open')).toEqual([]);
      expect(column('pending')).toEqual([]);
      expect(store().byId.b).toBeUndefined();
    });
  });

  it('resyncs after a gap: merges what changed and drops what left', async () => {
    const { rows } = server([ticket('a', 'new', 1), ticket('b', 'new', 2), ticket('c', 'open', 3)]);
    await store().load();
    // while the socket was down: "a" was solved, "b" left the member's scope, "n" was created
    rows.set('a', ticket('a', 'solved', 10));
    rows.delete('b');
    rows.set('n', ticket('n', 'new', 11));
    await store().resync();
    expect(column('new')).toEqual(['n']);
    expect(column('solved')).toEqual(['a']);
    expect(column('open')).toEqual(['c']);
  });

  it('never lets a page requested before a live frame undo it', async () => {
    const { rows, api } = server([ticket('a', 'new', 1), ticket('b', 'open', 2)]);
    await store().load();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    api.on('GET', /\/api\/v1\/tickets$/, async ({ url }) => {
      const statuses = url.searchParams.get('status')?.split(',') ?? [];
      const snapshot = [...rows.values()].filter((t) => statuses.includes(t.status));
      await gate; // the server read happened before the frames below
      return page(snapshot);
    });
    const resync = store().resync();
    frame({ event: 'ticket.changed', change: 'created', ticket: ticket('n', 'new', 9) });
    frame({ event: 'ticket.changed', change: 'status_changed', ticket: ticket('b', 'solved', 10) });
    release();
    await resync;
    expect(column('new')).toEqual(['n', 'a']);
    expect(column('open')).toEqual([]);
    expect(column('solved')).toEqual(['b']);
  });

  it('leaves rows older than the last loaded one to pagination', async () => {
    fakeApi().on('GET', /\/api\/v1\/tickets$/, ({ url }) =>
      url.searchParams.get('status') === 'new' ? page([ticket('a', 'new', 5)], 'http://x/api/v1/tickets?cursor=n2') : page([]),
    );
    await store().load();
    frame({ event: 'ticket.changed', change: 'updated', ticket: ticket('old', 'new', 1) });
    expect(column('new')).toEqual(['a']);
    fakeApi().on('GET', /\/api\/v1\/tickets$/, () => page([ticket('old', 'new', 1)]));
    await store().loadMore('new');
    expect(column('new')).toEqual(['a', 'old']);
    expect(store().collections.new.nextCursor).toBeNull();
  });
});

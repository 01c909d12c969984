import { setupIonicReact } from '@ionic/react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { MemoryRouter, Route } from 'react-router-dom';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Ticket, TicketStatus, User } from '../../../shared/api/types';
import { useAuthStore } from '../../../shared/auth/store';
import { HttpError, fakeApi } from '../../../test/fakeApi';
import { FakeWebSocket } from '../../../test/fakeWebSocket';
import { AGENT_PERMISSIONS, TENANT } from '../../../test/factories';
import { setupTestI18n } from '../../../test/i18n';
import { makeClock, makeComment, makeTicket, page } from '../../../test/tickets';
import { useTicketDetailStore } from '../store/detailStore';
import { useTicketsStore } from '../store/ticketsStore';
import TicketsPage from './TicketsPage';

setupIonicReact();

const ME = 'member-1';
const user: User = {
  id: 'u-1',
  email: 'agent@demo.test',
  name: 'Ana Agent',
  preferred_language: 'en',
  memberships: [{ id: ME, tenant: { ...TENANT, name: 'Demo' }, display_name: 'Ana', status: 'active', roles: [], permissions: AGENT_PERMISSIONS }],
};
const ACCESS = `h.${btoa(JSON.stringify({ exp: 4_000_000_000 }))}.s`;
const empty = page([]);

/** jsdom has no DataTransfer: a minimal one that carries the card id like the browser would. */
function dataTransfer() {
  const data = new Map<string, string>();
  return {
    get types() {
      return [...data.keys()];
    },
    setData: (type: string, value: string) => data.set(type, value),
    getData: (type: string) => data.get(type) ?? '',
    effectAllowed: 'all',
    dropEffect: 'none',
  };
}

function column(status: TicketStatus) {
  return screen.getAllByTestId('board-column').find((el) => el.dataset.status === status) as HTMLElement;
}
function cardIds(status: TicketStatus) {
  return within(column(status))
    .queryAllByTestId('ticket-card')
    .map((el) => el.dataset.ticketId);
}
function card(id: string) {
  return screen.getAllByTestId('ticket-card').find((el) => el.dataset.ticketId === id) as HTMLElement;
}

function drag(id: string, to: TicketStatus) {
  const transfer = dataTransfer();
  fireEvent.dragStart(card(id), { dataTransfer: transfer });
  fireEvent.dragOver(column(to), { dataTransfer: transfer });
  fireEvent.drop(column(to), { dataTransfer: transfer });
  fireEvent.dragEnd(card(id), { dataTransfer: transfer });
}

describe('TicketsPage', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });
  beforeEach(() => {
    FakeWebSocket.reset();
    vi.stubGlobal('WebSocket', FakeWebSocket);
    localStorage.setItem('atendo.tickets.view', 'board');
    useTicketsStore.getState().reset();
    useTicketsStore.setState({ view: 'board' });
    useTicketDetailStore.getState().reset();
    useAuthStore.setState({ access: ACCESS, refresh: 'r', user, tenantSlug: TENANT.slug });
  });
  afterEach(() => vi.unstubAllGlobals());

  function backend(tickets: Ticket[]) {
    const rows = new Map(tickets.map((t) => [t.id, t]));
    const api = fakeApi()
      .on('GET', /\/api\/v1\/config$/, () => ({ websocket_url: 'ws://rt.test', signup_enabled: false, languages: [] }))
      .on('GET', /\/api\/v1\/(departments|teams|tenants\/demo\/members)$/, () => empty)
      .on('GET', /\/api\/v1\/tickets$/, ({ url }) => {
        const statuses = url.searchParams.get('status')?.split(',') ?? [];
        return page([...rows.values()].filter((t) => !statuses.length || statuses.includes(t.status)));
      })
      // The server counts what the member may see, beyond the first page of each column.
      .on('GET', /\/api\/v1\/tickets\/counts$/, () => ({ counts: { new: 120, open: 0, pending: 0, on_hold: 0, solved: 0, closed: 1 }, total: 121 }));
    return { api, rows };
  }

  it('shows the board live from the ticket socket, moves cards by drag and by keyboard, and explains a refusal', async () => {
    const { api, rows } = backend([
      makeTicket({ id: 'a', number: 11, subject: 'Boleto não chegou', status: 'new' }),
      makeTicket({ id: 'z', number: 12, subject: 'Pedido antigo', status: 'closed' }),
    ]);
    api.on('PATCH', /\/api\/v1\/tickets\/(\w+)\/status$/, ({ url, body }) => {
      const id = url.pathname.split('/')[4] as string;
      const current = rows.get(id) as Ticket;
      const to = (body as { status: TicketStatus }).status;
      if (current.status === 'closed') {
        throw new HttpError(409, { code: 'invalid_transition', message: 'A ticket cannot go from closed to open.' });
      }
      const updated = { ...current, status: to, updated_at: new Date().toISOString() };
      rows.set(id, updated);
      return { ...updated, assignments: [] };
    });

    render(
      <MemoryRouter initialEntries={['/tickets']}>
        <Route path="/tickets" component={TicketsPage} />
      </MemoryRouter>,
    );
    await screen.findByText('Boleto não chegou');
    expect(cardIds('new')).toEqual(['a']);
    expect(cardIds('closed')).toEqual(['z']);
    await waitFor(() => expect(within(column('new')).getByTestId('column-count').textContent).toBe('120'));

    await waitFor(() => expect(FakeWebSocket.instances.length).toBe(1));
    const socket = FakeWebSocket.last();
    expect(socket.url).toBe('ws://rt.test/ws/demo/tickets');
    act(() => socket.serverOpen());
    const created = makeTicket({ id: 'n', number: 13, subject: 'Troca de produto', status: 'new', updated_at: '2026-02-01T10:00:00Z' });
    rows.set('n', created);
    act(() => socket.serverSend({ event: 'ticket.changed', tenant_id: TENANT.id, change: 'created', ticket: created }));
    expect(await screen.findByText('Troca de produto')).toBeTruthy();
    expect(cardIds('new')).toEqual(['n', 'a']);

    // drag "a" to Solved: it moves at once and the server is asked
    act(() => drag('a', 'solved'));
    expect(cardIds('solved')).toEqual(['a']);
    await waitFor(() =>
      expect(api.calls).toContainEqual(expect.objectContaining({ method: 'PATCH', path: '/api/v1/tickets/a/status', body: { status: 'solved' } })),
    );
    await waitFor(() => expect(card('a').getAttribute('aria-busy')).toBeNull());
    expect(screen.getByTestId('board-announcement').textContent).toBe('Ticket #11 moved to Solved.');

    // drag the closed ticket to Open: refused, back in Closed, with the server's words
    act(() => drag('z', 'open'));
    expect(cardIds('open')).toEqual(['z']);
    const alert = await screen.findByTestId('move-refused');
    expect(alert.textContent).toContain('Ticket #12 cannot move to Open.');
    expect(alert.textContent).toContain('A ticket cannot go from closed to open.');
    expect(cardIds('open')).toEqual([]);
    expect(cardIds('closed')).toEqual(['z']);

    // keyboard: Alt+→ on the focused card moves "n" from New to Open
    const open = card('n').querySelector('.atendo-tk-card-open') as HTMLButtonElement;
    act(() => open.focus());
    fireEvent.keyDown(open, { key: 'ArrowRight', altKey: true });
    await waitFor(() => expect(cardIds('open')).toEqual(['n']));
    await waitFor(() =>
      expect(api.calls).toContainEqual(expect.objectContaining({ method: 'PATCH', path: '/api/v1/tickets/n/status', body: { status: 'open' } })),
    );
  });

  it('opens a ticket with SLA timers, assignment history and comments', async () => {
    const ticket = makeTicket({
      id: 'k',
      number: 21,
      subject: 'Cobrança em dobro',
      status: 'open',
      sla_state: 'warning',
      next_due_at: new Date(Date.now() + 10 * 60_000).toISOString(),
      assignee: { id: ME, display_name: 'Ana' },
      department: { id: 'd-1', name: 'Suporte' },
    });
    const { api } = backend([ticket]);
    api
      .on('GET', /\/api\/v1\/tickets\/k$/, () => ({
        ...ticket,
        assignments: [
          {
            id: 'as-1',
            assignee: { id: ME, display_name: 'Ana' },
            department_id: 'd-1',
            team_id: null,
            assigned_by: { id: 'boss', display_name: 'Olivia' },
            reason: 'Cliente VIP',
            started_at: '2026-01-01T09:00:00Z',
            ended_at: null,
          },
        ],
      }))
      .on('GET', /\/api\/v1\/tickets\/k\/sla$/, () => ({
        policy: 'Suporte — padrão',
        state: 'warning',
        clocks: [
          makeClock({ target: 'first_response', state: 'met', remaining_seconds: null }),
          makeClock({ target: 'resolution', state: 'running', remaining_seconds: 600, warned: true }),
        ],
      }))
      .on('GET', /\/api\/v1\/tickets\/k\/comments$/, () =>
        page([
          makeComment({ id: 'c1', body: 'Estornamos o valor.' }),
          makeComment({ id: 'c2', body: 'Ana changed the status to open.', system: true }),
        ]),
      );

    render(
      <MemoryRouter initialEntries={['/tickets']}>
        <Route path="/tickets" component={TicketsPage} />
      </MemoryRouter>,
    );
    fireEvent.click(await screen.findByText('Cobrança em dobro'));
    const detail = await screen.findByTestId('ticket-detail');
    expect(within(detail).getByTestId('ticket-detail-subject').textContent).toBe('Cobrança em dobro');
    const timers = await within(detail).findAllByTestId('sla-timer');
    expect(timers.map((el) => [el.dataset.target, el.dataset.look])).toEqual([
      ['first_response', 'met'],
      ['resolution', 'warning'],
    ]);
    expect(within(timers[1] as HTMLElement).getByTestId('sla-timer-value').textContent).toMatch(/^(10m|9m \d+s) left$/);
    expect(within(detail).getByTestId('assignment').textContent).toContain('Cliente VIP');
    expect(within(detail).getByTestId('assignment').textContent).toContain('by Olivia');
    expect(within(detail).getAllByTestId('ticket-comment').map((el) => el.dataset.kind)).toEqual(['public', 'system']);

    // a comment written by someone else arrives through the board socket
    await waitFor(() => expect(FakeWebSocket.instances.length).toBe(1));
    const socket = FakeWebSocket.last();
    act(() => socket.serverOpen());
    api.on('GET', /\/api\/v1\/tickets\/k\/comments$/, () =>
      page([makeComment({ id: 'c1', body: 'Estornamos o valor.' }), makeComment({ id: 'c3', body: 'Cliente confirmou.', internal: true })]),
    );
    act(() =>
      socket.serverSend({ event: 'ticket.changed', tenant_id: TENANT.id, change: 'commented', ticket: { ...ticket, updated_at: '2026-03-01T00:00:00Z' } }),
    );
    expect(await within(detail).findByText('Cliente confirmou.')).toBeTruthy();
  });

  it('lists tickets in the list view, takes a ticket with "assign to me" and gives it back with "unassign"', async () => {
    localStorage.setItem('atendo.tickets.view', 'list');
    useTicketsStore.setState({ view: 'list' });
    const ticket = makeTicket({ id: 'k', number: 31, subject: 'Nota fiscal errada', status: 'pending', sla_state: 'paused' });
    const { api } = backend([ticket, makeTicket({ id: 'done', subject: 'Já resolvido', status: 'solved' })]);
    api
      .on('GET', /\/api\/v1\/tickets\/k$/, () => ({ ...ticket, assignments: [] }))
      .on('GET', /\/api\/v1\/tickets\/k\/sla$/, () => ({ policy: null, state: '', clocks: [] }))
      .on('GET', /\/api\/v1\/tickets\/k\/comments$/, () => empty)
      .on('POST', /\/api\/v1\/tickets\/k\/transfer$/, ({ body }) => ({
        ...ticket,
        assignee: (body as { assignee: string | null }).assignee ? { id: ME, display_name: 'Ana' } : null,
        updated_at: new Date().toISOString(),
        assignments: [],
      }));

    render(
      <MemoryRouter initialEntries={['/tickets']}>
        <Route path="/tickets" component={TicketsPage} />
      </MemoryRouter>,
    );
    const row = await screen.findByTestId('ticket-row');
    expect(row.textContent).toContain('#31');
    expect(row.textContent).toContain('Pending');
    expect(within(row).getByTestId('sla-badge').dataset.look).toBe('paused');
    expect(screen.queryByText('Já resolvido')).toBeNull(); // the list shows unsolved tickets by default
    expect(api.calls.some((c) => c.path === '/api/v1/tickets?status=new%2Copen%2Cpending%2Con_hold&page_size=50')).toBe(true);

    fireEvent.click(row);
    const detail = await screen.findByTestId('ticket-detail');
    expect(within(detail).getByTestId('sla-none')).toBeTruthy();
    fireEvent.click(within(detail).getByTestId('ticket-assign-me'));
    await waitFor(() => expect(within(detail).getByTestId('ticket-assignee').textContent).toBe('Ana'));
    expect(api.calls.find((c) => c.method === 'POST')).toMatchObject({
      path: '/api/v1/tickets/k/transfer',
      body: { assignee: ME, reason: 'Took the ticket' },
    });
    expect(within(detail).queryByTestId('ticket-assign-me')).toBeNull();

    fireEvent.click(within(detail).getByTestId('ticket-unassign'));
    await waitFor(() => expect(within(detail).getByTestId('ticket-assignee').textContent).toBe('Unassigned'));
    expect(api.calls.filter((c) => c.method === 'POST').at(-1)).toMatchObject({
      path: '/api/v1/tickets/k/transfer',
      body: { assignee: null, reason: 'Unassigned: back to the queue' },
    });
    expect(within(detail).queryByTestId('ticket-unassign')).toBeNull();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HttpError, fakeApi } from '../../../test/fakeApi';
import { makeClock, makeComment, makeTicket, makeTicketDetail, page } from '../../../test/tickets';
import { REFRESH_DELAY_MS, useTicketDetailStore } from './detailStore';

const store = () => useTicketDetailStore.getState();
const assignment = {
  id: 'as-1',
  assignee: { id: 'me', display_name: 'Ana' },
  department_id: 'd-1',
  team_id: null,
  assigned_by: { id: 'me', display_name: 'Ana' },
  reason: 'Created',
  started_at: '2026-01-01T09:00:00Z',
  ended_at: null,
};

function server() {
  const detail = makeTicketDetail({ id: 'k', number: 7, status: 'open', assignments: [assignment] });
  const state = { detail, comments: [makeComment({ id: 'c1' })], sla: { policy: 'Suporte', state: 'ok', clocks: [makeClock()] } };
  const api = fakeApi()
    .on('GET', /\/api\/v1\/tickets\/k$/, () => state.detail)
    .on('GET', /\/api\/v1\/tickets\/k\/sla$/, () => state.sla)
    .on('GET', /\/api\/v1\/tickets\/k\/comments$/, () => page(state.comments));
  return { api, state };
}

describe('ticket detail store', () => {
  beforeEach(() => store().reset());
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('opens a ticket with its SLA clocks and comments', async () => {
    server();
    await store().open('k');
    const thread = store().threads.k;
    expect(thread?.status).toBe('ready');
    expect(thread?.ticket?.assignments).toHaveLength(1);
    expect(thread?.sla?.clocks).toHaveLength(1);
    expect(thread?.slaReadAt).toBeGreaterThan(0);
    expect(thread?.comments.map((c) => c.id)).toEqual(['c1']);
  });

  it('applies live ticket rows without losing the assignment history, and never an older one', async () => {
    server();
    await store().open('k');
    store().applyTicket(makeTicket({ id: 'k', number: 7, status: 'pending', updated_at: '2026-01-01T11:00:00Z' }));
    expect(store().threads.k?.ticket).toMatchObject({ status: 'pending', assignments: [assignment] });
    store().applyTicket(makeTicket({ id: 'k', number: 7, status: 'open', updated_at: '2026-01-01T10:30:00Z' }));
    expect(store().threads.k?.ticket?.status).toBe('pending');
  });

  it('coalesces a burst of frames into one refetch of each part asked for', async () => {
    const { api, state } = server();
    await store().open('k');
    vi.useFakeTimers();
    const before = api.calls.length;
    state.comments = [...state.comments, makeComment({ id: 'c2', internal: true })];
    store().scheduleRefresh('k', { sla: true });
    store().scheduleRefresh('k', { comments: true });
    store().scheduleRefresh('k', { sla: true, comments: true });
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
    vi.useRealTimers();
    await vi.waitFor(() => expect(store().threads.k?.comments.map((c) => c.id)).toEqual(['c1', 'c2']));
    expect(api.calls.slice(before).map((c) => c.path).sort()).toEqual([
      '/api/v1/tickets/k/comments?page_size=100',
      '/api/v1/tickets/k/sla',
    ]);
  });

  it('posts a comment once even when the live refetch brings it too', async () => {
    const { api } = server();
    await store().open('k');
    const created = makeComment({ id: 'c9', body: 'Resolvido no boleto novo' });
    api.on('POST', /\/api\/v1\/tickets\/k\/comments$/, () => created);
    await store().comment('k', 'Resolvido no boleto novo', false);
    await store().comment('k', 'Resolvido no boleto novo', false);
    expect(api.calls.at(-1)).toMatchObject({ method: 'POST', body: { body: 'Resolvido no boleto novo', internal: false } });
    expect(store().threads.k?.comments.map((c) => c.id)).toEqual(['c1', 'c9']);
  });

  it('says the ticket is gone when the server no longer shows it to the member', async () => {
    fakeApi().on('GET', /\/api\/v1\/tickets\/k(\/.*)?$/, () => {
      throw new HttpError(404, { code: 'not_found', message: 'Not found.' });
    });
    await store().open('k');
    expect(store().threads.k?.status).toBe('gone');
  });
});

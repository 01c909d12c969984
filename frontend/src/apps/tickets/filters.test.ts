import { describe, expect, it } from 'vitest';
import { makeTicket } from '../../test/tickets';
import { DEFAULT_FILTERS, canMove, compareTickets, filtersToQuery, keepAllowedStatuses, matchesFilters } from './filters';

describe('ticket filters', () => {
  it('become the query GET /api/v1/tickets understands', () => {
    expect(filtersToQuery(DEFAULT_FILTERS, 'me-1').toString()).toBe('status=new%2Copen%2Cpending%2Con_hold');
    const query = filtersToQuery(
      { ...DEFAULT_FILTERS, status: 'all', priority: 'urgent', department: 'd-1', assignee: 'me', sla: 'breached', q: ' #12 ' },
      'me-1',
    );
    expect(Object.fromEntries(query)).toEqual({ priority: 'urgent', department: 'd-1', assignee: 'me-1', sla_state: 'breached', q: '#12' });
    // a board column asks for its own status whatever the list's status filter says
    expect(filtersToQuery({ ...DEFAULT_FILTERS, status: 'solved' }, null, ['pending']).get('status')).toBe('pending');
    expect(filtersToQuery({ ...DEFAULT_FILTERS, assignee: 'none' }, 'me-1').get('assignee')).toBe('none');
  });

  it('decide where a live ticket belongs like the server would', () => {
    const ticket = makeTicket({
      number: 42,
      status: 'open',
      subject: 'Boleto vencido',
      assignee: { id: 'me-1', display_name: 'Ana' },
      department: { id: 'd-1', name: 'Vendas' },
    });
    expect(matchesFilters(ticket, DEFAULT_FILTERS, 'me-1')).toBe(true);
    expect(matchesFilters(ticket, { ...DEFAULT_FILTERS, status: 'solved' }, 'me-1')).toBe(false);
    expect(matchesFilters(ticket, DEFAULT_FILTERS, 'me-1', ['open'])).toBe(true);
    expect(matchesFilters(ticket, { ...DEFAULT_FILTERS, assignee: 'me' }, 'me-1')).toBe(true);
    expect(matchesFilters(ticket, { ...DEFAULT_FILTERS, assignee: 'me' }, 'other')).toBe(false);
    expect(matchesFilters(ticket, { ...DEFAULT_FILTERS, assignee: 'none' }, 'me-1')).toBe(false);
    expect(matchesFilters(ticket, { ...DEFAULT_FILTERS, department: 'd-2' }, 'me-1')).toBe(false);
    expect(matchesFilters(ticket, { ...DEFAULT_FILTERS, q: 'boleto' }, 'me-1')).toBe(true);
    expect(matchesFilters(ticket, { ...DEFAULT_FILTERS, q: '#42' }, 'me-1')).toBe(true);
    expect(matchesFilters(ticket, { ...DEFAULT_FILTERS, q: 'maria' }, 'me-1')).toBe(true); // the requester
    expect(matchesFilters(ticket, { ...DEFAULT_FILTERS, q: 'pix' }, 'me-1')).toBe(false);
  });

  it('sort by last change with offsets and missing microseconds, ties by id', () => {
    const a = makeTicket({ id: 'a', updated_at: '2026-01-01T10:00:00.500000Z' });
    const b = makeTicket({ id: 'b', updated_at: '2026-01-01T07:00:00-03:00' }); // 10:00:00Z
    const c = makeTicket({ id: 'c', updated_at: '2026-01-01T10:00:00Z' });
    expect([b, c, a].sort(compareTickets).map((t) => t.id)).toEqual(['a', 'c', 'b']);
  });

  it("hint moves from the server's allowed_statuses; unknown ones are left to the server", () => {
    const solved = makeTicket({ status: 'solved', allowed_statuses: ['open', 'closed'] });
    expect(canMove(solved, 'open')).toBe(true);
    expect(canMove(solved, 'new')).toBe(false);
    expect(canMove(makeTicket({ status: 'open', allowed_statuses: [] }), 'solved')).toBe(false); // no right to move it
    expect(canMove(makeTicket({ status: 'open', allowed_statuses: null }), 'new')).toBe(true);
  });

  it("keep the member's allowed_statuses across a frame only while the ticket stays put", () => {
    const known = makeTicket({ id: 'k', status: 'open', allowed_statuses: ['pending'], department: { id: 'd-1', name: 'Vendas' } });
    const touched = { ...known, subject: 'Renamed', allowed_statuses: null };
    expect(keepAllowedStatuses(touched, known).allowed_statuses).toEqual(['pending']);
    expect(keepAllowedStatuses({ ...touched, status: 'solved' }, known).allowed_statuses).toBeNull();
    expect(keepAllowedStatuses({ ...touched, department: { id: 'd-2', name: 'Suporte' } }, known).allowed_statuses).toBeNull();
    expect(keepAllowedStatuses({ ...touched, assignee: { id: 'm-9', display_name: 'Bia' } }, known).allowed_statuses).toBeNull();
    expect(keepAllowedStatuses(touched, undefined).allowed_statuses).toBeNull();
    const fresh = { ...known, allowed_statuses: ['solved' as const] }; // an API answer always wins
    expect(keepAllowedStatuses(fresh, known).allowed_statuses).toEqual(['solved']);
  });
});

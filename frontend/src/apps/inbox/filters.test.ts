import { describe, expect, it } from 'vitest';
import { makeConversation } from '../../test/factories';
import { DEFAULT_FILTERS, compareConversations, filtersToQuery, matchesFilters } from './filters';

describe('inbox filters', () => {
  const me = 'member-me';

  it('turn into the API query, leaving out empty ones', () => {
    const query = filtersToQuery({ ...DEFAULT_FILTERS, view: 'mine', q: ' ana ', department: 'd-1' });
    expect(query.toString()).toBe('view=mine&status=open&department=d-1&q=ana');
  });

  it('match live conversations like the server would', () => {
    const mine = makeConversation({ assignee: { id: me, display_name: 'Me' }, tags: ['vip'], department_id: 'd-1' });
    const unassigned = makeConversation({ status: 'pending' });
    expect(matchesFilters(mine, { ...DEFAULT_FILTERS, view: 'mine' }, me)).toBe(true);
    expect(matchesFilters(unassigned, { ...DEFAULT_FILTERS, view: 'mine' }, me)).toBe(false);
    expect(matchesFilters(unassigned, { ...DEFAULT_FILTERS, view: 'unassigned', status: 'pending' }, me)).toBe(true);
    expect(matchesFilters(unassigned, { ...DEFAULT_FILTERS, status: 'open' }, me)).toBe(false);
    expect(matchesFilters(unassigned, { ...DEFAULT_FILTERS, status: 'all' }, me)).toBe(true);
    expect(matchesFilters(mine, { ...DEFAULT_FILTERS, tag: 'vip', department: 'd-1' }, me)).toBe(true);
    expect(matchesFilters(mine, { ...DEFAULT_FILTERS, channel: 'whatsapp' }, me)).toBe(false);
    expect(matchesFilters(mine, { ...DEFAULT_FILTERS, team: 't-1' }, me)).toBe(false);
    expect(matchesFilters(mine, { ...DEFAULT_FILTERS, q: mine.contact.name.slice(0, 5).toUpperCase() }, me)).toBe(true);
  });

  it('order by last activity, newest first, ties by id', () => {
    const a = makeConversation({ id: 'a', last_activity_at: '2026-01-01T10:00:00Z' });
    const b = makeConversation({ id: 'b', last_activity_at: '2026-01-01T11:00:00Z' });
    const c = makeConversation({ id: 'c', last_activity_at: '2026-01-01T10:00:00Z' });
    expect([a, b, c].sort(compareConversations).map((x) => x.id)).toEqual(['b', 'c', 'a']);
  });
});

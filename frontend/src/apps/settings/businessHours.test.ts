import { describe, expect, it } from 'vitest';
import { defaultHours, fromDraft, hasProblems, hoursProblems, toDraft } from './businessHours';
import { splitMinutes, toMinutes } from './components/SlaSection';

describe('business hours draft', () => {
  it('round-trips a calendar; midnight shows as 00:00 and is sent as 24:00', () => {
    const draft = toDraft({ timezone: 'America/Sao_Paulo', weekly: { mon: [['13:00', '24:00'], ['08:00:00', '12:00:00']], sun: [] }, holidays: ['2026-12-25', '2026-01-01'] });
    expect(draft.weekly.mon).toEqual([['13:00', '00:00'], ['08:00', '12:00']]);
    expect(draft.weekly.tue).toEqual([]);
    expect(draft.holidays).toEqual(['2026-01-01', '2026-12-25']);
    expect(fromDraft(draft).weekly.mon).toEqual([['08:00', '12:00'], ['13:00', '24:00']]);
  });

  it('names what is wrong per day before the server does', () => {
    const draft = toDraft(defaultHours('UTC'));
    expect(hasProblems(hoursProblems(draft))).toBe(false);
    draft.weekly.mon = [['18:00', '08:00']];
    draft.weekly.tue = [['08:00', '12:00'], ['11:00', '13:00']];
    draft.weekly.wed = [['08:00', '']];
    draft.weekly.thu = [['22:00', '00:00']]; // until midnight is fine
    expect(hoursProblems(draft).days).toEqual({ mon: 'order', tue: 'overlap', wed: 'missing' });
    const closed = toDraft({ timezone: 'UTC', weekly: {} });
    expect(hoursProblems(closed).neverOpen).toBe(true);
  });
});

describe('SLA durations', () => {
  it('writes minutes in the largest exact unit and back', () => {
    expect(splitMinutes(90)).toEqual({ amount: '90', unit: 'minutes' });
    expect(splitMinutes(120)).toEqual({ amount: '2', unit: 'hours' });
    expect(splitMinutes(2880)).toEqual({ amount: '2', unit: 'days' });
    expect(splitMinutes(null)).toEqual({ amount: '', unit: 'hours' });
    expect(toMinutes('1,5', 'hours')).toBe(90);
    expect(toMinutes(' ', 'days')).toBeNull();
  });
});

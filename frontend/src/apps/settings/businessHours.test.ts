import { describe, expect, it } from 'vitest';
import { fromDraft, toDraft } from './businessHours';
import { splitMinutes, toMinutes } from './components/SlaSection';

describe('business hours draft', () => {
  it('round-trips a calendar; midnight shows as 00:00 and is sent as 24:00, rows in the order shown', () => {
    const draft = toDraft({ timezone: 'America/Sao_Paulo', weekly: { mon: [['13:00', '24:00'], ['08:00:00', '12:00:00']], sun: [] }, holidays: ['2026-12-25', '2026-01-01'] });
    expect(draft.weekly.mon).toEqual([['13:00', '00:00'], ['08:00', '12:00']]);
    expect(draft.weekly.tue).toEqual([]);
    expect(draft.holidays).toEqual(['2026-01-01', '2026-12-25']);
    // The server answers problems by row position and stores the rows sorted itself.
    expect(fromDraft(draft).weekly.mon).toEqual([['13:00', '24:00'], ['08:00', '12:00']]);
    draft.weekly.tue = [['08:00', '']]; // an emptied time goes as it is: the server says what is wrong
    expect(fromDraft(draft).weekly.tue).toEqual([['08:00', '']]);
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

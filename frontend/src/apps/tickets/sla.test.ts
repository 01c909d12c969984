import { describe, expect, it } from 'vitest';
import { makeClock } from '../../test/tickets';
import { formatDuration, readClock, readTicketSla } from './sla';

const at = (iso: string) => Date.parse(iso);

describe('SLA readings', () => {
  const readAt = at('2026-01-01T10:00:00Z');

  it('count a running clock down from the server remaining time, warn, then breach', () => {
    const clock = makeClock({ remaining_seconds: 3600 });
    expect(readClock(clock, readAt, at('2026-01-01T10:10:00Z'))).toEqual({ look: 'ok', seconds: 3000 });
    // the warning threshold is 12 min before due (due_at − warning_at)
    expect(readClock(clock, readAt, at('2026-01-01T10:50:00Z'))).toEqual({ look: 'warning', seconds: 600 });
    expect(readClock({ ...clock, warned: true }, readAt, at('2026-01-01T10:01:00Z')).look).toBe('warning');
    expect(readClock(clock, readAt, at('2026-01-01T11:05:00Z'))).toEqual({ look: 'breached', seconds: 300 });
  });

  it('ignore the agent machine clock while running: it counts from when the server answered', () => {
    // the browser thinks it is 3 hours later than the server, but only 60 s passed since the read
    const clock = makeClock({ remaining_seconds: 600, due_at: '2026-01-01T10:10:00Z' });
    expect(readClock(clock, at('2026-01-01T13:00:00Z'), at('2026-01-01T13:01:00Z'))).toEqual({ look: 'ok', seconds: 540 });
  });

  it('show paused, breached, met and stopped clocks', () => {
    expect(readClock(makeClock({ state: 'paused', consumed_seconds: 1200, remaining_seconds: null }), readAt, readAt)).toEqual({
      look: 'paused',
      seconds: 2400,
    });
    expect(readClock(makeClock({ state: 'breached', remaining_seconds: null }), readAt, at('2026-01-01T12:00:00Z'))).toEqual({
      look: 'breached',
      seconds: 3600,
    });
    expect(readClock(makeClock({ state: 'met' }), readAt, readAt).look).toBe('met');
    expect(readClock(makeClock({ state: 'cancelled' }), readAt, readAt).look).toBe('cancelled');
  });

  it('read a ticket summary for cards', () => {
    const now = at('2026-01-01T10:00:00Z');
    expect(readTicketSla({ sla_state: '', next_due_at: null }, now).look).toBe('none');
    expect(readTicketSla({ sla_state: 'ok', next_due_at: '2026-01-01T12:00:00Z' }, now)).toEqual({ look: 'ok', seconds: 7200 });
    expect(readTicketSla({ sla_state: 'warning', next_due_at: '2026-01-01T09:59:00Z' }, now)).toEqual({ look: 'breached', seconds: 60 });
    expect(readTicketSla({ sla_state: 'paused', next_due_at: null }, now).look).toBe('paused');
  });

  it('format durations per language, two units at most', () => {
    expect(formatDuration(2 * 86400 + 4 * 3600 + 59, 'en')).toBe('2d 4h');
    expect(formatDuration(3 * 3600 + 20 * 60, 'en')).toBe('3h 20m');
    expect(formatDuration(3 * 3600, 'en')).toBe('3h');
    expect(formatDuration(4 * 60 + 12, 'en')).toBe('4m');
    expect(formatDuration(4 * 60 + 12, 'en', true)).toBe('4m 12s');
    expect(formatDuration(45, 'en')).toBe('45s');
    expect(formatDuration(3 * 3600 + 20 * 60, 'pt-BR')).toBe(
      `${new Intl.NumberFormat('pt-BR', { style: 'unit', unit: 'hour', unitDisplay: 'narrow' }).format(3)} ${new Intl.NumberFormat('pt-BR', { style: 'unit', unit: 'minute', unitDisplay: 'narrow' }).format(20)}`,
    );
  });
});

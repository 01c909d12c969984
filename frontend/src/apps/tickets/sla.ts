import type { SlaClock, Ticket } from '../../shared/api/types';
import { instant } from './filters';

/**
 * How an SLA target looks right now. ok: running, in time · warning: running past its warning
 * threshold · breached: past due · paused: waiting on the customer · met · cancelled (the ticket
 * was solved or closed before this target mattered) · none: no policy applies.
 */
export type SlaLook = 'ok' | 'warning' | 'breached' | 'paused' | 'met' | 'cancelled' | 'none';

export interface SlaReading {
  look: SlaLook;
  /** ok/warning: seconds left · breached: seconds overdue · paused: business seconds left · else null. */
  seconds: number | null;
}

/**
 * One clock of GET /tickets/{id}/sla, read `readAt` (ms), seen at `now` (ms). A running clock
 * counts down from the server's `remaining_seconds`, so a wrong clock on the agent's machine
 * does not move the deadline; the warning threshold is the server's due − warning gap.
 */
export function readClock(clock: SlaClock, readAt: number, now: number): SlaReading {
  switch (clock.state) {
    case 'met':
      return { look: 'met', seconds: null };
    case 'cancelled':
      return { look: 'cancelled', seconds: null };
    case 'paused':
      return { look: 'paused', seconds: Math.max(0, clock.target_seconds - clock.consumed_seconds) };
    case 'breached':
      return { look: 'breached', seconds: clock.due_at ? Math.max(0, (now - instant(clock.due_at)) / 1000) : null };
    case 'running': {
      const remaining =
        clock.remaining_seconds !== null
          ? clock.remaining_seconds - (now - readAt) / 1000
          : clock.due_at
            ? (instant(clock.due_at) - now) / 1000
            : null;
      if (remaining === null) return { look: 'ok', seconds: null };
      if (remaining <= 0) return { look: 'breached', seconds: -remaining };
      const warningGap =
        clock.due_at && clock.warning_at ? (instant(clock.due_at) - instant(clock.warning_at)) / 1000 : null;
      const warning = clock.warned || (warningGap !== null && remaining <= warningGap);
      return { look: warning ? 'warning' : 'ok', seconds: remaining };
    }
    default:
      return { look: 'none', seconds: null };
  }
}

/** A ticket's SLA at a glance (cards and rows), from the summary the list carries. */
export function readTicketSla(ticket: Pick<Ticket, 'sla_state' | 'next_due_at'>, now: number): SlaReading {
  switch (ticket.sla_state) {
    case '':
      return { look: 'none', seconds: null };
    case 'met':
      return { look: 'met', seconds: null };
    case 'paused':
      return { look: 'paused', seconds: null };
    case 'breached':
      return { look: 'breached', seconds: null };
    default: {
      if (!ticket.next_due_at) return { look: ticket.sla_state, seconds: null };
      const remaining = (instant(ticket.next_due_at) - now) / 1000;
      // Past due before the server's scan has flagged it: show it as breached already.
      if (remaining <= 0) return { look: 'breached', seconds: -remaining };
      return { look: ticket.sla_state, seconds: remaining };
    }
  }
}

type Unit = 'day' | 'hour' | 'minute' | 'second';

/**
 * A duration in the UI language, two units at most ("2 d 4 h", "3h 20min", "45 s"); `precise`
 * keeps seconds under an hour (the detail's live timers).
 */
export function formatDuration(seconds: number, language: string, precise = false): string {
  let rest = Math.max(0, Math.floor(seconds));
  const days = Math.floor(rest / 86_400);
  rest -= days * 86_400;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  const secs = rest - minutes * 60;
  const parts: [number, Unit][] = [];
  if (days > 0) parts.push([days, 'day'], [hours, 'hour']);
  else if (hours > 0) parts.push([hours, 'hour'], [minutes, 'minute']);
  else if (minutes > 0) {
    parts.push([minutes, 'minute']);
    if (precise) parts.push([secs, 'second']);
  } else parts.push([secs, 'second']);
  return parts
    .filter(([value], index) => index === 0 || value > 0)
    .map(([value, unit]) => new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'narrow' }).format(value))
    .join(' ');
}

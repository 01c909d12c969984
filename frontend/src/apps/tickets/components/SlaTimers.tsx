import { useTranslation } from 'react-i18next';
import type { SlaClock, TicketSla } from '../../../shared/api/types';
import { formatDateTime } from '../../inbox/format';
import { formatDuration, readClock } from '../sla';
import { useNow } from '../useNow';

/** The latest clock of each target (an earlier one may have been cancelled by a re-target). */
export function latestClocks(clocks: SlaClock[]): SlaClock[] {
  const byTarget = new Map<string, SlaClock>();
  for (const clock of clocks) byTarget.set(clock.target, clock);
  return [...byTarget.values()];
}

interface SlaTimersProps {
  sla: TicketSla | null;
  /** When `sla` was read (ms): running clocks count down from then. */
  readAt: number;
}

/** The detail's SLA section: one live timer per target. */
export function SlaTimers({ sla, readAt }: SlaTimersProps) {
  const { t, i18n } = useTranslation('tickets');
  const now = useNow(1000);
  if (!sla || sla.clocks.length === 0) {
    return (
      <p className="atendo-tk-muted" data-testid="sla-none">
        {t('sla.none')}
      </p>
    );
  }
  return (
    <>
      {sla.policy && <p className="atendo-tk-muted">{t('sla.policy', { name: sla.policy })}</p>}
      <ul className="atendo-tk-timers" data-testid="sla-timers">
        {latestClocks(sla.clocks).map((clock) => {
          const { look, seconds } = readClock(clock, readAt, now);
          const duration = seconds === null ? '' : formatDuration(seconds, i18n.language, true);
          // The chip says the state; the line below adds the time, when there is one to tell.
          let value: string | null = null;
          if (seconds !== null && (look === 'ok' || look === 'warning')) value = t('sla.remaining', { duration });
          else if (seconds !== null && look === 'breached') value = t('sla.overdueBy', { duration });
          else if (seconds !== null && look === 'paused') value = t('sla.pausedLeft', { duration });
          const showDue = clock.due_at && (clock.state === 'running' || clock.state === 'breached');
          return (
            <li key={clock.target} className={`atendo-tk-timer is-${look}`} data-testid="sla-timer" data-target={clock.target} data-look={look}>
              <span className="atendo-tk-timer-target">{t(`sla.target.${clock.target}`)}</span>
              <span className={`atendo-sla-chip is-${look}`}>{t(`sla.look.${look}`)}</span>
              {value && (
                <span className="atendo-tk-timer-value" data-testid="sla-timer-value">
                  {value}
                </span>
              )}
              {showDue && clock.due_at && (
                <time className="atendo-tk-timer-due" dateTime={clock.due_at}>
                  {t('sla.dueAt', { when: formatDateTime(clock.due_at, i18n.language) })}
                </time>
              )}
            </li>
          );
        })}
      </ul>
    </>
  );
}

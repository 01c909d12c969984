import { useTranslation } from 'react-i18next';
import type { Ticket } from '../../../shared/api/types';
import { formatDateTime } from '../../inbox/format';
import { formatDuration, readTicketSla } from '../sla';
import { useNow } from '../useNow';

/** Cards and rows: the ticket's next SLA deadline, counting down (every 30 s is enough here). */
export function SlaBadge({ ticket }: { ticket: Pick<Ticket, 'sla_state' | 'next_due_at'> }) {
  const { t, i18n } = useTranslation('tickets');
  const now = useNow(30_000);
  const { look, seconds } = readTicketSla(ticket, now);
  if (look === 'none' || look === 'cancelled') return null;
  const duration = seconds === null ? '' : formatDuration(seconds, i18n.language);
  let label: string;
  if (look === 'breached') label = seconds === null ? t('sla.look.breached') : t('sla.overdueBy', { duration });
  else if ((look === 'ok' || look === 'warning') && seconds !== null) label = t('sla.dueIn', { duration });
  else label = t(`sla.look.${look}`);
  const due = ticket.next_due_at ? t('sla.dueAt', { when: formatDateTime(ticket.next_due_at, i18n.language) }) : undefined;
  return (
    <span className={`atendo-sla-chip is-${look}`} data-testid="sla-badge" data-look={look} title={due}>
      {label}
    </span>
  );
}

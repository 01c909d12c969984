import { useTranslation } from 'react-i18next';
import type { Priority, TicketStatus } from '../../../shared/api/types';

export function StatusChip({ status }: { status: TicketStatus }) {
  const { t } = useTranslation('tickets');
  return (
    <span className={`atendo-tk-status is-${status}`} data-testid="ticket-status" data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}

/** Normal priority is the default and says nothing: only the others are shown unless `always`. */
export function PriorityChip({ priority, always = false }: { priority: Priority; always?: boolean }) {
  const { t } = useTranslation('tickets');
  if (priority === 'normal' && !always) return null;
  return (
    <span className={`atendo-tk-priority is-${priority}`} data-testid="ticket-priority" title={t('fields.priority')}>
      {t(`priority.${priority}`)}
    </span>
  );
}

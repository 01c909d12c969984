import { useTranslation } from 'react-i18next';
import type { Conversation } from '../../../shared/api/types';
import { formatDuration, readTicketSla } from '../../tickets/sla';
import { useNow } from '../../tickets/useNow';
import { formatDateTime } from '../format';

/**
 * The inbox row's SLA countdown: the most urgent clock of the conversation's open tickets, as
 * the server copies it onto the conversation. Nothing when no ticket SLA applies.
 */
export function ConversationSla({ conversation }: { conversation: Pick<Conversation, 'sla_state' | 'sla_due_at'> }) {
  const { t, i18n } = useTranslation('inbox');
  const now = useNow(30_000);
  if (!conversation.sla_state) return null;
  const { look, seconds } = readTicketSla(
    { sla_state: conversation.sla_state, next_due_at: conversation.sla_due_at },
    now,
  );
  if (look !== 'ok' && look !== 'warning' && look !== 'breached' && look !== 'paused') return null;
  const duration = seconds === null ? '' : formatDuration(seconds, i18n.language);
  let label: string;
  if (look === 'breached') label = seconds === null ? t('list.sla.breached') : t('list.sla.overdue', { duration });
  else if (look === 'paused' || seconds === null) label = t('list.sla.paused');
  else label = t('list.sla.dueIn', { duration });
  const title = conversation.sla_due_at
    ? t('list.sla.dueAt', { when: formatDateTime(conversation.sla_due_at, i18n.language) })
    : undefined;
  return (
    <span className={`atendo-sla-chip is-${look}`} data-testid="conversation-sla" data-look={look} title={title}>
      {label}
    </span>
  );
}

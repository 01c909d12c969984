import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatListTime } from '../../inbox/format';
import { useEffectiveTicket } from '../store/ticketsStore';
import { PriorityChip, StatusChip } from './Chips';
import { SlaBadge } from './SlaBadge';

interface TicketRowProps {
  id: string;
  selected: boolean;
  onOpen: (id: string) => void;
}

/** One line of the list view. */
export const TicketRow = memo(function TicketRow({ id, selected, onOpen }: TicketRowProps) {
  const { t, i18n } = useTranslation('tickets');
  const { ticket, moving } = useEffectiveTicket(id);
  if (!ticket) return null;
  const unit = [ticket.department?.name, ticket.team?.name].filter(Boolean).join(' / ');
  return (
    <li>
      <button
        type="button"
        className={`atendo-tk-row${selected ? ' is-selected' : ''}${moving ? ' is-moving' : ''}`}
        onClick={() => onOpen(id)}
        aria-current={selected ? 'true' : undefined}
        data-testid="ticket-row"
        data-ticket-id={id}
        data-status={ticket.status}
      >
        <span className="atendo-tk-row-line">
          <span className="atendo-tk-number">#{ticket.number}</span>
          <span className="atendo-tk-row-subject" data-testid="ticket-subject">
            {ticket.subject}
          </span>
          <time className="atendo-tk-row-time" dateTime={ticket.updated_at}>
            {formatListTime(ticket.updated_at, i18n.language)}
          </time>
        </span>
        <span className="atendo-tk-row-line atendo-tk-row-meta">
          <StatusChip status={ticket.status} />
          <PriorityChip priority={ticket.priority} />
          <SlaBadge ticket={ticket} />
          <span className="atendo-tk-row-people">
            {[
              ticket.requester?.name,
              ticket.assignee ? t('fields.assignedTo', { name: ticket.assignee.display_name }) : t('fields.unassigned'),
              unit,
            ]
              .filter(Boolean)
              .join(' · ')}
          </span>
        </span>
      </button>
    </li>
  );
});

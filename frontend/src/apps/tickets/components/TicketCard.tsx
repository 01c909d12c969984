import { IonIcon } from '@ionic/react';
import { swapHorizontalOutline } from 'ionicons/icons';
import { memo, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { TicketStatus } from '../../../shared/api/types';
import { Avatar } from '../../inbox/components/Avatar';
import { STATUSES } from '../filters';
import { useEffectiveTicket } from '../store/ticketsStore';
import { PriorityChip } from './Chips';
import { SlaBadge } from './SlaBadge';

/** The drag payload's type: only cards of this app are dropped on columns. */
export const TICKET_DRAG_TYPE = 'application/x-atendo-ticket';

interface TicketCardProps {
  id: string;
  selected: boolean;
  onOpen: (id: string) => void;
  /** Opens the move menu (the alternative to dragging). */
  onMenu: (id: string) => void;
  /** Alt+←/→ on a focused card: the previous or next column. */
  onStep: (id: string, to: TicketStatus) => void;
  onDragStart: (id: string, from: TicketStatus) => void;
  onDragEnd: () => void;
}

/** One card of the board; subscribes to its own ticket so only changed cards re-render. */
export const TicketCard = memo(function TicketCard({ id, selected, onOpen, onMenu, onStep, onDragStart, onDragEnd }: TicketCardProps) {
  const { t } = useTranslation('tickets');
  const { ticket, moving } = useEffectiveTicket(id);
  if (!ticket) return null;

  function onKeyDown(event: KeyboardEvent) {
    if (!ticket || !event.altKey || (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft')) return;
    const index = STATUSES.indexOf(ticket.status) + (event.key === 'ArrowRight' ? 1 : -1);
    const to = STATUSES[index];
    event.preventDefault();
    if (to) onStep(id, to);
  }

  return (
    <li
      className={`atendo-tk-card${selected ? ' is-selected' : ''}${moving ? ' is-moving' : ''}`}
      draggable={!moving}
      onDragStart={(event) => {
        event.dataTransfer.setData(TICKET_DRAG_TYPE, id);
        event.dataTransfer.setData('text/plain', `#${ticket.number} ${ticket.subject}`);
        event.dataTransfer.effectAllowed = 'move';
        onDragStart(id, ticket.status);
      }}
      onDragEnd={onDragEnd}
      data-testid="ticket-card"
      data-ticket-id={id}
      data-status={ticket.status}
      aria-busy={moving ? true : undefined}
    >
      <button
        type="button"
        className="atendo-tk-card-open"
        onClick={() => onOpen(id)}
        onKeyDown={onKeyDown}
        aria-current={selected ? 'true' : undefined}
        aria-describedby="atendo-tk-board-keys"
      >
        <span className="atendo-tk-card-top">
          <span className="atendo-tk-number">#{ticket.number}</span>
          <PriorityChip priority={ticket.priority} />
          <SlaBadge ticket={ticket} />
        </span>
        <span className="atendo-tk-card-subject" data-testid="ticket-subject">
          {ticket.subject}
        </span>
        <span className="atendo-tk-card-meta">
          <span className="atendo-tk-card-requester">{ticket.requester?.name ?? ''}</span>
          {ticket.assignee ? (
            <Avatar
              id={ticket.assignee.id}
              name={ticket.assignee.display_name}
              size="small"
              title={t('fields.assignedTo', { name: ticket.assignee.display_name })}
            />
          ) : (
            <span className="atendo-tk-unassigned" title={t('fields.unassigned')} />
          )}
        </span>
      </button>
      <button
        type="button"
        className="atendo-tk-card-move"
        onClick={() => onMenu(id)}
        disabled={Boolean(moving)}
        aria-label={t('move.button', { number: ticket.number })}
        title={t('move.button', { number: ticket.number })}
        data-testid="ticket-move"
      >
        <IonIcon icon={swapHorizontalOutline} aria-hidden="true" />
      </button>
    </li>
  );
});

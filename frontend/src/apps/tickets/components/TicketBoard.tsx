import { IonButton, IonSpinner, IonText } from '@ionic/react';
import { useCallback, useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket, TicketStatus } from '../../../shared/api/types';
import { describeError } from '../../../shared/i18n/errors';
import { STATUSES, canMove } from '../filters';
import { useTicketsStore } from '../store/ticketsStore';
import { StatusChip } from './Chips';
import { MoveSheet } from './MoveSheet';
import { TICKET_DRAG_TYPE, TicketCard } from './TicketCard';
import { useMoveTicket } from './useMoveTicket';

interface TicketBoardProps {
  selectedId: string | null;
  onOpen: (id: string) => void;
}

interface Dragging {
  id: string;
  from: TicketStatus;
  /** The ticket's `allowed_statuses` when the drag started. */
  allowed_statuses: Ticket['allowed_statuses'];
}

/**
 * The kanban: one column per status. A card dragged to another column moves at once and the
 * server is asked; a refused move goes back and the page explains why. The move menu on each
 * card and Alt+←/→ do the same without a pointer.
 */
export function TicketBoard({ selectedId, onOpen }: TicketBoardProps) {
  const { t } = useTranslation('tickets');
  const root = useRef<HTMLDivElement>(null);
  const [dragging, setDragging] = useState<Dragging | null>(null);
  const [over, setOver] = useState<TicketStatus | null>(null);
  const [menuFor, setMenuFor] = useState<string | null>(null);
  const menuTicket = useTicketsStore((s) => (menuFor ? s.byId[menuFor] : undefined));
  const { move, announcement } = useMoveTicket();

  const moveAndKeepFocus = useCallback(
    async (id: string, to: TicketStatus) => {
      await move(id, to);
      // The card now lives in another column (a new element): give it the focus back.
      requestAnimationFrame(() => {
        const cards = root.current?.querySelectorAll<HTMLElement>('[data-ticket-id]') ?? [];
        const card = [...cards].find((el) => el.dataset.ticketId === id);
        card?.querySelector<HTMLButtonElement>('.atendo-tk-card-open')?.focus();
      });
    },
    [move],
  );
  const onStep = useCallback((id: string, to: TicketStatus) => void moveAndKeepFocus(id, to), [moveAndKeepFocus]);
  const onDragStart = useCallback(
    (id: string, from: TicketStatus) => setDragging({ id, from, allowed_statuses: useTicketsStore.getState().byId[id]?.allowed_statuses ?? null }),
    [],
  );
  const counts = useTicketsStore((s) => s.counts);
  const onDragEnd = useCallback(() => {
    setDragging(null);
    setOver(null);
  }, []);

  function dropProps(status: TicketStatus) {
    return {
      onDragOver: (event: DragEvent) => {
        if (!dragging && !event.dataTransfer.types.includes(TICKET_DRAG_TYPE)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'move';
        if (over !== status) setOver(status);
      },
      onDragLeave: (event: DragEvent) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver((o) => (o === status ? null : o));
      },
      onDrop: (event: DragEvent) => {
        event.preventDefault();
        const id = event.dataTransfer.getData(TICKET_DRAG_TYPE) || dragging?.id;
        setDragging(null);
        setOver(null);
        if (id) void move(id, status);
      },
    };
  }

  return (
    <div className="atendo-tk-board" ref={root} data-testid="ticket-board" aria-label={t('board.label')}>
      <p id="atendo-tk-board-keys" className="atendo-sr-only">
        {t('board.keyboardHint')}
      </p>
      <div className="atendo-sr-only" aria-live="polite" data-testid="board-announcement">
        {announcement}
      </div>
      {STATUSES.map((status) => {
        const blocked = dragging !== null && dragging.from !== status && !canMove(dragging, status);
        return (
          <section
            key={status}
            className={`atendo-tk-column${over === status ? ' is-over' : ''}${blocked ? ' is-blocked' : ''}`}
            data-testid="board-column"
            data-status={status}
            aria-labelledby={`atendo-tk-column-${status}`}
            {...dropProps(status)}
          >
            <BoardColumn
              status={status}
              total={counts?.[status] ?? null}
              blocked={blocked}
              selectedId={selectedId}
              onOpen={onOpen}
              onMenu={setMenuFor}
              onStep={onStep}
              onDragStart={onDragStart}
              onDragEnd={onDragEnd}
            />
          </section>
        );
      })}
      <MoveSheet
        ticket={menuTicket ?? null}
        onClose={() => setMenuFor(null)}
        onMove={(to) => {
          const id = menuFor;
          setMenuFor(null);
          if (id) void moveAndKeepFocus(id, to);
        }}
      />
    </div>
  );
}

interface BoardColumnProps {
  status: TicketStatus;
  /** Tickets in this column for the member's scope and filters (the server's count); null: unknown. */
  total: number | null;
  blocked: boolean;
  selectedId: string | null;
  onOpen: (id: string) => void;
  onMenu: (id: string) => void;
  onStep: (id: string, to: TicketStatus) => void;
  onDragStart: (id: string, from: TicketStatus) => void;
  onDragEnd: () => void;
}

function BoardColumn({ status, total, blocked, selectedId, onOpen, onMenu, onStep, onDragStart, onDragEnd }: BoardColumnProps) {
  const { t } = useTranslation('tickets');
  const collection = useTicketsStore((s) => s.collections[status]);
  const loadMore = useTicketsStore((s) => s.loadMore);
  const reload = useTicketsStore((s) => s.load);
  const count = collection.order.length;
  return (
    <>
      <header className="atendo-tk-column-head">
        <h2 id={`atendo-tk-column-${status}`}>
          <StatusChip status={status} />
        </h2>
        <span className="atendo-tk-count" data-testid="column-count">
          {total !== null ? total : collection.status === 'ready' ? (collection.nextCursor ? t('board.countMore', { count }) : count) : ''}
        </span>
      </header>
      {blocked && (
        <p className="atendo-tk-column-blocked" data-testid="column-blocked">
          {t('board.blocked')}
        </p>
      )}
      {collection.status === 'loading' || collection.status === 'idle' ? (
        <div className="atendo-tk-column-state">
          <IonSpinner name="dots" aria-label={t('list.loading')} />
        </div>
      ) : collection.status === 'error' ? (
        <div className="atendo-tk-column-state" role="alert">
          <IonText color="danger">
            <p>{describeError(t, collection.error)}</p>
          </IonText>
          <IonButton size="small" fill="outline" onClick={() => void reload()}>
            {t('list.retry')}
          </IonButton>
        </div>
      ) : (
        <ul className="atendo-tk-cards" aria-labelledby={`atendo-tk-column-${status}`}>
          {collection.order.map((id) => (
            <TicketCard
              key={id}
              id={id}
              selected={id === selectedId}
              onOpen={onOpen}
              onMenu={onMenu}
              onStep={onStep}
              onDragStart={onDragStart}
              onDragEnd={onDragEnd}
            />
          ))}
          {count === 0 && <li className="atendo-tk-column-empty">{t('board.empty')}</li>}
        </ul>
      )}
      {collection.nextCursor && collection.status === 'ready' && (
        <IonButton
          size="small"
          fill="clear"
          expand="block"
          disabled={collection.loadingMore}
          onClick={() => void loadMore(status)}
          data-testid="column-load-more"
        >
          {collection.loadingMore ? <IonSpinner name="dots" aria-label={t('list.loadingMore')} /> : t('list.loadMore')}
        </IonButton>
      )}
    </>
  );
}

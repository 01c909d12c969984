import { IonActionSheet } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { Ticket, TicketStatus } from '../../../shared/api/types';
import { STATUSES, canMove } from '../filters';

interface MoveSheetProps {
  /** The ticket to move; null keeps the sheet closed. */
  ticket: Pick<Ticket, 'number' | 'status' | 'allowed_statuses'> | null;
  onMove: (to: TicketStatus) => void;
  onClose: () => void;
}

/**
 * The keyboard and touch alternative to dragging a card: every other status, the ones the server
 * says the member cannot move it to now shown disabled with the reason.
 */
export function MoveSheet({ ticket, onMove, onClose }: MoveSheetProps) {
  const { t } = useTranslation('tickets');
  const from = ticket?.status ?? 'new';
  return (
    <IonActionSheet
      isOpen={ticket !== null}
      onDidDismiss={onClose}
      header={ticket ? t('move.title', { number: ticket.number }) : undefined}
      subHeader={ticket ? t('move.current', { status: t(`status.${from}`) }) : undefined}
      data-testid="move-sheet"
      buttons={[
        ...STATUSES.filter((status) => status !== from).map((status) => {
          const allowed = ticket ? canMove(ticket, status) : false;
          return {
            text: allowed ? t(`status.${status}`) : t('move.notAllowed', { status: t(`status.${status}`), from: t(`status.${from}`) }),
            disabled: !allowed,
            htmlAttributes: { 'data-testid': `move-to-${status}` },
            handler: () => onMove(status),
          };
        }),
        { text: t('actions.cancel'), role: 'cancel' },
      ]}
    />
  );
}

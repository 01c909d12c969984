import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Ticket, TicketStatus } from '../../../shared/api/types';
import { useTicketDetailStore } from '../store/detailStore';
import { useTicketsStore } from '../store/ticketsStore';

/**
 * Status changes from the board, the list and the detail: optimistic in the list/board store,
 * the server's answer into the detail store too, and a sentence for screen readers.
 */
export function useMoveTicket() {
  const { t } = useTranslation('tickets');
  const [announcement, setAnnouncement] = useState('');

  const move = useCallback(
    async (id: string, to: TicketStatus, known?: Ticket) => {
      const before = useTicketsStore.getState().byId[id] ?? known;
      // Already there, or a move of this ticket still waits for the server.
      if (!before || before.status === to || useTicketsStore.getState().pending[id]) return false;
      const updated = await useTicketsStore.getState().moveTicket(id, to, known);
      if (updated) {
        useTicketDetailStore.getState().applyTicket(updated);
        useTicketDetailStore.getState().scheduleRefresh(id, { sla: true, comments: true });
        setAnnouncement(t('move.done', { number: before.number, status: t(`status.${to}`) }));
        return true;
      }
      setAnnouncement(t('move.stayed', { number: before.number, status: t(`status.${before.status}`) }));
      return false;
    },
    [t],
  );

  return { move, announcement };
}

import { ApiError } from '../../shared/api';
import type { Ticket } from '../../shared/api/types';
import { realtime } from '../../shared/realtime';
import { fetchTicket } from './api';
import { useTicketDetailStore } from './store/detailStore';
import { useTicketsStore } from './store/ticketsStore';

function apply(ticket: Ticket) {
  useTicketsStore.getState().applyTicket(ticket);
  useTicketDetailStore.getState().applyTicket(ticket);
}

/**
 * `ticket.removed` goes to the boards of the units a ticket left, but a member may see it
 * through another unit (or the assignee group) and get that unit's `ticket.transferred` first:
 * ask the server whether the ticket is still ours before dropping the card.
 */
async function verify(id: string) {
  try {
    apply(await fetchTicket(id));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      useTicketsStore.getState().removeTicket(id);
      if (useTicketDetailStore.getState().threads[id]) useTicketDetailStore.getState().markGone(id);
    }
  }
}

/** The tickets app's event → handler map: board socket frames into the list/board and detail stores. */
export function bindTicketsRealtime(): () => void {
  const refresh = useTicketDetailStore.getState().scheduleRefresh;
  return realtime.on({
    'ticket.changed': ({ ticket, change }) => {
      apply(ticket);
      // Status changes and comments add to the thread (system notes); both may stop SLA clocks.
      if (change !== 'created') refresh(ticket.id, { sla: true, comments: change === 'status_changed' || change === 'commented' });
    },
    'ticket.transferred': ({ ticket }) => {
      apply(ticket);
      refresh(ticket.id, { detail: true, sla: true, comments: true });
    },
    'ticket.removed': ({ ticket_id: id }) => void verify(id),
    'sla.changed': ({ ticket }) => {
      apply(ticket);
      refresh(ticket.id, { sla: true });
    },
    'sla.warning': ({ ticket }) => {
      apply(ticket);
      refresh(ticket.id, { sla: true });
    },
    'sla.breached': ({ ticket }) => {
      apply(ticket);
      refresh(ticket.id, { sla: true });
    },
    'sla.alerted': ({ tickets }) => {
      useTicketsStore.getState().applyTickets(tickets);
      const detail = useTicketDetailStore.getState();
      for (const ticket of tickets) {
        detail.applyTicket(ticket);
        refresh(ticket.id, { sla: true }); // only tickets open in a detail are refetched
      }
    },
  });
}

import { api } from '../../shared/api';
import type {
  CursorPage,
  Ticket,
  TicketComment,
  TicketCounts,
  TicketCommentRequest,
  TicketCreateRequest,
  TicketDetail,
  TicketSla,
  TicketStatus,
  TicketTransferRequest,
} from '../../shared/api/types';
import { filtersToQuery, type TicketFilters } from './filters';

export const PAGE_SIZE = 50;
export const COMMENT_PAGE_SIZE = 100;

/**
 * A page of tickets, newest change first. `statuses` overrides the filters' status (a board
 * column asks for its own); `cursor` is the `next` URL of the previous page.
 */
export function fetchTickets(
  filters: TicketFilters,
  myMemberId: string | null,
  options: { statuses?: readonly TicketStatus[]; cursor?: string | null; pageSize?: number; signal?: AbortSignal } = {},
) {
  if (options.cursor) return api.get<CursorPage<Ticket>>(pathOf(options.cursor), { signal: options.signal });
  const params = filtersToQuery(filters, myMemberId, options.statuses);
  params.set('page_size', String(options.pageSize ?? PAGE_SIZE));
  return api.get<CursorPage<Ticket>>(`/api/v1/tickets?${params}`, { signal: options.signal });
}

/** Cursor URLs are absolute; the client always talks to its own origin (or the dev proxy). */
export function pathOf(url: string): string {
  try {
    const parsed = new URL(url, window.location.origin);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

/** Tickets per status in the member's scope with these filters (every status: the board's columns). */
export function fetchTicketCounts(filters: TicketFilters, myMemberId: string | null) {
  return api.get<TicketCounts>(`/api/v1/tickets/counts?${filtersToQuery(filters, myMemberId, [])}`);
}

export function fetchTicket(id: string) {
  return api.get<TicketDetail>(`/api/v1/tickets/${id}`);
}

export function fetchTicketSla(id: string) {
  return api.get<TicketSla>(`/api/v1/tickets/${id}/sla`);
}

export function fetchComments(id: string, cursor?: string | null) {
  if (cursor) return api.get<CursorPage<TicketComment>>(pathOf(cursor));
  return api.get<CursorPage<TicketComment>>(`/api/v1/tickets/${id}/comments?page_size=${COMMENT_PAGE_SIZE}`);
}

export function createTicket(request: TicketCreateRequest) {
  return api.post<TicketDetail>('/api/v1/tickets', request);
}

export function setTicketStatus(id: string, status: TicketStatus) {
  return api.patch<TicketDetail>(`/api/v1/tickets/${id}/status`, { status });
}

export function transferTicket(id: string, request: TicketTransferRequest) {
  return api.post<TicketDetail>(`/api/v1/tickets/${id}/transfer`, request);
}

export function addComment(id: string, request: TicketCommentRequest) {
  return api.post<TicketComment>(`/api/v1/tickets/${id}/comments`, request);
}

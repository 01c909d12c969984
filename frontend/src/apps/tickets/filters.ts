import type { Priority, Ticket, TicketSlaState, TicketStatus } from '../../shared/api/types';

/** Board columns, left to right: the ticket's life. */
export const STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'];
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['new', 'open', 'pending', 'on_hold'];
export const PRIORITIES: readonly Priority[] = ['urgent', 'high', 'normal', 'low'];
export const SLA_STATES: readonly Exclude<TicketSlaState, ''>[] = ['ok', 'warning', 'breached', 'paused', 'met'];

/**
 * Whether the server said the member may move the ticket to `to` (its `allowed_statuses`): the
 * board dims the other columns and the move menu marks them. Unknown (a live frame changed the
 * ticket since the API last answered for this member): no hint, the server decides and its
 * refusal is what the agent reads.
 */
export function canMove(ticket: Pick<Ticket, 'allowed_statuses'>, to: TicketStatus): boolean {
  return ticket.allowed_statuses === null || ticket.allowed_statuses.includes(to);
}

/**
 * Live frames go to many members at once, so they carry `allowed_statuses: null`. The API's
 * last answer for this member still holds while the ticket keeps its status and place.
 */
export function keepAllowedStatuses(incoming: Ticket, current: Ticket | undefined): Ticket {
  if (incoming.allowed_statuses !== null || !current || current.allowed_statuses === null) return incoming;
  const same =
    incoming.status === current.status &&
    incoming.department?.id === current.department?.id &&
    incoming.team?.id === current.team?.id &&
    incoming.assignee?.id === current.assignee?.id;
  return same ? { ...incoming, allowed_statuses: current.allowed_statuses } : incoming;
}

/** 'active': everything not solved or closed; 'all': no status filter (the list view only). */
export type StatusFilter = TicketStatus | 'active' | 'all';
/** '' anyone · 'me' the signed-in member · 'none' unassigned · else a member id. */
export type AssigneeFilter = string;

/** The tickets query, as GET /api/v1/tickets understands it ('' = no filter). */
export interface TicketFilters {
  status: StatusFilter;
  priority: Priority | '';
  department: string;
  team: string;
  assignee: AssigneeFilter;
  sla: TicketSlaState;
  q: string;
}

export const DEFAULT_FILTERS: TicketFilters = {
  status: 'active',
  priority: '',
  department: '',
  team: '',
  assignee: '',
  sla: '',
  q: '',
};

export function statusesOf(filter: StatusFilter): readonly TicketStatus[] {
  if (filter === 'all') return [];
  if (filter === 'active') return ACTIVE_STATUSES;
  return [filter];
}

function assigneeParam(filter: AssigneeFilter, myMemberId: string | null): string {
  if (filter === 'me') return myMemberId ?? '';
  return filter;
}

/** Query parameters; `statuses` (a board column) replaces the status filter. */
export function filtersToQuery(
  filters: TicketFilters,
  myMemberId: string | null,
  statuses: readonly TicketStatus[] = statusesOf(filters.status),
): URLSearchParams {
  const params = new URLSearchParams();
  if (statuses.length) params.set('status', statuses.join(','));
  if (filters.priority) params.set('priority', filters.priority);
  if (filters.department) params.set('department', filters.department);
  if (filters.team) params.set('team', filters.team);
  const assignee = assigneeParam(filters.assignee, myMemberId);
  if (assignee) params.set('assignee', assignee);
  if (filters.sla) params.set('sla_state', filters.sla);
  const q = filters.q.trim();
  if (q) params.set('q', q);
  return params;
}

/**
 * Whether a ticket pushed by the server belongs in a list with these filters (and statuses):
 * the same rules as the backend's selector, so live cards land where a reload would put them.
 */
export function matchesFilters(
  ticket: Ticket,
  filters: TicketFilters,
  myMemberId: string | null,
  statuses: readonly TicketStatus[] = statusesOf(filters.status),
): boolean {
  if (statuses.length && !statuses.includes(ticket.status)) return false;
  if (filters.priority && ticket.priority !== filters.priority) return false;
  if (filters.department && ticket.department?.id !== filters.department) return false;
  if (filters.team && ticket.team?.id !== filters.team) return false;
  const assignee = assigneeParam(filters.assignee, myMemberId);
  if (assignee === 'none' && ticket.assignee !== null) return false;
  if (assignee && assignee !== 'none' && ticket.assignee?.id !== assignee) return false;
  if (filters.sla && ticket.sla_state !== filters.sla) return false;
  const q = filters.q.trim().toLowerCase();
  if (q) {
    const number = q.replace(/^#/, '');
    const inText = [ticket.subject, ticket.description, ticket.requester?.name ?? ''].some((text) =>
      text.toLowerCase().includes(q),
    );
    if (!inText && !(/^\d+$/.test(number) && Number(number) === ticket.number)) return false;
  }
  return true;
}

/** Instants as numbers: the API may render offsets or omit zero microseconds, so strings do not sort. */
export function instant(iso: string | null | undefined): number {
  const value = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(value) ? 0 : value;
}

/** The API's order: most recently changed first, ties by id (descending). */
export function compareTickets(a: Ticket, b: Ticket): number {
  const byTime = instant(b.updated_at) - instant(a.updated_at);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

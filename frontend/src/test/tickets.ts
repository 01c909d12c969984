import type { SlaClock, Ticket, TicketComment, TicketDetail, TicketStatus } from '../shared/api/types';

let sequence = 0;

/** What the API answers in `allowed_statuses` to an agent who may manage the ticket. */
export const AGENT_MOVES: Record<TicketStatus, TicketStatus[]> = {
  new: ['open', 'pending', 'on_hold', 'solved'],
  open: ['pending', 'on_hold', 'solved'],
  pending: ['open', 'on_hold', 'solved'],
  on_hold: ['open', 'pending', 'solved'],
  solved: ['open', 'closed'],
  closed: [],
};

/** A ticket as the list, the board socket and the status endpoint render it. */
export function makeTicket(overrides: Partial<Ticket> = {}): Ticket {
  sequence += 1;
  return {
    id: overrides.id ?? `t-${sequence}`,
    number: sequence,
    subject: `Ticket ${sequence}`,
    description: '',
    status: 'new',
    priority: 'normal',
    department: null,
    team: null,
    assignee: null,
    requester: { id: 'contact-1', name: 'Maria Souza' },
    conversation_id: null,
    tags: [],
    custom_fields: {},
    sla_state: '',
    next_due_at: null,
    first_responded_at: null,
    solved_at: null,
    created_at: '2026-01-01T09:00:00Z',
    updated_at: '2026-01-01T10:00:00Z',
    allowed_statuses: AGENT_MOVES[overrides.status ?? 'new'],
    ...overrides,
  };
}

export function makeTicketDetail(overrides: Partial<TicketDetail> = {}): TicketDetail {
  return { ...makeTicket(overrides), assignments: [], ...overrides };
}

export function makeClock(overrides: Partial<SlaClock> = {}): SlaClock {
  return {
    target: 'first_response',
    state: 'running',
    target_seconds: 3600,
    consumed_seconds: 0,
    running_since: '2026-01-01T10:00:00Z',
    due_at: '2026-01-01T11:00:00Z',
    warning_at: '2026-01-01T10:48:00Z',
    warned: false,
    breached: false,
    remaining_seconds: 3600,
    ...overrides,
  };
}

export function makeComment(overrides: Partial<TicketComment> = {}): TicketComment {
  sequence += 1;
  return {
    id: `tc-${sequence}`,
    author: { id: 'member-1', display_name: 'Ana' },
    by_requester: false,
    internal: false,
    system: false,
    body: `Comment ${sequence}`,
    created_at: '2026-01-01T10:00:00Z',
    ...overrides,
  };
}

export const page = <T,>(results: T[], next: string | null = null) => ({ next, previous: null, results });

import type { Conversation, EffectivePermissions, Message, Tenant } from '../shared/api/types';

/** A membership's workspace (name it where it matters: `{ ...TENANT, name: 'Demo' }`). */
export const TENANT = { id: 't-1', slug: 'demo', timezone: 'America/Sao_Paulo', locale: 'pt-BR' } satisfies Omit<Tenant, 'name'>;

/** What `/users/me` says a built-in agent may do, tenant-wide. */
export const AGENT_PERMISSIONS: EffectivePermissions = {
  tenant_wide: [
    'tenant.view',
    'member.view',
    'contact.view',
    'contact.edit',
    'conversation.view',
    'conversation.reply',
    'conversation.assign',
    'ticket.view',
    'ticket.manage',
  ],
  scoped: [],
};

let sequence = 0;
function nextId(prefix: string): string {
  sequence += 1;
  return `${prefix}-${sequence}`;
}

export function makeConversation(overrides: Partial<Conversation> = {}): Conversation {
  const id = overrides.id ?? nextId('c');
  return {
    id,
    status: 'open',
    priority: 'normal',
    contact: { id: `contact-${id}`, name: `Contact ${id}`, avatar_url: '' },
    assignee: null,
    account: { id: 'acc-1', kind: 'webchat', name: 'Site' },
    department_id: null,
    team_id: null,
    tags: [],
    last_message_preview: 'hello',
    last_message_at: '2026-01-01T10:00:00Z',
    last_activity_at: '2026-01-01T10:00:00Z',
    unread_count: 0,
    snoozed_until: null,
    resolved_at: null,
    sla_state: '',
    sla_due_at: null,
    created_at: '2026-01-01T09:00:00Z',
    updated_at: '2026-01-01T10:00:00Z',
    ...overrides,
  };
}

export function makeMessage(overrides: Partial<Message> = {}): Message {
  return {
    id: overrides.id ?? nextId('m'),
    conversation_id: 'c-1',
    client_id: null,
    direction: 'in',
    kind: 'text',
    author: null,
    body: 'hi',
    delivery_status: null,
    error_code: '',
    error_message: '',
    metadata: {},
    attachments: [],
    created_at: '2026-01-01T10:00:00Z',
    sent_at: null,
    delivered_at: null,
    read_at: null,
    ...overrides,
  };
}

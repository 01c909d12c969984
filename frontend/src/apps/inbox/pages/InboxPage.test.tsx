import { setupIonicReact } from '@ionic/react';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { User } from '../../../shared/api/types';
import { useAuthStore } from '../../../shared/auth/store';
import { HttpError, fakeApi } from '../../../test/fakeApi';
import { FakeWebSocket } from '../../../test/fakeWebSocket';
import { AGENT_PERMISSIONS, TENANT, makeConversation, makeMessage } from '../../../test/factories';
import { setupTestI18n } from '../../../test/i18n';
import { useConversationListStore } from '../store/listStore';
import { useThreadStore } from '../store/threadStore';
import InboxPage from './InboxPage';

setupIonicReact();

const ME = 'member-1';
const user: User = {
  id: 'u-1',
  email: 'agent@demo.test',
  name: 'Ana Agent',
  preferred_language: 'en',
  memberships: [{ id: ME, tenant: { ...TENANT, name: 'Demo' }, display_name: 'Ana', status: 'active', roles: [], permissions: AGENT_PERMISSIONS }],
};
// A JWT whose only readable part is an expiry far in the future.
const ACCESS = `h.${btoa(JSON.stringify({ exp: 4_000_000_000 }))}.s`;
const empty = { next: null, previous: null, results: [] };

describe('InboxPage', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });
  beforeEach(() => {
    FakeWebSocket.reset();
    vi.stubGlobal('WebSocket', FakeWebSocket);
    useAuthStore.setState({ access: ACCESS, refresh: 'r', user, tenantSlug: TENANT.slug });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('shows the list, takes live conversations and messages from the sockets, opens a conversation', async () => {
    const first = makeConversation({ id: 'c-a', contact: { id: 'p-a', name: 'Maria', avatar_url: '' } });
    const api = fakeApi()
      .on('GET', /\/api\/v1\/config$/, () => ({ websocket_url: 'ws://rt.test', signup_enabled: false, languages: [] }))
      .on('GET', /\/api\/v1\/conversations$/, () => ({ ...empty, results: [first] }))
      .on('GET', /\/api\/v1\/(departments|teams|tenants\/demo\/members)$/, () => empty)
      .on('POST', /\/read$/, () => undefined);

    render(
      <MemoryRouter initialEntries={['/inbox']}>
        <InboxPage />
      </MemoryRouter>,
    );
    await screen.findByText('Maria');

    await waitFor(() => expect(FakeWebSocket.instances.length).toBe(1));
    const inbox = FakeWebSocket.last();
    expect(inbox.url).toBe('ws://rt.test/ws/demo/inbox');
    expect(inbox.protocols).toEqual(['bearer', ACCESS]);
    act(() => inbox.serverOpen());
    await waitFor(() => expect(api.calls.filter((c) => c.path.startsWith('/api/v1/conversations?')).length).toBe(2)); // resync

    const arriving = makeConversation({
      id: 'c-b',
      contact: { id: 'p-b', name: 'João', avatar_url: '' },
      last_activity_at: '2026-03-01T10:00:00Z',
      last_message_preview: 'Bom dia!',
      unread_count: 1,
    });
    act(() => inbox.serverSend({ event: 'conversation.updated', tenant_id: TENANT.id, change: 'created', conversation: arriving }));
    act(() => inbox.serverSend({ event: 'conversation.updated', tenant_id: 'other-tenant', change: 'created', conversation: makeConversation({ id: 'x', contact: { id: 'p', name: 'Intruso', avatar_url: '' } }) }));
    const rows = await screen.findAllByTestId('conversation-row');
    expect(rows.map((r) => r.dataset.conversationId)).toEqual(['c-b', 'c-a']);
    expect(screen.queryByText('Intruso')).toBeNull();

    api.on('GET', /\/api\/v1\/conversations\/c-b$/, () => ({
      ...arriving,
      messages: { results: [makeMessage({ id: 'm-1', conversation_id: 'c-b', body: 'Bom dia!' })], has_more: false },
    }));
    fireEvent.click(screen.getByText('João'));
    await screen.findByTestId('conversation-pane');
    expect(screen.getByText('Bom dia!', { selector: '[data-testid="message-text"]' })).toBeTruthy();

    await waitFor(() => expect(FakeWebSocket.instances.some((ws) => ws.url.endsWith('/ws/demo/conversations/c-b'))).toBe(true));
    const room = FakeWebSocket.instances.find((ws) => ws.url.endsWith('/conversations/c-b'))!;
    act(() => room.serverOpen());
    const frame = { event: 'message.created', tenant_id: TENANT.id, conversation_id: 'c-b', message: makeMessage({ id: 'm-2', conversation_id: 'c-b', body: 'Tem alguém aí?', created_at: '2026-03-01T10:01:00Z' }) };
    act(() => {
      room.serverSend(frame);
      inbox.serverSend(frame); // the same frame on both streams is applied once
    });
    expect(await screen.findAllByText('Tem alguém aí?')).toHaveLength(1);
    await waitFor(() => expect(api.calls.some((c) => c.method === 'POST' && c.path === '/api/v1/conversations/c-b/read')).toBe(true));
  });

  it('drops a conversation that left my streams only when the API says I can no longer see it', async () => {
    useConversationListStore.getState().reset();
    useThreadStore.getState().reset();
    const kept = makeConversation({ id: 'c-k', contact: { id: 'p-k', name: 'Kept', avatar_url: '' } });
    const gone = makeConversation({ id: 'c-g', contact: { id: 'p-g', name: 'Gone', avatar_url: '' } });
    const api = fakeApi()
      .on('GET', /\/api\/v1\/config$/, () => ({ websocket_url: 'ws://rt.test', signup_enabled: false, languages: [] }))
      .on('GET', /\/api\/v1\/conversations$/, () => ({ ...empty, results: [kept, gone] }))
      .on('GET', /\/api\/v1\/(departments|teams|tenants\/demo\/members)$/, () => empty)
      .on('GET', /\/api\/v1\/conversations\/c-k$/, () => ({ ...kept, messages: { results: [], has_more: false } }))
      .on('GET', /\/api\/v1\/conversations\/c-g$/, () => {
        throw new HttpError(404, { code: 'not_found', message: 'Not found.' });
      });
    render(
      <MemoryRouter initialEntries={['/inbox']}>
        <InboxPage />
      </MemoryRouter>,
    );
    await screen.findByText('Gone');
    await waitFor(() => expect(FakeWebSocket.instances.length).toBe(1));
    const inbox = FakeWebSocket.last();
    act(() => inbox.serverOpen());
    await waitFor(() => expect(api.calls.filter((c) => c.path.startsWith('/api/v1/conversations?')).length).toBe(2)); // resync
    act(() => {
      inbox.serverSend({ event: 'conversation.removed', tenant_id: TENANT.id, conversation_id: 'c-k' });
      inbox.serverSend({ event: 'conversation.removed', tenant_id: TENANT.id, conversation_id: 'c-g' });
    });
    await waitFor(() => expect(screen.queryByText('Gone')).toBeNull());
    expect(screen.getByText('Kept')).toBeTruthy();
    expect(api.calls.some((c) => c.path.startsWith('/api/v1/conversations/c-k'))).toBe(true);
  });
});

import { setupIonicReact } from '@ionic/react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Contact, Conversation } from '../../../shared/api/types';
import { HttpError, fakeApi } from '../../../test/fakeApi';
import { makeConversation } from '../../../test/factories';
import { setupTestI18n } from '../../../test/i18n';
import { useConversationListStore } from '../store/listStore';
import ContactPanel from './ContactPanel';
import { attributeProblem, attributesFromRows } from './ContactDetails';
import { useContactStore } from './contactStore';

setupIonicReact();

function makeContact(overrides: Partial<Contact> = {}): Contact {
  return {
    id: 'p-1',
    name: 'Maria Souza',
    avatar_url: '',
    language: 'pt-BR',
    custom_attributes: { plano: 'ouro', pedidos: 3 },
    tags: ['vip'],
    blocked: false,
    identities: [
      { id: 'i-wa', kind: 'whatsapp', value: '+5511987654321' },
      { id: 'i-mail', kind: 'email', value: 'maria@example.test' },
    ],
    created_at: '2025-05-01T12:00:00Z',
    updated_at: '2026-01-01T10:00:00Z',
    ...overrides,
  };
}

const current = makeConversation({ id: 'c-now', contact: { id: 'p-1', name: 'Maria Souza', avatar_url: '' }, last_message_preview: 'Oi de novo' });
const past = makeConversation({
  id: 'c-old',
  status: 'resolved',
  contact: { id: 'p-1', name: 'Maria Souza', avatar_url: '' },
  account: { id: 'acc-wa', kind: 'whatsapp', name: 'WhatsApp Vendas' },
  last_message_preview: 'Pedido entregue, obrigado!',
  last_activity_at: '2025-12-01T10:00:00Z',
});

function page(results: Conversation[], next: string | null = null) {
  return { next, previous: null, results };
}

function serve(contact: Contact = makeContact(), conversations: Conversation[] = [current, past]) {
  return fakeApi()
    .on('GET', /\/api\/v1\/contacts\/p-1$/, () => contact)
    .on('GET', /\/api\/v1\/conversations$/, () => page(conversations));
}

function renderPanel(onOpenConversation = vi.fn()) {
  const onClose = vi.fn();
  render(<ContactPanel contactId="p-1" conversationId="c-now" onClose={onClose} onOpenConversation={onOpenConversation} />);
  return { onClose, onOpenConversation };
}

describe('ContactPanel', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });
  beforeEach(() => useContactStore.getState().reset());
  afterEach(() => vi.unstubAllGlobals());

  it('shows identities, details and every conversation of the contact, asking for all statuses', async () => {
    const api = serve();
    const { onOpenConversation } = renderPanel();
    expect(await screen.findByTestId('contact-name')).toHaveProperty('textContent', 'Maria Souza');
    const identities = screen.getAllByTestId('contact-identity');
    expect(identities.map((row) => [row.dataset.kind, within(row).getByTestId('contact-identity-value').textContent])).toEqual([
      ['whatsapp', '+5511987654321'],
      ['email', 'maria@example.test'],
    ]);
    // The channel's own identity is read-only; the e-mail an agent keeps can be edited.
    expect(within(identities[0]!).queryByTestId('contact-identity-edit')).toBeNull();
    expect(within(identities[1]!).getByTestId('contact-identity-edit')).toBeTruthy();
    expect(screen.getByTestId('contact-attributes').textContent).toContain('ouro');
    expect(screen.getByTestId('contact-tags').textContent).toBe('vip');

    const rows = await screen.findAllByTestId('contact-conversation');
    expect(rows.map((row) => row.dataset.conversationId)).toEqual(['c-now', 'c-old']);
    expect(rows[0]!.getAttribute('aria-current')).toBe('true');
    expect(rows[1]!.textContent).toContain('Pedido entregue, obrigado!');
    expect(rows[1]!.textContent).toContain('Resolved');
    fireEvent.click(rows[1]!);
    expect(onOpenConversation).toHaveBeenCalledWith('c-old');
    const listCall = api.calls.find((c) => c.path.startsWith('/api/v1/conversations?'));
    expect(new URLSearchParams(listCall!.path.split('?')[1]).get('contact')).toBe('p-1');
    expect(new URLSearchParams(listCall!.path.split('?')[1]).get('status')).toBe('all');
  });

  it('shows a conversation as the inbox has it now when that copy is newer', async () => {
    serve();
    useConversationListStore.setState({
      status: 'ready',
      byId: { 'c-now': { ...current, status: 'resolved', updated_at: '2026-02-01T00:00:00Z', last_message_preview: 'Resolvido' } },
      order: ['c-now'],
    });
    renderPanel();
    const row = (await screen.findAllByTestId('contact-conversation'))[0]!;
    expect(row.dataset.status).toBe('resolved');
    expect(row.textContent).toContain('Resolvido');
    useConversationListStore.getState().reset();
  });

  it('adds a phone number and shows the server refusal of a taken address', async () => {
    const api = serve()
      .on('POST', /\/api\/v1\/contacts\/p-1\/identities$/, ({ body }) => {
        const { kind, value } = body as { kind: string; value: string };
        if (kind === 'email') {
          throw new HttpError(409, { code: 'identity_taken', message: 'taken', fields: { value: ['Already used by another contact.'] } });
        }
        return makeContact({
          identities: [...makeContact().identities, { id: 'i-phone', kind: 'phone', value: value === '(21) 99999-1234' ? '+5521999991234' : value }],
        });
      });
    renderPanel();
    fireEvent.click(await screen.findByTestId('contact-add-phone'));
    fireEvent.change(screen.getByTestId('contact-identity-input'), { target: { value: '(21) 99999-1234' } });
    fireEvent.submit(screen.getByTestId('contact-identity-form'));
    await waitFor(() => expect(screen.getAllByTestId('contact-identity')).toHaveLength(3));
    expect(screen.getAllByTestId('contact-identity-value').map((v) => v.textContent)).toContain('+5521999991234');
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ kind: 'phone', value: '(21) 99999-1234' });

    fireEvent.click(await screen.findByTestId('contact-add-email'));
    fireEvent.change(screen.getByTestId('contact-identity-input'), { target: { value: 'joao@example.test' } });
    fireEvent.submit(screen.getByTestId('contact-identity-form'));
    expect((await screen.findByTestId('contact-identity-error')).textContent).toBe('Already used by another contact.');
    expect(screen.getAllByTestId('contact-identity')).toHaveLength(3);
  });

  it('removes an e-mail after confirming', async () => {
    const api = serve().on('DELETE', /\/identities\/i-mail$/, () => undefined);
    renderPanel();
    const email = (await screen.findAllByTestId('contact-identity'))[1]!;
    fireEvent.click(within(email).getByTestId('contact-identity-remove'));
    expect(api.calls.some((c) => c.method === 'DELETE')).toBe(false);
    fireEvent.click(within(email).getByTestId('contact-identity-remove-confirm'));
    await waitFor(() => expect(screen.getAllByTestId('contact-identity')).toHaveLength(1));
    expect(api.calls.find((c) => c.method === 'DELETE')?.path).toBe('/api/v1/contacts/p-1/identities/i-mail');
  });

  it('saves name, tags and attributes at once, keeping unchanged values typed, and renames the inbox rows', async () => {
    const api = serve().on('PATCH', /\/api\/v1\/contacts\/p-1$/, ({ body }) => ({
      ...makeContact(),
      ...(body as Partial<Contact>),
      updated_at: '2026-01-02T00:00:00Z',
    }));
    useConversationListStore.setState({ status: 'ready', byId: { 'c-now': current }, order: ['c-now'] });
    renderPanel();
    fireEvent.click(await screen.findByTestId('contact-edit'));
    fireEvent.change(screen.getByTestId('contact-name-input'), { target: { value: 'Maria S. Oliveira' } });
    fireEvent.change(screen.getByTestId('contact-tag-input'), { target: { value: 'atacado' } });
    fireEvent.keyDown(screen.getByTestId('contact-tag-input'), { key: 'Enter' });
    fireEvent.click(screen.getByTestId('contact-attribute-add'));
    const names = screen.getAllByTestId('contact-attribute-name');
    const values = screen.getAllByTestId('contact-attribute-value');
    fireEvent.change(names[2]!, { target: { value: 'cidade' } });
    fireEvent.change(values[2]!, { target: { value: 'Recife' } });
    fireEvent.submit(screen.getByTestId('contact-form'));
    await waitFor(() => expect(screen.queryByTestId('contact-form')).toBeNull());
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({
      name: 'Maria S. Oliveira',
      language: 'pt-BR',
      tags: ['vip', 'atacado'],
      custom_attributes: { plano: 'ouro', pedidos: 3, cidade: 'Recife' },
    });
    expect(screen.getByTestId('contact-name').textContent).toBe('Maria S. Oliveira');
    expect(useConversationListStore.getState().byId['c-now']?.contact.name).toBe('Maria S. Oliveira');
    useConversationListStore.getState().reset();
  });

  it('refuses duplicate attribute names before asking the server', async () => {
    const api = serve();
    renderPanel();
    fireEvent.click(await screen.findByTestId('contact-edit'));
    fireEvent.change(screen.getAllByTestId('contact-attribute-name')[1]!, { target: { value: 'plano' } });
    expect(screen.getByText('Two attributes have the same name.')).toBeTruthy();
    expect((screen.getByTestId('contact-save') as HTMLIonButtonElement).disabled).toBe(true);
    expect(api.calls.some((c) => c.method === 'PATCH')).toBe(false);
  });

  it('fetches the contact again each time it opens (edits elsewhere are not pushed live)', async () => {
    const api = serve();
    const first = render(<ContactPanel contactId="p-1" conversationId="c-now" onClose={vi.fn()} onOpenConversation={vi.fn()} />);
    await screen.findByTestId('contact-name');
    first.unmount();
    api.on('GET', /\/api\/v1\/contacts\/p-1$/, () => makeContact({ name: 'Maria Renomeada', updated_at: '2026-03-01T00:00:00Z' }));
    renderPanel();
    // What was known shows at once, then the fresh answer replaces it.
    expect(screen.getByTestId('contact-name').textContent).toBe('Maria Souza');
    await waitFor(() => expect(screen.getByTestId('contact-name').textContent).toBe('Maria Renomeada'));
    expect(api.calls.filter((c) => c.path === '/api/v1/contacts/p-1')).toHaveLength(2);
  });

  it('says why the contact cannot be shown and retries', async () => {
    const api = fakeApi()
      .on('GET', /\/api\/v1\/contacts\/p-1$/, () => {
        throw new HttpError(404, { code: 'not_found', message: 'Not found.', fields: {} });
      })
      .on('GET', /\/api\/v1\/conversations$/, () => page([]));
    renderPanel();
    expect((await screen.findByRole('alert')).textContent).toContain('Try again');
    api.on('GET', /\/api\/v1\/contacts\/p-1$/, () => makeContact());
    fireEvent.click(screen.getByText('Try again'));
    expect((await screen.findByTestId('contact-name')).textContent).toBe('Maria Souza');
  });
});

describe('attribute rows', () => {
  it('keep numbers and yes/no unless their text changes, and drop unnamed rows', () => {
    expect(
      attributesFromRows([
        { name: 'pedidos', value: '3', original: 3 },
        { name: 'vip', value: 'true', original: true },
        { name: 'ticket', value: '150', original: 129.9 },
        { name: ' cidade ', value: 'Recife', original: undefined },
        { name: '  ', value: 'lost', original: undefined },
      ]),
    ).toEqual({ pedidos: 3, vip: true, ticket: '150', cidade: 'Recife' });
  });

  it('flag duplicates and the server limits', () => {
    expect(attributeProblem([{ name: 'a', value: '' }, { name: 'a ', value: '' }])).toBe('duplicate');
    expect(attributeProblem([{ name: 'x'.repeat(65), value: '' }])).toBe('nameTooLong');
    expect(attributeProblem([{ name: 'a', value: 'v'.repeat(1001) }])).toBe('valueTooLong');
    expect(attributeProblem(Array.from({ length: 51 }, (_, i) => ({ name: `k${i}`, value: '' })))).toBe('tooMany');
    expect(attributeProblem([{ name: 'a', value: 'b' }])).toBeNull();
  });
});

import { setupIonicReact } from '@ionic/react';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QuickReply } from '../../../shared/api/types';
import { useAuthStore } from '../../../shared/auth/store';
import { useQuickReplyStore } from '../../../shared/quickReplies/store';
import { makeQuickReply } from '../../../shared/quickReplies/testing';
import { HttpError, fakeApi } from '../../../test/fakeApi';
import { TENANT, makeConversation } from '../../../test/factories';
import { setupTestI18n } from '../../../test/i18n';
import { userWith } from '../../../test/settings';
import { useThreadStore } from '../store/threadStore';
import { Composer } from './Composer';

setupIonicReact();

const REPLIES = [
  makeQuickReply({ shortcut: 'ola', title: 'Saudação', body: 'Olá, {{contact.first_name}}! Aqui é {{agent.first_name}}. {{pedido.numero}}' }),
  makeQuickReply({ shortcut: 'horario', title: 'Horário de atendimento', body: 'Das 8h às 18h.' }),
  makeQuickReply({ shortcut: 'obrigado', title: 'Agradecimento', body: 'Obrigado pelo contato!', use_count: 5 }),
  makeQuickReply({ shortcut: 'meu', title: 'Minha assinatura', body: '— {{agent.name}}', personal: true }),
];

function serve(replies: QuickReply[] = REPLIES, next: string | null = null) {
  return fakeApi()
    .on('GET', /\/quick-replies$/, ({ url }) => {
      const q = url.searchParams.get('q');
      return { next, previous: null, results: q ? replies.filter((r) => r.shortcut.includes(q)) : replies };
    })
    .on('POST', /\/quick-replies\/[^/]+\/use$/, () => undefined);
}

function setup() {
  const onSend = vi.fn();
  render(<Composer tenant="demo" conversationId="c-1" onSend={onSend} />);
  const input = screen.getByTestId('composer-input') as HTMLTextAreaElement;
  input.focus();
  const type = (text: string) => fireEvent.change(input, { target: { value: text } });
  const key = (name: string, extra: Record<string, unknown> = {}) => fireEvent.keyDown(input, { key: name, ...extra });
  const options = () => screen.queryAllByTestId('quick-reply-option').map((o) => o.dataset.shortcut);
  return { onSend, input, type, key, options };
}

beforeAll(async () => {
  await setupTestI18n('en');
});

beforeEach(() => {
  useQuickReplyStore.getState().reset();
  useAuthStore.setState({ access: 'a', refresh: 'r', user: userWith([{ slug: 'agent' }]), tenantSlug: TENANT.slug });
  const me = useAuthStore.getState().user!;
  me.memberships[0]!.display_name = 'Arthur Agent';
  useThreadStore.setState({
    threads: {
      'c-1': {
        status: 'ready',
        error: null,
        conversation: makeConversation({ id: 'c-1', contact: { id: 'ct-1', name: 'Ana Paula', avatar_url: '' } }),
        messages: [],
        hasMore: false,
        loadingOlder: false,
        outbox: [],
        typing: {},
        viewers: {},
      },
    },
  });
});

describe('quick replies in the composer', () => {
  it('opens on a slash, narrows as the agent types, and inserts with Enter, placeholders filled in', async () => {
    const api = serve();
    const { onSend, input, type, key, options } = setup();
    type('/');
    await waitFor(() => expect(options()).toEqual(['obrigado', 'horario', 'meu', 'ola']));
    expect(screen.getByRole('listbox')).toBeTruthy();
    expect(screen.getByText('Personal')).toBeTruthy();
    type('/ol');
    expect(options()).toEqual(['ola']);
    key('Enter');
    expect(input.value).toBe('Olá, Ana! Aqui é Arthur. {{pedido.numero}}');
    expect(input.selectionStart).toBe(input.value.length);
    expect(onSend).not.toHaveBeenCalled(); // Enter inserted, it did not send
    expect(screen.queryByTestId('quick-replies')).toBeNull();
    await waitFor(() => expect(api.calls.some((c) => c.method === 'POST' && c.path.endsWith('/quick-replies/qr-ola/use'))).toBe(true));
    expect(useQuickReplyStore.getState().replies.find((r) => r.id === 'qr-ola')?.use_count).toBe(1);
    key('Enter'); // popover closed: Enter sends again
    expect(onSend).toHaveBeenCalledWith({ body: 'Olá, Ana! Aqui é Arthur. {{pedido.numero}}', private: false, files: [] });
    // One fetch for the session: typing another slash reuses the list.
    type('/');
    await waitFor(() => expect(options().length).toBe(4));
    expect(api.calls.filter((c) => c.method === 'GET').length).toBe(1);
  });

  it('walks the list with arrows (wrapping), points the textarea at the option, and Tab inserts mid-text', async () => {
    serve();
    const { input, type, key, options } = setup();
    type('Bom dia! /');
    await waitFor(() => expect(options().length).toBe(4));
    const listbox = screen.getByRole('listbox');
    expect(input.getAttribute('aria-controls')).toBe(listbox.id);
    const selected = () => screen.getAllByRole('option').findIndex((o) => o.getAttribute('aria-selected') === 'true');
    expect(selected()).toBe(0);
    key('ArrowDown');
    key('ArrowDown');
    expect(selected()).toBe(2);
    expect(input.getAttribute('aria-activedescendant')).toBe(screen.getAllByRole('option')[2]!.id);
    key('ArrowUp');
    key('ArrowUp');
    key('ArrowUp');
    expect(selected()).toBe(3); // wrapped to the last
    key('Tab');
    expect(input.value).toBe('Bom dia! Olá, Ana! Aqui é Arthur. {{pedido.numero}}');
  });

  it('closes on Esc until the next slash, and Enter then sends the text as typed', async () => {
    serve();
    const { onSend, type, key, options } = setup();
    type('/hor');
    await waitFor(() => expect(options()).toEqual(['horario']));
    key('Escape');
    expect(screen.queryByTestId('quick-replies')).toBeNull();
    type('/hora');
    expect(screen.queryByTestId('quick-replies')).toBeNull(); // same token: stays closed
    type('/hora /');
    expect(options().length).toBe(4); // another slash opens again
    type('/hora');
    expect(options()).toEqual(['horario']); // and the first one is no longer dismissed
    key('Escape');
    key('Enter');
    expect(onSend).toHaveBeenCalledWith({ body: '/hora', private: false, files: [] });
  });

  it('inserts on click without losing the textarea focus', async () => {
    serve();
    const { input, type, options } = setup();
    type('/');
    await waitFor(() => expect(options().length).toBe(4));
    const option = screen.getAllByTestId('quick-reply-option').find((o) => o.dataset.shortcut === 'meu')!;
    const mouseDown = fireEvent.mouseDown(option);
    expect(mouseDown).toBe(false); // default prevented: focus stays in the textarea
    fireEvent.click(option);
    expect(input.value).toBe('— Arthur Agent');
    expect(document.activeElement).toBe(input);
  });

  it('says how to create quick replies when there are none, and when nothing matches', async () => {
    serve([]);
    const { type, key, onSend } = setup();
    type('/');
    expect((await screen.findByTestId('quick-replies-empty')).textContent).toContain('There are no quick replies yet.');
    expect(screen.getByTestId('quick-replies-settings').getAttribute('href') ?? screen.getByTestId('quick-replies-settings').outerHTML).toContain('/settings/quick-replies');
    key('Enter'); // nothing to insert: Enter sends the slash as text
    expect(onSend).toHaveBeenCalledWith({ body: '/', private: false, files: [] });
  });

  it('shows no match for an unknown query and offers to manage replies', async () => {
    serve();
    const { type } = setup();
    type('/zzz');
    expect((await screen.findByTestId('quick-replies-empty')).textContent).toContain('No quick reply matches “/zzz”.');
  });

  it('offers a retry when the list cannot load', async () => {
    const api = fakeApi().on('GET', /\/quick-replies$/, () => {
      throw new HttpError(500, { code: 'server_error', message: 'boom', fields: {} });
    });
    const { type, options } = setup();
    type('/');
    await screen.findByTestId('quick-replies-retry');
    api.on('GET', /\/quick-replies$/, () => ({ next: null, previous: null, results: REPLIES }));
    fireEvent.click(screen.getByTestId('quick-replies-retry'));
    await waitFor(() => expect(options().length).toBe(4));
  });

  it('also searches the server when the tenant has more replies than the cached page', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const far = makeQuickReply({ shortcut: 'zebra', title: 'Far down the list' });
      const api = fakeApi()
        .on('GET', /\/quick-replies$/, ({ url }) => {
          const q = url.searchParams.get('q');
          return q ? { next: null, previous: null, results: [far] } : { next: 'http://x/next', previous: null, results: REPLIES };
        });
      const { type, options } = setup();
      type('/');
      await waitFor(() => expect(options().length).toBe(4));
      type('/zeb');
      expect(options()).toEqual([]);
      await act(async () => {
        await vi.advanceTimersByTimeAsync(250);
      });
      await waitFor(() => expect(options()).toEqual(['zebra']));
      expect(api.calls.some((c) => c.path.includes('q=zeb'))).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the draft and the note toggle working around it', async () => {
    serve();
    const { onSend, input, type, key, options } = setup();
    fireEvent.click(screen.getByTestId('composer-mode-note'));
    type('/obr');
    await waitFor(() => expect(options()).toEqual(['obrigado']));
    key('Enter');
    expect(JSON.parse(localStorage.getItem('atendo.draft.demo.c-1') ?? '{}')).toEqual({ body: 'Obrigado pelo contato!', private: true });
    key('Enter');
    expect(onSend).toHaveBeenCalledWith({ body: 'Obrigado pelo contato!', private: true, files: [] });
    expect(input.value).toBe('');
  });
});

import { setupIonicReact } from '@ionic/react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../../../test/fakeApi';
import { makeConversation } from '../../../test/factories';
import { setupTestI18n } from '../../../test/i18n';
import { useThreadStore } from '../store/threadStore';
import { ContactPanelHost } from './ContactPanelHost';
import { ContactPanelToggle } from './ContactPanelToggle';
import { useContactStore } from './contactStore';
import { CONTACT_COLUMN_QUERY, useContactPanelStore } from './panelStore';

setupIonicReact();

/** jsdom has no layout: say which media queries match. */
function screenWidth(wide: boolean) {
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: wide && query === CONTACT_COLUMN_QUERY,
    media: query,
    onchange: null,
    addListener: () => undefined,
    removeListener: () => undefined,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    dispatchEvent: () => false,
  }));
}

const conversation = makeConversation({ id: 'c-1', contact: { id: 'p-1', name: 'Maria', avatar_url: '' } });

function serve() {
  return fakeApi()
    .on('GET', /\/api\/v1\/contacts\/p-1$/, () => ({
      id: 'p-1',
      name: 'Maria',
      avatar_url: '',
      language: '',
      custom_attributes: {},
      tags: [],
      blocked: false,
      identities: [{ id: 'i-1', kind: 'webchat', value: 'visitor-42' }],
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
    }))
    .on('GET', /\/api\/v1\/conversations$/, () => ({ next: null, previous: null, results: [conversation] }));
}

function Inbox() {
  return (
    <>
      <ContactPanelToggle />
      <ContactPanelHost conversationId="c-1" onOpenConversation={vi.fn()} />
    </>
  );
}

describe('contact panel placement', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });
  beforeEach(() => {
    useContactPanelStore.setState({ columnOpen: false, modalOpen: false });
    useContactStore.getState().reset();
    useThreadStore.setState({
      threads: {
        'c-1': {
          status: 'ready',
          conversation,
          messages: [],
          outbox: [],
          hasMore: false,
          loadingOlder: false,
          typing: {},
          viewers: {},
          error: null,
        },
      },
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    useThreadStore.getState().reset();
  });

  it('is a remembered third column on wide screens', async () => {
    screenWidth(true);
    serve();
    const view = render(<Inbox />);
    expect(screen.queryByTestId('contact-panel')).toBeNull();
    fireEvent.click(screen.getByTestId('contact-panel-toggle'));
    expect((await screen.findAllByTestId('contact-identity'))[0]?.textContent).toContain('visitor-42');
    expect(localStorage.getItem('atendo.inbox.contactPanel')).toBe('open');
    expect(screen.getByTestId('contact-panel-toggle').getAttribute('title')).toBe('Hide contact details');

    // A new visit starts with the panel as it was left.
    view.unmount();
    useContactPanelStore.getState().reload();
    render(<Inbox />);
    expect(await screen.findByTestId('contact-panel')).toBeTruthy();
    fireEvent.click(screen.getByTestId('contact-panel-close'));
    await waitFor(() => expect(screen.queryByTestId('contact-panel')).toBeNull());
    expect(localStorage.getItem('atendo.inbox.contactPanel')).toBe('closed');
  });

  it('is a modal on phones that does not reopen by itself', async () => {
    screenWidth(false);
    serve();
    const view = render(<Inbox />);
    fireEvent.click(screen.getByTestId('contact-panel-toggle'));
    expect(await screen.findByTestId('contact-panel')).toBeTruthy();
    expect(useContactPanelStore.getState().modalOpen).toBe(true);
    expect(localStorage.getItem('atendo.inbox.contactPanel')).toBeNull();
    view.unmount(); // back to the list
    expect(useContactPanelStore.getState().modalOpen).toBe(false);
  });
});

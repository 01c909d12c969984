import { setupIonicReact } from '@ionic/react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../../../test/fakeApi';
import { makeConversation } from '../../../test/factories';
import { setupTestI18n } from '../../../test/i18n';
import { makeTicketDetail } from '../../../test/tickets';
import { ConversationHeader } from './ConversationHeader';

setupIonicReact();

describe('ConversationHeader', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });
  afterEach(() => vi.unstubAllGlobals());

  it('creates a ticket linked to the conversation from the actions menu', async () => {
    const api = fakeApi().on('POST', /\/api\/v1\/tickets$/, () => makeTicketDetail({ id: 'tk-1', number: 4 }));
    const conversation = makeConversation({ id: 'conv-9', contact: { id: 'p-1', name: 'João', avatar_url: '' }, department_id: 'd-1' });
    render(
      <MemoryRouter>
        <ConversationHeader conversation={conversation} myMemberId="me" viewers={[]} />
      </MemoryRouter>,
    );
    fireEvent.click(screen.getByTestId('conversation-more'));
    const entry = await waitFor(() => {
      const sheet = document.querySelector('ion-action-sheet');
      const button = (sheet?.shadowRoot ?? sheet)?.querySelector<HTMLButtonElement>('[data-testid="create-ticket"]');
      if (!button) throw new Error('no create-ticket entry');
      return button;
    });
    expect(entry.textContent).toContain('Create a ticket');
    fireEvent.click(entry);
    // The form (a lazy chunk of the tickets app) opens prefilled from the conversation.
    const description = (await screen.findByTestId('create-description', {}, { timeout: 5000 })) as HTMLTextAreaElement;
    await waitFor(() => expect(description.value).toBe('hello'));
    fireEvent.click(await screen.findByTestId('create-submit'));
    expect(await screen.findByText('Ticket #4 created.')).toBeTruthy();
    expect(api.calls[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/tickets',
      body: { subject: 'Request from João', conversation: 'conv-9', department: 'd-1' },
    });
  });
});

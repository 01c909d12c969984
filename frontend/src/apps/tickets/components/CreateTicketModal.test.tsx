import { setupIonicReact } from '@ionic/react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter, Route } from 'react-router-dom';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { HttpError, fakeApi } from '../../../test/fakeApi';
import { setupTestI18n } from '../../../test/i18n';
import { makeTicketDetail } from '../../../test/tickets';
import CreateTicketModal from './CreateTicketModal';

setupIonicReact();

const source = { conversationId: 'conv-1', contactName: 'Maria', departmentId: null, teamId: null, preview: 'Meu boleto não chegou' };

function renderModal(onClose = vi.fn()) {
  let path = '';
  render(
    <MemoryRouter initialEntries={['/inbox/conv-1']}>
      <CreateTicketModal isOpen onClose={onClose} source={source} />
      <Route path="*" render={({ location }) => ((path = location.pathname), null)} />
    </MemoryRouter>,
  );
  return { currentPath: () => path, onClose };
}

describe('CreateTicketModal', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });
  afterEach(() => vi.unstubAllGlobals());

  it('creates a ticket linked to the conversation and offers to open it', async () => {
    const api = fakeApi().on('POST', /\/api\/v1\/tickets$/, () => makeTicketDetail({ id: 'tk-9', number: 9 }));
    const { currentPath } = renderModal();
    const description = (await screen.findByTestId('create-description')) as HTMLTextAreaElement;
    await waitFor(() => expect(description.value).toBe('Meu boleto não chegou'));
    fireEvent.click(screen.getByTestId('create-submit'));
    expect(await screen.findByText('Ticket #9 created.')).toBeTruthy();
    expect(api.calls[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/tickets',
      body: { subject: 'Request from Maria', description: 'Meu boleto não chegou', priority: 'normal', conversation: 'conv-1' },
    });
    fireEvent.click(screen.getByTestId('ticket-created-open'));
    await waitFor(() => expect(currentPath()).toBe('/tickets/tk-9'));
  });

  it('shows the server refusal and its field errors', async () => {
    fakeApi().on('POST', /\/api\/v1\/tickets$/, () => {
      throw new HttpError(403, { code: 'permission_denied', message: 'Your role does not allow this action.', fields: { permission: ['ticket.manage'] } });
    });
    renderModal();
    await waitFor(() => expect((screen.getByTestId('create-description') as HTMLTextAreaElement).value).not.toBe(''));
    fireEvent.click(screen.getByTestId('create-submit'));
    const error = await screen.findByTestId('create-error');
    expect(error.textContent).toContain('Your role does not allow this action.');
  });
});

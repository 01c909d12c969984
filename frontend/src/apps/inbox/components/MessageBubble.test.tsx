import { setupIonicReact } from '@ionic/react';
import { fireEvent, render, screen } from '@testing-library/react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { makeMessage } from '../../../test/factories';
import { setupTestI18n } from '../../../test/i18n';
import type { OutgoingMessage } from '../store/threadStore';
import { MessageBubble } from './MessageBubble';
import { OutgoingBubble } from './OutgoingBubble';
import { ApiError } from '../../../shared/api';

setupIonicReact();

describe('MessageBubble', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });

  it('puts the contact on the left and our replies on the right with ticks', () => {
    render(
      <>
        <MessageBubble message={makeMessage({ body: 'Oi', direction: 'in' })} />
        <MessageBubble
          message={makeMessage({ body: 'Olá', direction: 'out', author: { id: 'a', display_name: 'Ana' }, delivery_status: 'read' })}
        />
      </>,
    );
    const [incoming, outgoing] = screen.getAllByTestId('message');
    expect(incoming?.className).toContain('is-in');
    expect(outgoing?.className).toContain('is-out');
    expect(screen.getByText('Ana')).toBeTruthy();
    expect(screen.getByTestId('delivery-status').getAttribute('data-status')).toBe('read');
    expect(screen.getByLabelText('Read')).toBeTruthy();
  });

  it('marks private notes and renders system events apart', () => {
    render(
      <>
        <MessageBubble message={makeMessage({ kind: 'note', direction: 'out', body: 'só nós' })} />
        <MessageBubble message={makeMessage({ kind: 'system', direction: 'out', body: 'Ana transferred the conversation.' })} />
      </>,
    );
    expect(screen.getByText('Private note')).toBeTruthy();
    expect(screen.getByText('só nós').closest('[data-testid="message"]')?.className).toContain('is-note');
    expect(screen.getByText('Ana transferred the conversation.').closest('[data-kind="system"]')).toBeTruthy();
  });

  it('shows a delivery failure with the provider reason and offers to send again', () => {
    const onSendAgain = vi.fn();
    const failed = makeMessage({ direction: 'out', body: 'oi', delivery_status: 'failed', error_code: '131047', error_message: 'Re-engagement message' });
    render(<MessageBubble message={failed} onSendAgain={onSendAgain} />);
    expect(screen.getByTestId('delivery-error').textContent).toContain('Not delivered: Re-engagement message');
    fireEvent.click(screen.getByTestId('send-again'));
    expect(onSendAgain).toHaveBeenCalledWith(failed);
  });

  it('says why a retry was refused', async () => {
    const refusal = new ApiError(400, 'reply_window_closed', 'The customer last wrote more than 24 hours ago.');
    const failed = makeMessage({ direction: 'out', body: 'oi', delivery_status: 'failed', error_code: '131047' });
    render(<MessageBubble message={failed} onSendAgain={() => Promise.resolve(refusal)} />);
    fireEvent.click(screen.getByTestId('send-again'));
    expect((await screen.findByTestId('send-again-error')).textContent).toContain('24 hours');
  });

  it('previews images, links files, and holds back what the antivirus has not cleared', () => {
    const attachment = { id: 'f', name: 'a.png', mime: 'image/png', size: 2048, scan_status: 'clean' as const, scan_signature: '', url: '/files/a' };
    render(
      <MessageBubble
        message={makeMessage({
          kind: 'media',
          body: '',
          attachments: [
            attachment,
            { ...attachment, id: 'g', name: 'nota.pdf', mime: 'application/pdf', url: '/files/b' },
            { ...attachment, id: 'h', name: 'x.zip', scan_status: 'pending', url: null },
            { ...attachment, id: 'i', name: 'y.exe', scan_status: 'infected', scan_signature: 'Eicar', url: null },
          ],
        })}
      />,
    );
    expect(screen.getByRole('img', { name: 'a.png' }).getAttribute('src')).toBe('/files/a');
    expect(screen.getByTestId('attachment-file').getAttribute('href')).toBe('/files/b');
    expect(screen.getByTestId('attachment-file').textContent).toContain('2 kB');
    expect(screen.getByTestId('attachment-pending').textContent).toContain('x.zip');
    expect(screen.getByTestId('attachment-blocked').textContent).toContain('Eicar');
  });
});

describe('OutgoingBubble', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });

  const outgoing: OutgoingMessage = {
    clientId: 'cid',
    body: 'oi',
    private: false,
    files: [],
    createdAt: '2026-01-01T10:00:00Z',
    state: 'failed',
    error: new ApiError(400, 'reply_window_closed', 'The customer last wrote more than 24 hours ago.'),
    progress: null,
  };

  it('explains a failed send and offers retry and discard', () => {
    const onRetry = vi.fn();
    const onDiscard = vi.fn();
    render(<OutgoingBubble outgoing={outgoing} onRetry={onRetry} onDiscard={onDiscard} />);
    expect(screen.getByTestId('outgoing-error').textContent).toContain('Not sent: The customer last wrote more than 24 hours ago.');
    fireEvent.click(screen.getByTestId('outgoing-retry'));
    fireEvent.click(screen.getByTestId('outgoing-discard'));
    expect(onRetry).toHaveBeenCalledWith('cid');
    expect(onDiscard).toHaveBeenCalledWith('cid');
  });

  it('shows a sending message as pending, with upload progress', () => {
    render(<OutgoingBubble outgoing={{ ...outgoing, state: 'sending', error: null, progress: 0.5 }} onRetry={vi.fn()} onDiscard={vi.fn()} />);
    expect(screen.getByTestId('outgoing-message').dataset.state).toBe('sending');
    expect(screen.getByLabelText('Sending…')).toBeTruthy();
    expect((screen.getByLabelText('Uploading') as HTMLProgressElement).value).toBe(0.5);
  });
});

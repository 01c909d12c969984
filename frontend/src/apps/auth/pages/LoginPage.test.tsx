import { setupIonicReact } from '@ionic/react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { setupTestI18n } from '../../../test/i18n';
import LoginPage from './LoginPage';

setupIonicReact();

function reply(status: number, body?: unknown) {
  return vi.fn(async () => new Response(body === undefined ? null : JSON.stringify(body), { status }));
}

function typeEmail(value: string) {
  const input = screen.getByTestId('login-email');
  // Ionic inputs report typing through the ionInput custom event.
  fireEvent(input, new CustomEvent('ionInput', { detail: { value }, bubbles: true }));
}

function submit() {
  fireEvent.submit(screen.getByTestId('login-form'));
}

describe('LoginPage', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });
  beforeEach(() => {
    vi.unstubAllGlobals();
  });

  it('renders the translated form', () => {
    render(<LoginPage />);
    expect(screen.getByText('Sign in')).toBeTruthy();
    expect(screen.getByText('Send sign-in link')).toBeTruthy();
  });

  it('posts the e-mail and shows the check-your-inbox state', async () => {
    const fetchMock = reply(202);
    vi.stubGlobal('fetch', fetchMock);
    render(<LoginPage />);
    typeEmail('owner@demo.atendo.local');
    submit();
    await screen.findByText('Check your inbox');
    expect(screen.getByText(/owner@demo\.atendo\.local/)).toBeTruthy();
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/auth/magic-link');
    expect(init.method).toBe('POST');
    expect(JSON.parse(init.body as string)).toEqual({ email: 'owner@demo.atendo.local' });
  });

  it('shows the throttling message on 429', async () => {
    vi.stubGlobal('fetch', reply(429, { code: 'throttled', message: 'Request was throttled.' }));
    render(<LoginPage />);
    typeEmail('owner@demo.atendo.local');
    submit();
    expect((await screen.findByTestId('login-error')).textContent).toMatch(/Too many attempts/);
  });

  it('shows field errors from a 400', async () => {
    vi.stubGlobal('fetch', reply(400, { code: 'validation_error', message: 'Invalid input.', fields: { email: ['Enter a valid email address.'] } }));
    render(<LoginPage />);
    typeEmail('not-an-email');
    submit();
    expect((await screen.findByTestId('login-email-error')).textContent).toBe('Enter a valid email address.');
    await waitFor(() => expect(screen.queryByText('Check your inbox')).toBeNull());
  });

  it('renders in Portuguese', async () => {
    await setupTestI18n('pt-BR');
    render(<LoginPage />);
    expect(screen.getByText('Enviar link de acesso')).toBeTruthy();
    await setupTestI18n('en');
  });
});

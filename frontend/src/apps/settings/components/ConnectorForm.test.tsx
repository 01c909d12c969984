import { setupIonicReact } from '@ionic/react';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChannelAccount } from '../../../shared/api/types';
import { HttpError, fakeApi } from '../../../test/fakeApi';
import { setupTestI18n } from '../../../test/i18n';
import { makeConnector } from '../../../test/settings';
import { useChannelsStore } from '../store/channelsStore';
import { useOrgStore } from '../store/orgStore';
import { ConnectForm, splitCredentialErrors } from './ConnectorForm';

setupIonicReact();

const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
const errorOf = (testId: string) => screen.queryByTestId(`${testId}-error`)?.textContent ?? null;

function account(overrides: Partial<ChannelAccount> = {}): ChannelAccount {
  return {
    id: 'acc-1',
    connector: 'conn-1',
    kind: 'email',
    name: 'Suporte',
    external_id: 'suporte@example.com',
    status: 'pending',
    last_error: '',
    default_department: null,
    default_team: null,
    created_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

function fillEmail() {
  type('connect-name', 'Suporte');
  type('credential-imap_host', 'imap.example.com');
  type('credential-imap_port', '99999');
  type('credential-username', 'suporte@example.com');
  type('credential-password', 'wrong');
  type('credential-smtp_host', 'smtp.example.com');
}

describe('ConnectForm', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });
  beforeEach(() => {
    useChannelsStore.getState().reset();
    useOrgStore.setState({ tenant: 'demo', status: 'ready', departments: [], teams: [], policies: [] });
  });

  it('shows the validation errors of the API on the credential fields they are keyed by', async () => {
    fakeApi().on('POST', /\/channels\/connectors$/, () => {
      throw new HttpError(400, {
        code: 'invalid',
        message: 'Some fields are not valid.',
        fields: {
          name: ['Ensure this field has no more than 120 characters.'],
          credentials: {
            password: ['This credential is required.'],
            smtp_host: ['This credential is required.'],
            imap_port: ['Enter a port number from 1 to 65535.'],
          },
        },
      });
    });
    render(<ConnectForm kind="email" onDone={() => undefined} />);
    fillEmail();
    fireEvent.submit(screen.getByTestId('connect-form-email'));

    await waitFor(() => expect(errorOf('credential-password')).toBe('This credential is required.'));
    expect(errorOf('credential-smtp_host')).toBe('This credential is required.');
    expect(errorOf('credential-imap_port')).toBe('Enter a port number from 1 to 65535.');
    expect(errorOf('credential-imap_host')).toBeNull();
    expect(errorOf('credential-smtp_password')).toBeNull();
    expect(screen.queryByTestId('credentials-error')).toBeNull();
    expect(errorOf('connect-name')).toBe('Ensure this field has no more than 120 characters.');
    expect(screen.getByTestId('credential-password').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('connect-error').textContent).toContain('Some fields are not valid');
    // The mailbox address followed the user name.
    expect((screen.getByTestId('connect-external-id') as HTMLInputElement).value).toBe('suporte@example.com');
  });

  it("shows the provider's refusal, then retries with only the corrected secret", async () => {
    const refusal = 'IMAP login failed: [AUTHENTICATIONFAILED] Invalid credentials';
    const onDone = vi.fn();
    const api = fakeApi()
      .on('POST', /\/channels\/connectors$/, () => makeConnector({ credential_keys: ['imap_host', 'imap_port', 'password', 'smtp_host', 'username'] }))
      .on('POST', /\/channels\/accounts$/, () => account())
      .on('POST', /\/activate$/, () => {
        // The adapter named the login: the refusal sits on those two inputs.
        throw new HttpError(400, { code: 'provider_refused', message: refusal, fields: { credentials: { username: [refusal], password: [refusal] } } });
      });
    render(<ConnectForm kind="email" onDone={onDone} />);
    fillEmail();
    type('credential-imap_port', '993');
    fireEvent.submit(screen.getByTestId('connect-form-email'));

    await waitFor(() => expect(errorOf('credential-password')).toBe(refusal));
    expect(errorOf('credential-username')).toBe(refusal);
    expect(screen.queryByTestId('credentials-error')).toBeNull();
    expect(screen.getByTestId('connect-error').textContent).toBe(`The provider refused the connection: ${refusal}`);
    expect(screen.getByTestId('connect-retry-hint')).toBeTruthy();
    expect((screen.getByTestId('connect-external-id') as HTMLInputElement).readOnly).toBe(true);
    expect(useChannelsStore.getState().accounts[0]).toMatchObject({ status: 'error', last_error: refusal });

    api.on('PATCH', /\/channels\/connectors\/conn-1$/, () => makeConnector()).on('POST', /\/activate$/, () => account({ status: 'active' }));
    type('credential-password', 'right');
    fireEvent.submit(screen.getByTestId('connect-form-email'));
    await waitFor(() => expect(onDone).toHaveBeenCalled());
    const retry = api.calls.slice(3);
    expect(retry.map((c) => `${c.method} ${c.path}`)).toEqual([
      'PATCH /api/v1/channels/connectors/conn-1',
      'POST /api/v1/channels/accounts/acc-1/activate',
    ]);
    expect(retry[0]?.body).toEqual({ credentials: { password: 'right' } });
  });

  it('puts what is about the credentials as a whole, or keys without an input, above the block', () => {
    const split = splitCredentialErrors(
      { 'credentials.non_field_errors': ['The provider is down.'], 'credentials.bot_token': ['This connection does not take this credential.'], 'credentials.password': ['Wrong.'], name: ['x'] },
      ['password', 'username'],
    );
    expect(split.perKey).toEqual({ password: ['Wrong.'] });
    expect(split.general).toEqual(['The provider is down.', 'bot_token: This connection does not take this credential.']);
  });

  it('shows the WhatsApp webhook URL and verify token once the connector exists, and account errors on their field', async () => {
    const webhook = 'https://atendo.example.com/webhooks/k3y';
    fakeApi()
      .on('POST', /\/channels\/connectors$/, () => makeConnector({ kind: 'whatsapp', webhook_url: webhook, credential_keys: ['access_token', 'app_secret', 'verify_token'] }))
      .on('POST', /\/channels\/accounts$/, () => {
        throw new HttpError(400, { code: 'invalid', message: 'Some fields are not valid.', fields: { external_id: ['This field may not be blank.'] } });
      });
    render(<ConnectForm kind="whatsapp" onDone={() => undefined} />);
    const token = (screen.getByTestId('credential-verify_token') as HTMLInputElement).value;
    expect(token).toMatch(/^[0-9a-f]{36}$/); // suggested at random
    type('connect-name', 'WhatsApp vendas');
    type('credential-access_token', 'EAAG…');
    type('credential-app_secret', 's3cr3t');
    fireEvent.submit(screen.getByTestId('connect-form-whatsapp'));

    await waitFor(() => expect(errorOf('connect-external-id')).toBe('This field may not be blank.'));
    const panel = screen.getByTestId('connect-webhook');
    expect(panel.textContent).toContain(webhook);
    expect(panel.textContent).toContain(token);
  });
});

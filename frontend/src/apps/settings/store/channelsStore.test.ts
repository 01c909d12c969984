import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../shared/api';
import type { ChannelAccount } from '../../../shared/api/types';
import { HttpError, fakeApi } from '../../../test/fakeApi';
import { makeConnector, page } from '../../../test/settings';
import { ConnectError, type ConnectInput, useChannelsStore } from './channelsStore';

const input: ConnectInput = {
  kind: 'email',
  name: ' Suporte ',
  credentials: { imap_host: 'imap.example.com', username: 'suporte@example.com', password: 'secret', smtp_host: 'smtp.example.com', imap_port: '' },
  external_id: 'suporte@example.com',
  default_department: null,
  default_team: null,
};

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

describe('channels store', () => {
  beforeEach(() => useChannelsStore.getState().reset());

  it('loads web chats, connectors and accounts once per tenant', async () => {
    const api = fakeApi()
      .on('GET', /\/channels\/webchat$/, () => page([]))
      .on('GET', /\/channels\/connectors$/, () => page([makeConnector()]))
      .on('GET', /\/channels\/accounts$/, () => page([account()]));
    await useChannelsStore.getState().load('demo');
    await useChannelsStore.getState().load('demo');
    expect(api.calls).toHaveLength(3);
    expect(useChannelsStore.getState()).toMatchObject({ status: 'ready', connectors: [{ id: 'conn-1' }], accounts: [{ id: 'acc-1' }] });
  });

  it('connects in three steps, sending only filled credentials', async () => {
    const api = fakeApi()
      .on('POST', /\/channels\/connectors$/, () => makeConnector({ credential_keys: ['imap_host', 'password', 'smtp_host', 'username'] }))
      .on('POST', /\/channels\/accounts$/, () => account())
      .on('POST', /\/channels\/accounts\/acc-1\/activate$/, () => account({ status: 'active' }));
    const result = await useChannelsStore.getState().connect(input, { connector: null, account: null });
    expect(result.account.status).toBe('active');
    expect(api.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /api/v1/channels/connectors',
      'POST /api/v1/channels/accounts',
      'POST /api/v1/channels/accounts/acc-1/activate',
    ]);
    expect(api.calls[0]?.body).toEqual({
      kind: 'email',
      name: 'Suporte',
      credentials: { imap_host: 'imap.example.com', username: 'suporte@example.com', password: 'secret', smtp_host: 'smtp.example.com' },
    });
    expect(api.calls[1]?.body).toMatchObject({ connector: 'conn-1', external_id: 'suporte@example.com' });
    expect(useChannelsStore.getState().accounts[0]?.status).toBe('active');
  });

  it('keeps what was created when activation fails, marks the account in error, and retries from there', async () => {
    const refusal = { code: 'provider_refused', message: 'IMAP login failed: authentication failed', fields: { credentials: ['IMAP login failed: authentication failed'] } };
    const api = fakeApi()
      .on('POST', /\/channels\/connectors$/, () => makeConnector())
      .on('POST', /\/channels\/accounts$/, () => account())
      .on('POST', /\/activate$/, () => {
        throw new HttpError(400, refusal);
      });
    let failure: unknown;
    try {
      await useChannelsStore.getState().connect(input, { connector: null, account: null });
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ConnectError);
    const { step, progress, error } = failure as ConnectError;
    expect(step).toBe('activate');
    expect(progress.connector?.id).toBe('conn-1');
    expect(progress.account).toMatchObject({ id: 'acc-1', status: 'error', last_error: refusal.message });
    expect((error as ApiError).fields.credentials).toEqual(refusal.fields.credentials);

    // Retry with a corrected password: the connector is patched, no second connector or account.
    api.on('PATCH', /\/channels\/connectors\/conn-1$/, () => makeConnector()).on('POST', /\/activate$/, () => account({ status: 'active' }));
    await useChannelsStore.getState().connect({ ...input, credentials: { password: 'right' } }, progress);
    const retried = api.calls.slice(3).map((c) => `${c.method} ${c.path}`);
    expect(retried).toEqual(['PATCH /api/v1/channels/connectors/conn-1', 'POST /api/v1/channels/accounts/acc-1/activate']);
    expect(api.calls[3]?.body).toEqual({ credentials: { password: 'right' } });
    expect(useChannelsStore.getState().accounts).toHaveLength(1);
    expect(useChannelsStore.getState().accounts[0]?.status).toBe('active');
  });

  it('says which step refused: the connector', async () => {
    fakeApi().on('POST', /\/channels\/connectors$/, () => {
      throw new HttpError(400, { code: 'invalid', message: 'Some fields are not valid.', fields: { credentials: ['Missing: password.'] } });
    });
    await expect(useChannelsStore.getState().connect(input, { connector: null, account: null })).rejects.toMatchObject({
      step: 'connector',
      progress: { connector: null, account: null },
    });
  });

  it('deactivates and reactivates an account', async () => {
    useChannelsStore.setState({ tenant: 'demo', status: 'ready', accounts: [account({ status: 'active' })] });
    fakeApi()
      .on('POST', /\/deactivate$/, () => account({ status: 'disabled' }))
      .on('POST', /\/activate$/, () => {
        throw new HttpError(400, { code: 'provider_refused', message: 'Bot token revoked', fields: { credentials: ['Bot token revoked'] } });
      });
    await useChannelsStore.getState().deactivate('acc-1');
    expect(useChannelsStore.getState().accounts[0]?.status).toBe('disabled');
    await expect(useChannelsStore.getState().activate('acc-1')).rejects.toBeInstanceOf(ApiError);
    expect(useChannelsStore.getState().accounts[0]).toMatchObject({ status: 'error', last_error: 'Bot token revoked' });
  });
});

import { describe, expect, it, vi } from 'vitest';
import { REFRESH_PATH, type TokenPair, createApiClient } from './client';
import { ApiError } from './errors';

function json(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function setup(fetchImpl: (url: string, init: RequestInit) => Promise<Response>) {
  const state = { access: 'old-access' as string | null, refresh: 'old-refresh' as string | null, lost: 0 };
  const fetchMock = vi.fn((input: RequestInfo | URL, init?: RequestInit) => fetchImpl(String(input), init ?? {}));
  const client = createApiClient({
    fetch: fetchMock as unknown as typeof fetch,
    getAccessToken: () => state.access,
    getRefreshToken: () => state.refresh,
    getTenant: () => 'demo',
    getLanguage: () => 'pt-BR',
    onTokens: (t: TokenPair) => {
      state.access = t.access;
      state.refresh = t.refresh;
    },
    onAuthLost: () => {
      state.access = null;
      state.refresh = null;
      state.lost += 1;
    },
  });
  return { client, state, fetchMock };
}

const header = (init: RequestInit, name: string) => (init.headers as Record<string, string>)[name];

describe('api client', () => {
  it('sends bearer, tenant and language headers and a JSON body', async () => {
    const { client, fetchMock } = setup(async () => json(200, { ok: true }));
    await expect(client.post('/api/v1/things', { a: 1 })).resolves.toEqual({ ok: true });
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/api/v1/things');
    expect(header(init, 'Authorization')).toBe('Bearer old-access');
    expect(header(init, 'X-Tenant')).toBe('demo');
    expect(header(init, 'Accept-Language')).toBe('pt-BR');
    expect(header(init, 'Content-Type')).toBe('application/json');
    expect(init.body).toBe('{"a":1}');
  });

  it('omits the bearer for public calls and resolves 202/204 to undefined', async () => {
    const { client, fetchMock } = setup(async () => new Response(null, { status: 202 }));
    await expect(client.post('/api/v1/auth/magic-link', { email: 'x@y.z' }, { auth: false })).resolves.toBeUndefined();
    expect(header(fetchMock.mock.calls[0]![1] as RequestInit, 'Authorization')).toBeUndefined();
  });

  it('refreshes once on 401, stores the rotated pair and retries', async () => {
    const { client, state, fetchMock } = setup(async (url, init) => {
      if (url === REFRESH_PATH) return json(200, { access: 'new-access', refresh: 'new-refresh' });
      return header(init, 'Authorization') === 'Bearer new-access' ? json(200, { id: 1 }) : json(401, { code: 'token_not_valid', message: 'expired' });
    });
    await expect(client.get('/api/v1/users/me')).resolves.toEqual({ id: 1 });
    expect(state).toMatchObject({ access: 'new-access', refresh: 'new-refresh', lost: 0 });
    const refreshCall = fetchMock.mock.calls.find(([u]) => u === REFRESH_PATH)!;
    expect(JSON.parse((refreshCall[1] as RequestInit).body as string)).toEqual({ refresh: 'old-refresh' });
  });

  it('shares one in-flight refresh between concurrent 401s', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { client, fetchMock } = setup(async (url, init) => {
      if (url === REFRESH_PATH) {
        await gate;
        return json(200, { access: 'new-access', refresh: 'new-refresh' });
      }
      return header(init, 'Authorization') === 'Bearer new-access' ? json(200, { url }) : json(401, {});
    });
    const calls = Promise.all([client.get('/a'), client.get('/b'), client.get('/c')]);
    await vi.waitFor(() => expect(fetchMock.mock.calls.filter(([u]) => u === REFRESH_PATH)).toHaveLength(1));
    release();
    await expect(calls).resolves.toEqual([{ url: '/a' }, { url: '/b' }, { url: '/c' }]);
    expect(fetchMock.mock.calls.filter(([u]) => u === REFRESH_PATH)).toHaveLength(1);
  });

  it('reuses tokens rotated by another request instead of refreshing again', async () => {
    const { client, state, fetchMock } = setup(async (url, init) => {
      if (header(init, 'Authorization') === 'Bearer old-access') {
        state.access = 'rotated-elsewhere';
        return json(401, {});
      }
      return json(200, { url });
    });
    await expect(client.get('/x')).resolves.toEqual({ url: '/x' });
    expect(fetchMock.mock.calls.some(([u]) => u === REFRESH_PATH)).toBe(false);
  });

  it('reports the session lost when the refresh token is rejected', async () => {
    const { client, state } = setup(async (url) =>
      url === REFRESH_PATH ? json(401, { code: 'token_not_valid', message: 'blacklisted' }) : json(401, { code: 'not_authenticated', message: 'no' }),
    );
    const error = await client.get('/x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 401, code: 'not_authenticated' });
    expect(state.lost).toBe(1);
  });

  it('does not try to refresh public calls', async () => {
    const { client, fetchMock } = setup(async () => json(401, {}));
    await expect(client.post('/api/v1/auth/token', { token: 't' }, { auth: false })).rejects.toMatchObject({ status: 401 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('parses {code, message, fields} errors', async () => {
    const { client } = setup(async () => json(400, { code: 'validation_error', message: 'Invalid input.', fields: { email: ['Enter a valid email address.'], name: 'Too long' } }));
    await expect(client.post('/x', {})).rejects.toMatchObject({
      status: 400,
      code: 'validation_error',
      message: 'Invalid input.',
      fields: { email: ['Enter a valid email address.'], name: ['Too long'] },
    });
  });

  it('flattens nested field errors into dotted paths', async () => {
    const fields = { settings: { allowed_origins: ['Give an origin.'] }, roles: [{}, { scope_id: ['Give both.'] }], name: ['Taken.'] };
    const { client } = setup(async () => json(400, { code: 'invalid', message: 'Some fields are not valid.', fields }));
    await expect(client.post('/x', {})).rejects.toMatchObject({
      fields: { 'settings.allowed_origins': ['Give an origin.'], 'roles.1.scope_id': ['Give both.'], name: ['Taken.'] },
    });
  });

  it('turns non-JSON failures and network errors into ApiErrors', async () => {
    const html = setup(async () => new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' }));
    await expect(html.client.get('/x')).rejects.toMatchObject({ status: 502, code: 'http_502', fields: {} });
    const down = setup(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(down.client.get('/x')).rejects.toMatchObject({ status: 0, code: 'network_error' });
  });
});

import { ApiError, parseErrorResponse } from './errors';

export interface TokenPair {
  access: string;
  refresh: string;
}

export interface ApiClientOptions {
  /** '' means same origin: the backend serves the app and the API together. */
  baseUrl?: string;
  fetch?: typeof fetch;
  getAccessToken: () => string | null;
  getRefreshToken: () => string | null;
  /** Slug of the tenant the user is working in; sent as `X-Tenant`. */
  getTenant: () => string | null;
  getLanguage?: () => string | null;
  /** Called with every rotated pair; the refresh token is single-use, so it must be stored. */
  onTokens: (tokens: TokenPair) => void;
  /** Called when the session cannot be renewed (refresh missing, expired or blacklisted). */
  onAuthLost: () => void;
}

export interface RequestOptions {
  body?: unknown;
  /** false for public endpoints (magic link, token exchange, config): no bearer, no refresh. */
  auth?: boolean;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface UploadOptions {
  /** Fraction of the request body sent so far, 0..1. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export const REFRESH_PATH = '/api/v1/auth/token/refresh';

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(options: ApiClientOptions) {
  const baseUrl = options.baseUrl ?? '';
  // Looked up per call so tests (and polyfills) can replace the global after creation.
  const doFetch: typeof fetch = (input, init) => (options.fetch ?? globalThis.fetch)(input, init);
  let inFlightRefresh: Promise<string | null> | null = null;

  async function send(
    method: string,
    path: string,
    opts: RequestOptions,
    accessToken: string | null,
  ): Promise<Response> {
    const headers: Record<string, string> = { ...commonHeaders(accessToken), ...opts.headers };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    try {
      return await doFetch(baseUrl + path, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal,
        credentials: 'same-origin',
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new ApiError(0, 'network_error', error instanceof Error ? error.message : String(error));
    }
  }

  /**
   * Exchanges the refresh token for a new pair. Concurrent 401s share one call: the
   * backend rotates and blacklists refresh tokens, so a second parallel refresh with the
   * same token would fail and log the user out.
   */
  function refreshAccessToken(): Promise<string | null> {
    if (inFlightRefresh) return inFlightRefresh;
    inFlightRefresh = (async () => {
      const refresh = options.getRefreshToken();
      if (!refresh) return null;
      let response: Response;
      try {
        response = await send('POST', REFRESH_PATH, { body: { refresh } }, null);
      } catch {
        // Network trouble is not proof the session is gone: keep the tokens, fail the call.
        return null;
      }
      if (!response.ok) {
        if (response.status === 400 || response.status === 401) options.onAuthLost();
        return null;
      }
      const tokens = (await response.json()) as TokenPair;
      options.onTokens(tokens);
      return tokens.access;
    })().finally(() => {
      inFlightRefresh = null;
    });
    return inFlightRefresh;
  }

  function commonHeaders(accessToken: string | null): Record<string, string> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
    const tenant = options.getTenant();
    if (tenant) headers['X-Tenant'] = tenant;
    const language = options.getLanguage?.();
    if (language) headers['Accept-Language'] = language;
    return headers;
  }

  /** One multipart POST through XMLHttpRequest: fetch cannot report upload progress. */
  function sendForm(path: string, form: FormData, opts: UploadOptions, accessToken: string | null): Promise<Response> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', baseUrl + path);
      for (const [name, value] of Object.entries(commonHeaders(accessToken))) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (event) => {
        if (event.lengthComputable && event.total > 0) opts.onProgress?.(event.loaded / event.total);
      };
      xhr.onload = () => {
        const body = xhr.status === 204 ? null : xhr.responseText;
        resolve(new Response(body, { status: xhr.status, statusText: xhr.statusText }));
      };
      xhr.onerror = () => reject(new ApiError(0, 'network_error', 'upload failed'));
      xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
      opts.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(form);
    });
  }

  /** Multipart POST with upload progress; the same bearer refresh rules as `request`. */
  async function upload<T>(path: string, form: FormData, opts: UploadOptions = {}): Promise<T> {
    const access = options.getAccessToken();
    let response = await sendForm(path, form, opts, access);
    if (response.status === 401) {
      const current = options.getAccessToken();
      const fresh = current && current !== access ? current : await refreshAccessToken();
      if (fresh) response = await sendForm(path, form, opts, fresh);
    }
    if (!response.ok) throw await parseErrorResponse(response);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const useAuth = opts.auth !== false;
    const access = useAuth ? options.getAccessToken() : null;
    let response = await send(method, path, opts, access);

    if (response.status === 401 && useAuth) {
      // Another request may already have rotated the tokens while this one was in flight.
      const current = options.getAccessToken();
      const fresh = current && current !== access ? current : await refreshAccessToken();
      if (fresh) response = await send(method, path, opts, fresh);
    }

    if (!response.ok) throw await parseErrorResponse(response);
    // 202/204 and other bodiless answers resolve to undefined.
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    request,
    get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts),
    post: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
      request<T>('POST', path, { ...opts, body }),
    patch: <T>(path: string, body?: unknown, opts?: RequestOptions) =>
      request<T>('PATCH', path, { ...opts, body }),
    delete: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
    upload,
    refreshAccessToken,
  };
}

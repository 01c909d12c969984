// REST client for /api/v1/widget/{token}/... — cross-origin from the customer's site, no cookies.

import type { Language } from './i18n';
import type { Message, MessagePage, Session, WidgetServerConfig } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string[]> = {},
    /** Seconds, from Retry-After (needs Access-Control-Expose-Headers: Retry-After). */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

function retryAfterOf(value: string | null): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (!isNaN(seconds)) return seconds;
  const at = Date.parse(value);
  return isNaN(at) ? null : Math.max(0, Math.round((at - Date.now()) / 1000));
}

function errorFrom(status: number, text: string, retryAfter: string | null): ApiError {
  let code = status === 0 ? 'network_error' : `http_${status}`;
  let message = '';
  let fields: Record<string, string[]> = {};
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown; fields?: unknown };
    if (typeof body.code === 'string') code = body.code;
    if (typeof body.message === 'string') message = body.message;
    if (body.fields && typeof body.fields === 'object') fields = body.fields as Record<string, string[]>;
  } catch {
    // not JSON (a proxy's error page): keep the HTTP status as the code
  }
  return new ApiError(status, code, message || code, fields, retryAfterOf(retryAfter));
}

export interface SessionRequest {
  session_token?: string;
  prechat?: Record<string, string>;
  identifier?: string;
  identifier_hash?: string;
  language?: Language;
}

export class WidgetApi {
  private readonly root: string;
  session: string | null = null;

  constructor(apiBase: string, token: string, private readonly fetchImpl: typeof fetch = (...args) => fetch(...args)) {
    this.root = `${apiBase.replace(/\/+$/, '')}/api/v1/widget/${encodeURIComponent(token)}`;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (this.session) headers['X-Visitor-Session'] = this.session;
    let res: Response;
    try {
      res = await this.fetchImpl(this.root + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        mode: 'cors',
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch {
      throw new ApiError(0, 'network_error', 'network error');
    }
    const text = res.status === 204 ? '' : await res.text();
    if (!res.ok) throw errorFrom(res.status, text, res.headers.get('Retry-After'));
    return (text ? JSON.parse(text) : undefined) as T;
  }

  config(): Promise<WidgetServerConfig> {
    return this.request('GET', '/config');
  }

  startSession(body: SessionRequest): Promise<Session> {
    return this.request('POST', '/sessions', body);
  }

  messages(before?: string | null, limit = 50): Promise<MessagePage> {
    const query = `?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`;
    return this.request('GET', `/messages${query}`);
  }

  send(body: string, clientId: string): Promise<Message> {
    return this.request('POST', '/messages', { body, client_id: clientId });
  }

  typing(typing: boolean): Promise<void> {
    return this.request('POST', '/typing', { typing });
  }

  /** Multipart upload with progress (fetch cannot report upload progress, XHR can). */
  upload(file: File, body: string, clientId: string, onProgress: (fraction: number) => void): Promise<Message> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${this.root}/messages`);
      xhr.withCredentials = false;
      xhr.setRequestHeader('Accept', 'application/json');
      if (this.session) xhr.setRequestHeader('X-Visitor-Session', this.session);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
      };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          try {
            resolve(JSON.parse(xhr.responseText) as Message);
          } catch {
            reject(new ApiError(xhr.status, 'invalid_response', 'invalid response'));
          }
        } else {
          reject(errorFrom(xhr.status, xhr.responseText, xhr.getResponseHeader('Retry-After')));
        }
      };
      xhr.onerror = () => reject(new ApiError(0, 'network_error', 'network error'));
      const form = new FormData();
      form.append('file', file, file.name);
      if (body) form.append('body', body);
      form.append('client_id', clientId);
      xhr.send(form);
    });
  }
}

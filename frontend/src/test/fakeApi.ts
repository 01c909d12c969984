import { vi } from 'vitest';

type Handler = (request: { method: string; url: URL; body: unknown }) => unknown | Promise<unknown>;

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
}

/** Thrown by a handler to answer with an error status and the backend's error shape. */
export class HttpError {
  constructor(
    readonly status: number,
    readonly body: unknown = { code: `http_${status}`, message: 'error' },
  ) {}
}

/**
 * A fetch double that routes by method and path: `api.on('GET', /conversations$/, () => page)`.
 * Unrouted calls fail the test loudly; `calls` records what the code asked for.
 */
export function fakeApi() {
  const routes: Route[] = [];
  const calls: { method: string; path: string; body: unknown }[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://localhost');
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : init?.body;
    calls.push({ method, path: url.pathname + url.search, body });
    const route = routes.find((r) => r.method === method && r.pattern.test(url.pathname));
    if (!route) throw new Error(`unexpected ${method} ${url.pathname}${url.search}`);
    try {
      const result = await route.handler({ method, url, body });
      return new Response(result === undefined ? null : JSON.stringify(result), { status: result === undefined ? 204 : 200 });
    } catch (error) {
      if (error instanceof HttpError) return new Response(JSON.stringify(error.body), { status: error.status });
      throw error;
    }
  });
  vi.stubGlobal('fetch', fetchMock);
  return {
    calls,
    on(method: string, pattern: RegExp, handler: Handler) {
      routes.unshift({ method, pattern, handler });
      return this;
    },
  };
}

// The widget end to end inside jsdom, with fetch and WebSocket faked at the contract's level.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket } from './testing';
import type { Message } from './types';
import { Widget } from './widget';

const TOKEN = 'wtok';
const API = 'https://atendo.example';

interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  init: RequestInit;
}

let calls: Call[];
let serverMessages: Message[];
let prechatFields: unknown[];
let deadSessions: Set<string>;

function json(status: number, body: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

function fakeFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const url = String(input);
  const method = init.method ?? 'GET';
  const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
  calls.push({ method, url, headers: (init.headers ?? {}) as Record<string, string>, body, init });
  const path = url.replace(`${API}/api/v1/widget/${TOKEN}`, '');
  if (method === 'GET' && path === '/config') {
    return Promise.resolve(
      json(200, { name: 'Loja Demo', greeting: 'Olá! Como podemos ajudar?', primary_color: '#0a7d33', prechat_fields: prechatFields, websocket_url: 'wss://rt.atendo.example', max_upload_bytes: 1000 }),
    );
  }
  if (method === 'POST' && path === '/sessions') {
    const b = body as { session_token?: string; prechat?: { name?: string } };
    return Promise.resolve(json(b.session_token ? 200 : 201, { session_token: b.session_token ?? 'sess-1', contact: { name: b.prechat?.name ?? 'Maria' }, conversation_id: null }));
  }
  if (method === 'GET' && path.startsWith('/messages') && deadSessions.has((init.headers as Record<string, string>)['X-Visitor-Session'] ?? '')) {
    return Promise.resolve(json(401, { code: 'visitor_session_invalid', message: 'gone' }));
  }
  if (method === 'GET' && path.startsWith('/messages')) return Promise.resolve(json(200, { results: serverMessages, has_more: false }));
  if (method === 'POST' && path === '/messages') {
    const b = body as { body: string; client_id: string };
    const m: Message = { id: `m${serverMessages.length + 1}`, client_id: b.client_id, direction: 'in', kind: 'text', body: b.body, author_name: 'Maria', created_at: new Date().toISOString(), attachments: [] };
    serverMessages.push(m);
    return Promise.resolve(json(201, m));
  }
  if (method === 'POST' && path === '/typing') return Promise.resolve(new Response(null, { status: 204 }));
  return Promise.resolve(json(404, { code: 'not_found', message: 'no' }));
}

const shadow = () => document.querySelector('atendo-widget')!.shadowRoot!;
const $ = <T extends Element = HTMLElement>(testid: string) => shadow().querySelector<T>(`[data-testid="${testid}"]`);
const $$ = (testid: string) => Array.from(shadow().querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`));

async function mounted(): Promise<Widget> {
  const widget = new Widget({ token: TOKEN, apiBase: API, wsBase: '' }, 'pt-BR', () => undefined);
  await widget.mount();
  return widget;
}

beforeEach(() => {
  calls = [];
  serverMessages = [];
  prechatFields = [];
  deadSessions = new Set();
  FakeWebSocket.instances = [];
  localStorage.clear();
  sessionStorage.clear();
  document.body.replaceChildren();
  vi.stubGlobal('fetch', vi.fn(fakeFetch));
  vi.stubGlobal('WebSocket', FakeWebSocket);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe('Widget', () => {
  it('renders in an open shadow root with the account colour and greeting', async () => {
    await mounted();
    const host = document.querySelector('atendo-widget') as HTMLElement;
    expect(host.style.getPropertyValue('--atendo-primary')).toBe('#0a7d33');
    expect(host.style.getPropertyPriority('display')).toBe('important');
    const launcher = $('widget-launcher')!;
    expect(launcher.getAttribute('aria-label')).toBe('Abrir chat');
    expect($('widget-panel')!.hidden).toBe(true);
    launcher.click();
    expect($('widget-panel')!.hidden).toBe(false);
    expect(launcher.getAttribute('aria-expanded')).toBe('true');
    expect($('widget-greeting')!.textContent).toContain('Olá! Como podemos ajudar?');
    expect(shadow().activeElement).toBe($('widget-input'));
    const [first] = calls;
    expect(first!.init).toMatchObject({ mode: 'cors', credentials: 'omit' });
  });

  it('Esc closes the panel and gives focus back to the launcher', async () => {
    await mounted();
    $('widget-launcher')!.click();
    $('widget-input')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    expect($('widget-panel')!.hidden).toBe(true);
    expect(shadow().activeElement).toBe($('widget-launcher'));
  });

  it('asks for pre-chat fields, validates them and starts the session with them', async () => {
    prechatFields = [
      { name: 'name', label: 'Nome', type: 'text', required: true },
      { name: 'email', label: 'E-mail', type: 'email', required: true },
      { name: 'order', label: 'Pedido', type: 'text', required: false },
    ];
    await mounted();
    $('widget-launcher')!.click();
    expect($('widget-prechat')).not.toBeNull();
    expect($('widget-input')).toBeNull();
    const form = $<HTMLFormElement>('widget-prechat')!;
    form.requestSubmit();
    expect($('prechat-name')!.getAttribute('aria-invalid')).toBe('true');
    expect(calls.some((c) => c.url.endsWith('/sessions'))).toBe(false);
    $<HTMLInputElement>('prechat-name')!.value = 'Maria Cliente';
    $<HTMLInputElement>('prechat-email')!.value = 'not-an-email';
    form.requestSubmit();
    expect($('prechat-email')!.getAttribute('aria-invalid')).toBe('true');
    $<HTMLInputElement>('prechat-email')!.value = 'maria@example.test';
    form.requestSubmit();
    await vi.waitFor(() => expect($('widget-input')?.isConnected).toBe(true));
    const session = calls.find((c) => c.url.endsWith('/sessions'))!;
    expect(session.body).toEqual({ prechat: { name: 'Maria Cliente', email: 'maria@example.test' }, language: 'pt-BR' });
    expect(localStorage.getItem(`atendo:${TOKEN}:session`)).toBe('sess-1');
    expect(FakeWebSocket.last().url).toBe(`wss://rt.atendo.example/ws/widget/${TOKEN}?session=sess-1`);
  });

  it('sends optimistically, reconciles by client_id and shows markup literally', async () => {
    await mounted();
    $('widget-launcher')!.click();
    const text = 'Olá, preciso de ajuda <script>alert(1)</script>';
    const input = $<HTMLTextAreaElement>('widget-input')!;
    input.value = text;
    $<HTMLFormElement>('widget-composer')!.requestSubmit();
    // optimistic bubble, before any answer
    expect($$('widget-message')).toHaveLength(1);
    expect($$('widget-message')[0]!.dataset.status).toBe('sending');
    await vi.waitFor(() => expect($$('widget-message')[0]!.dataset.status).toBe('sent'));
    const post = calls.find((c) => c.method === 'POST' && c.url.endsWith('/messages'))!;
    expect(post.headers['X-Visitor-Session']).toBe('sess-1');
    const clientId = (post.body as { client_id: string }).client_id;
    expect($$('widget-message')[0]!.dataset.clientId).toBe(clientId);
    // the websocket echo of the same message changes nothing
    FakeWebSocket.last().serverOpen();
    FakeWebSocket.last().serverSend({ event: 'message.created', message: serverMessages[0] });
    await vi.waitFor(() => expect(calls.filter((c) => c.url.includes('/messages?')).length).toBeGreaterThanOrEqual(2));
    expect($$('widget-message')).toHaveLength(1);
    expect($$('widget-message-text')[0]!.textContent).toBe(text);
    expect(shadow().querySelector('script')).toBeNull();
    expect(input.value).toBe('');
  });

  it('counts agent replies while closed, shows typing, and resumes the session after a reload', async () => {
    localStorage.setItem(`atendo:${TOKEN}:session`, 'sess-old');
    serverMessages = [
      { id: 'm1', client_id: 'c1', direction: 'in', kind: 'text', body: 'oi', author_name: 'Maria', created_at: '2030-01-01T10:00:00Z', attachments: [] },
    ];
    await mounted();
    await vi.waitFor(() => expect(FakeWebSocket.instances.length).toBe(1));
    const resume = calls.find((c) => c.url.endsWith('/sessions'))!;
    expect(resume.body).toMatchObject({ session_token: 'sess-old' });
    const ws = FakeWebSocket.last();
    ws.serverOpen();
    ws.serverSend({ event: 'typing', typing: true, author_name: 'Ana' });
    ws.serverSend({
      event: 'message.created',
      message: { id: 'm2', client_id: null, direction: 'out', kind: 'text', body: '<img src=x onerror=alert(1)>', author_name: 'Ana', created_at: '2030-01-01T10:01:00Z', attachments: [{ id: 'a', name: 'x.png', mime: 'image/png', size: 10, url: 'javascript:alert(1)' }] },
    });
    expect($('widget-badge')!.hidden).toBe(false);
    expect($('widget-badge')!.textContent).toBe('1');
    $('widget-launcher')!.click();
    expect($('widget-badge')!.hidden).toBe(true);
    await vi.waitFor(() => expect($$('widget-message')).toHaveLength(2));
    expect($$('widget-message-text').map((e) => e.textContent)).toEqual(['oi', '<img src=x onerror=alert(1)>']);
    expect(shadow().querySelector('[href^="javascript"], img[src^="javascript"], img[onerror]')).toBeNull();
    expect($('widget-typing')!.hidden).toBe(true); // the reply ended "typing"
    ws.serverSend({ event: 'typing', typing: true, author_name: 'Ana' });
    expect($('widget-typing')!.textContent).toBe('Ana está digitando…');
    ws.serverSend({ event: 'conversation.status_changed', status: 'resolved' });
    expect(shadow().querySelector('.note')!.hasAttribute('hidden')).toBe(false);
  });

  it('a 4401 close forgets the stored session', async () => {
    localStorage.setItem(`atendo:${TOKEN}:session`, 'sess-old');
    await mounted();
    await vi.waitFor(() => expect(FakeWebSocket.instances.length).toBe(1));
    FakeWebSocket.last().serverClose(4401);
    expect(localStorage.getItem(`atendo:${TOKEN}:session`)).toBeNull();
  });

  it('while the socket cannot connect, REST resync keeps going and notices a dead session', async () => {
    localStorage.setItem(`atendo:${TOKEN}:session`, 'sess-old');
    await mounted();
    await vi.waitFor(() => expect(calls.filter((c) => c.url.includes('/messages?')).length).toBe(1));
    deadSessions.add('sess-old');
    FakeWebSocket.last().serverClose(1006); // within 5 s of the last resync: no extra request
    expect(calls.filter((c) => c.url.includes('/messages?')).length).toBe(1);
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 6000);
    await vi.waitFor(() => expect(FakeWebSocket.instances.length).toBe(2), { timeout: 3000 });
    FakeWebSocket.last().serverClose(1006); // refused before accept: the browser only sees 1006
    await vi.waitFor(() => expect(localStorage.getItem(`atendo:${TOKEN}:session`)).toBeNull());
  });

  it('refuses a file above max_upload_bytes without uploading it', async () => {
    await mounted();
    $('widget-launcher')!.click();
    const input = $<HTMLInputElement>('widget-file')!;
    Object.defineProperty(input, 'files', { value: [new File([new Uint8Array(2000)], 'big.pdf', { type: 'application/pdf' })], configurable: true });
    input.dispatchEvent(new Event('change'));
    await vi.waitFor(() => expect($$('widget-message')[0]?.dataset.status).toBe('failed'));
    expect($$('widget-message')[0]!.textContent).toContain('O arquivo é grande demais');
    expect(calls.some((c) => c.method === 'POST' && c.url.endsWith('/messages'))).toBe(false);
  });
});

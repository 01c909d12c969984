// The visitor's websocket: reconnects with exponential backoff, pings every 25 s, and tells the
// widget when it came back after a gap (so it resyncs history over REST) or when the server
// closed it with 4401 (session invalid: start a new session).

import { backoffDelay } from './backoff';
import type { ServerFrame } from './types';

export const PING_INTERVAL_MS = 25000;
export const CLOSE_SESSION_INVALID = 4401;

export interface SocketHandlers {
  onFrame(frame: ServerFrame): void;
  /** Connected; `afterGap` is true for every connection but the first. */
  onOpen(afterGap: boolean): void;
  onDown(): void;
  onSessionInvalid(): void;
}

export class WidgetSocket {
  private ws: WebSocket | null = null;
  private attempt = 0;
  private opened = false;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private readonly onOnline = () => {
    if (!this.ws && !this.stopped) {
      clearTimeout(this.retryTimer);
      this.connect();
    }
  };

  constructor(
    private readonly url: string,
    private readonly handlers: SocketHandlers,
  ) {}

  start(): void {
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    const ws = this.ws;
    this.ws = null;
    if (ws) ws.close(1000);
  }

  private connect(): void {
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      const afterGap = this.opened;
      this.opened = true;
      this.attempt = 0;
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping' }));
      }, PING_INTERVAL_MS);
      this.handlers.onOpen(afterGap);
    };
    ws.onmessage = (event: MessageEvent) => {
      if (typeof event.data !== 'string') return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(event.data) as ServerFrame;
      } catch {
        return;
      }
      if (frame && typeof frame === 'object' && typeof frame.event === 'string') this.handlers.onFrame(frame);
    };
    ws.onclose = (event: CloseEvent) => {
      if (this.ws !== ws) return; // replaced or stopped
      this.ws = null;
      clearInterval(this.pingTimer);
      if (this.stopped) return;
      if (event.code === CLOSE_SESSION_INVALID) {
        this.stopped = true;
        this.handlers.onSessionInvalid();
        return;
      }
      this.handlers.onDown();
      this.scheduleRetry();
    };
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = backoffDelay(this.attempt);
    this.attempt += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }
}

/** `{wsBase}/ws/widget/{token}?session=…`; an empty base means apiBase's origin with ws/wss. */
export function socketUrl(wsBase: string, apiBase: string, token: string, session: string): string {
  const base = (wsBase || apiBase.replace(/^http(s?):/i, 'ws$1:')).replace(/\/+$/, '');
  return `${base}/ws/widget/${encodeURIComponent(token)}?session=${encodeURIComponent(session)}`;
}

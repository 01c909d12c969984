import { DEFAULT_BACKOFF, backoffDelay, type BackoffOptions } from './backoff';
import {
  STATE_EVENTS,
  isKnownEvent,
  type RealtimeEventMap,
  type RealtimeEventName,
  type RealtimeHandlers,
} from './events';

/** The part of the browser WebSocket the client uses (tests pass a fake). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string, protocols: string[]) => WebSocketLike;

/**
 * connecting: first attempt in flight · open: live · reconnecting: dropped, retrying soon ·
 * polling: websockets failing or unavailable, data refreshed over REST on a timer ·
 * denied: the server refused this stream for good (no access) · closed: unsubscribed.
 */
export type StreamStatus = 'connecting' | 'open' | 'reconnecting' | 'polling' | 'denied' | 'closed';

export interface TenantRef {
  id: string;
  slug: string;
}

export interface RealtimeClientOptions {
  /** Websocket origin such as `wss://rt.example.com`, resolved at every connect (config loads late). */
  resolveBaseUrl: () => Promise<string>;
  /** A valid access token (refreshed first when about to expire), or null when signed out. */
  resolveToken: (forceRefresh: boolean) => Promise<string | null>;
  /** The tenant the UI works in: frames of any other tenant are dropped. */
  currentTenant: () => TenantRef | null;
  /** Defaults to the browser's WebSocket; when there is none every stream polls over REST. */
  createSocket?: SocketFactory | null;
  backoff?: BackoffOptions;
  random?: () => number;
  pollIntervalMs?: number;
  /** Failed connects in a row after which the stream also polls while it keeps retrying. */
  failuresBeforePolling?: number;
  pingIntervalMs?: number;
  /** How many state frames are remembered for deduplication. */
  dedupeWindow?: number;
}

export interface StreamOptions {
  /** Path after `/ws/{tenant_slug}/`, e.g. `inbox` or `conversations/{id}`. */
  path: string;
  /**
   * Brings the subscriber's store up to date over REST. Called whenever the socket (re)opens,
   * since events sent while it was down are lost, and on every poll while it is down.
   */
  resync?: () => Promise<void> | void;
  onStatus?: (status: StreamStatus) => void;
}

export interface Subscription {
  readonly status: StreamStatus;
  /** Sends a client frame (e.g. typing); false when the socket is not open. */
  send(frame: Record<string, unknown>): boolean;
  close(): void;
}

// Close codes the consumers use (core/realtime/consumers.py).
export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_NOT_FOUND = 4404;
const CLOSE_NORMAL = 1000;
const OPEN = 1;

function defaultSocketFactory(): SocketFactory | null {
  if (typeof globalThis.WebSocket !== 'function') return null;
  return (url, protocols) => new globalThis.WebSocket(url, protocols);
}

/**
 * One realtime client for the whole app. Streams are transports (one socket per backend
 * route); events from every stream go through a single tenant check, a deduplication of
 * state frames, and one typed event → handler map that feeds the stores.
 */
export class RealtimeClient {
  private readonly handlerMaps = new Set<RealtimeHandlers>();
  private readonly seenFrames = new Map<string, true>();
  private readonly streams = new Set<Stream>();
  readonly options: Required<Omit<RealtimeClientOptions, 'createSocket'>> & { createSocket: SocketFactory | null };

  constructor(options: RealtimeClientOptions) {
    this.options = {
      backoff: DEFAULT_BACKOFF,
      random: Math.random,
      pollIntervalMs: 15000,
      failuresBeforePolling: 2,
      pingIntervalMs: 25000,
      dedupeWindow: 500,
      ...options,
      createSocket: options.createSocket === undefined ? defaultSocketFactory() : options.createSocket,
    };
  }

  /** Registers handlers for any subset of events; returns the function that removes them. */
  on(handlers: RealtimeHandlers): () => void {
    this.handlerMaps.add(handlers);
    return () => {
      this.handlerMaps.delete(handlers);
    };
  }

  subscribe(options: StreamOptions): Subscription {
    const stream = new Stream(this, options, () => this.streams.delete(stream));
    this.streams.add(stream);
    stream.start();
    return stream;
  }

  /** Closes every stream (logout, tenant switch). */
  closeAll(): void {
    for (const stream of [...this.streams]) stream.close();
    this.seenFrames.clear();
  }

  /** Entry point for every raw frame of every stream. */
  receive(raw: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(raw);
    } catch {
      return;
    }
    if (!frame || typeof frame !== 'object') return;
    const { event, tenant_id: tenantId } = frame as { event?: unknown; tenant_id?: unknown };
    if (!isKnownEvent(event)) return; // pong and events this app does not use
    const tenant = this.options.currentTenant();
    if (!tenant || (tenantId !== undefined && tenantId !== tenant.id)) return;
    if (STATE_EVENTS.has(event) && this.alreadyApplied(raw)) return;
    this.dispatch(event, frame as RealtimeEventMap[typeof event]);
  }

  private alreadyApplied(raw: string): boolean {
    if (this.seenFrames.has(raw)) return true;
    this.seenFrames.set(raw, true);
    if (this.seenFrames.size > this.options.dedupeWindow) {
      const oldest = this.seenFrames.keys().next().value;
      if (oldest !== undefined) this.seenFrames.delete(oldest);
    }
    return false;
  }

  private dispatch<K extends RealtimeEventName>(event: K, frame: RealtimeEventMap[K]): void {
    for (const handlers of this.handlerMaps) {
      const handler = handlers[event] as ((f: RealtimeEventMap[K]) => void) | undefined;
      try {
        handler?.(frame);
      } catch (error) {
        // One broken handler must not starve the others (or kill the socket's onmessage).
        console.error(`realtime handler for ${event} failed`, error);
      }
    }
  }
}

class Stream implements Subscription {
  status: StreamStatus = 'connecting';
  private ws: WebSocketLike | null = null;
  private attempt = 0;
  private failuresInARow = 0;
  private forceTokenRefresh = false;
  private closed = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private resyncing: Promise<void> | null = null;
  private resyncAgain = false;

  private readonly reconnectNow = () => {
    if (this.closed || this.ws || this.status === 'denied') return;
    clearTimeout(this.retryTimer);
    void this.connect();
  };

  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible') this.reconnectNow();
  };

  constructor(
    private readonly client: RealtimeClient,
    private readonly options: StreamOptions,
    private readonly onClosed: () => void,
  ) {}

  start(): void {
    if (typeof window !== 'undefined') window.addEventListener('online', this.reconnectNow);
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onVisibility);
    if (!this.client.options.createSocket) {
      this.startPolling();
      return;
    }
    void this.connect();
  }

  send(frame: Record<string, unknown>): boolean {
    if (!this.ws || this.ws.readyState !== OPEN) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (typeof window !== 'undefined') window.removeEventListener('online', this.reconnectNow);
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', this.onVisibility);
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    this.stopPolling();
    const ws = this.ws;
    this.ws = null;
    ws?.close(CLOSE_NORMAL);
    this.setStatus('closed');
    this.onClosed();
  }

  private setStatus(status: StreamStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.options.onStatus?.(status);
  }

  private async connect(): Promise<void> {
    const factory = this.client.options.createSocket;
    const tenant = this.client.options.currentTenant();
    if (!factory || !tenant) return;
    let url: string;
    let token: string | null;
    try {
      const forceRefresh = this.forceTokenRefresh;
      this.forceTokenRefresh = false;
      [url, token] = await Promise.all([
        this.client.options.resolveBaseUrl(),
        this.client.options.resolveToken(forceRefresh),
      ]);
    } catch {
      this.onFailure();
      return;
    }
    if (this.closed || this.ws) return;
    if (!token) {
      this.onFailure(); // signed out meanwhile, or the refresh failed (network): try again later
      return;
    }
    let ws: WebSocketLike;
    try {
      // The token travels as a subprotocol, not in the query string, so it stays out of access logs.
      ws = factory(`${url.replace(/\/+$/, '')}/ws/${tenant.slug}/${this.options.path}`, ['bearer', token]);
    } catch {
      this.onFailure();
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.attempt = 0;
      this.failuresInARow = 0;
      this.stopPolling();
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.send({ type: 'ping' }), this.client.options.pingIntervalMs);
      this.setStatus('open');
      this.resync();
    };
    ws.onmessage = (event) => {
      if (this.ws === ws && typeof event.data === 'string') this.client.receive(event.data);
    };
    ws.onclose = (event) => {
      if (this.ws !== ws) return; // replaced or closed by us
      this.ws = null;
      clearInterval(this.pingTimer);
      if (this.closed) return;
      if (event.code === CLOSE_FORBIDDEN || event.code === CLOSE_NOT_FOUND) {
        this.stopPolling();
        this.setStatus('denied');
        return;
      }
      // A handshake refused before opening reaches the browser as a bare 1006, whatever the
      // reason; resolveToken checks the token's expiry before every attempt for that case.
      if (event.code === CLOSE_UNAUTHENTICATED) this.forceTokenRefresh = true;
      if (!opened) this.onFailure();
      else this.onDrop();
    };
  }

  /** A live socket went away: retry at once-ish (first backoff step), without polling yet. */
  private onDrop(): void {
    this.failuresInARow = 0;
    this.onFailure();
  }

  private onFailure(): void {
    if (this.closed) return;
    this.failuresInARow += 1;
    if (this.failuresInARow >= this.client.options.failuresBeforePolling) this.startPolling();
    else this.setStatus('reconnecting');
    const delay = backoffDelay(this.attempt, this.client.options.backoff, this.client.options.random);
    this.attempt += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private startPolling(): void {
    this.setStatus('polling');
    if (this.pollTimer !== undefined) return;
    this.resync();
    this.pollTimer = setInterval(() => this.resync(), this.client.options.pollIntervalMs);
  }

  private stopPolling(): void {
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  /**
   * Runs the subscriber's resync, never two at once. A request arriving during a run queues
   * one more: the running one may have read the server before the socket opened.
   */
  private resync(): void {
    if (!this.options.resync || this.closed) return;
    if (this.resyncing) {
      this.resyncAgain = true;
      return;
    }
    this.resyncing = Promise.resolve()
      .then(() => this.options.resync?.())
      .catch(() => undefined) // a failed resync is retried on the next open or poll
      .finally(() => {
        this.resyncing = null;
        if (this.resyncAgain) {
          this.resyncAgain = false;
          this.resync();
        }
      });
  }
}

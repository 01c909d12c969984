import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeWebSocket } from '../../test/fakeWebSocket';
import { TENANT, makeConversation, makeMessage } from '../../test/factories';
import { RealtimeClient, type RealtimeClientOptions, type StreamStatus } from './client';
import { backoffDelay } from './backoff';
import { expiresSoon, jwtExpiry } from './token';

function client(overrides: Partial<RealtimeClientOptions> = {}) {
  const tokens = vi.fn(async (_force: boolean) => 'tok');
  const realtime = new RealtimeClient({
    resolveBaseUrl: async () => 'ws://rt.test/',
    resolveToken: tokens,
    currentTenant: () => TENANT,
    createSocket: FakeWebSocket.factory,
    random: () => 1, // upper bound of the jitter: exact delays
    ...overrides,
  });
  return { realtime, tokens };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

function messageFrame(event: 'message.created' | 'message.updated', overrides = {}) {
  const message = makeMessage({ id: 'm-1', conversation_id: 'c-1', ...overrides });
  return { event, tenant_id: TENANT.id, conversation_id: 'c-1', message };
}

describe('RealtimeClient', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeWebSocket.reset();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('connects to /ws/{tenant}/{path} with the token as a bearer subprotocol', async () => {
    const { realtime } = client();
    realtime.subscribe({ path: 'inbox' });
    await flush();
    expect(FakeWebSocket.last().url).toBe('ws://rt.test/ws/demo/inbox');
    expect(FakeWebSocket.last().protocols).toEqual(['bearer', 'tok']);
  });

  it('reconnects with exponential backoff, then resubscribes and resyncs after the gap', async () => {
    const { realtime } = client({ failuresBeforePolling: 99 });
    const resync = vi.fn();
    const statuses: StreamStatus[] = [];
    realtime.subscribe({ path: 'inbox', resync, onStatus: (s) => statuses.push(s) });
    await flush();
    FakeWebSocket.last().serverOpen();
    await flush();
    expect(resync).toHaveBeenCalledTimes(1); // events before the socket opened are fetched too

    FakeWebSocket.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeWebSocket.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeWebSocket.instances).toHaveLength(2); // 1 s
    FakeWebSocket.last().serverClose(1006); // refused again: 2 s
    await vi.advanceTimersByTimeAsync(1999);
    expect(FakeWebSocket.instances).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeWebSocket.instances).toHaveLength(3);
    FakeWebSocket.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(4000);
    expect(FakeWebSocket.instances).toHaveLength(4); // 4 s

    FakeWebSocket.last().serverOpen();
    await flush();
    expect(FakeWebSocket.last().url).toBe('ws://rt.test/ws/demo/inbox');
    expect(resync).toHaveBeenCalledTimes(2);
    expect(statuses).toEqual(['open', 'reconnecting', 'open']);

    // a connection that opened resets the backoff
    FakeWebSocket.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeWebSocket.instances).toHaveLength(5);
  });

  it('uses jitter between half and the whole of the exponential step', () => {
    expect(backoffDelay(0, undefined, () => 0)).toBe(500);
    expect(backoffDelay(0, undefined, () => 1)).toBe(1000);
    expect(backoffDelay(3, undefined, () => 0.5)).toBe(6000);
    expect(backoffDelay(20, undefined, () => 1)).toBe(30000);
  });

  it('dispatches typed events to every handler map and drops other tenants', async () => {
    const { realtime } = client();
    const created = vi.fn();
    const updated = vi.fn();
    realtime.on({ 'message.created': created });
    realtime.on({ 'conversation.updated': updated, 'message.created': created });
    realtime.subscribe({ path: 'inbox' });
    await flush();
    const ws = FakeWebSocket.last();
    ws.serverOpen();
    ws.serverSend(messageFrame('message.created'));
    ws.serverSend({ ...messageFrame('message.created', { id: 'm-2' }), tenant_id: 'another' });
    ws.serverSend({ event: 'pong' });
    ws.serverSend('not json');
    ws.serverSend({ event: 'conversation.updated', tenant_id: TENANT.id, change: 'status', conversation: makeConversation() });
    expect(created).toHaveBeenCalledTimes(2); // once per map, other tenant dropped
    expect(created.mock.calls[0]?.[0].message.id).toBe('m-1');
    expect(updated).toHaveBeenCalledTimes(1);
  });

  it('applies a state frame once even when two streams (or a replay) deliver it', async () => {
    const { realtime } = client();
    const created = vi.fn();
    const updated = vi.fn();
    const typing = vi.fn();
    realtime.on({ 'message.created': created, 'message.updated': updated, typing });
    realtime.subscribe({ path: 'inbox' });
    realtime.subscribe({ path: 'conversations/c-1' });
    await flush();
    const [inbox, room] = FakeWebSocket.instances;
    inbox?.serverOpen();
    room?.serverOpen();
    const frame = messageFrame('message.created');
    inbox?.serverSend(frame);
    room?.serverSend(frame);
    expect(created).toHaveBeenCalledTimes(1);
    // a new state of the same message is not a duplicate
    room?.serverSend(messageFrame('message.updated', { delivery_status: 'sent' }));
    inbox?.serverSend(messageFrame('message.updated', { delivery_status: 'sent' }));
    room?.serverSend(messageFrame('message.updated', { delivery_status: 'delivered' }));
    expect(updated).toHaveBeenCalledTimes(2);
    // typing frames repeat legitimately (start, stop, start)
    const typingFrame = { event: 'typing', tenant_id: TENANT.id, conversation_id: 'c-1', typing: true, author_name: 'Ana', by_contact: true, member_id: null };
    room?.serverSend(typingFrame);
    room?.serverSend({ ...typingFrame, typing: false });
    room?.serverSend(typingFrame);
    expect(typing).toHaveBeenCalledTimes(3);
  });

  it('polls over REST while the socket keeps failing, and stops once it opens', async () => {
    const { realtime } = client({ failuresBeforePolling: 2, pollIntervalMs: 15000 });
    const resync = vi.fn();
    const statuses: StreamStatus[] = [];
    realtime.subscribe({ path: 'inbox', resync, onStatus: (s) => statuses.push(s) });
    await flush();
    FakeWebSocket.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1000);
    FakeWebSocket.last().serverClose(1006);
    await flush();
    expect(statuses.at(-1)).toBe('polling');
    expect(resync).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(15000);
    expect(resync).toHaveBeenCalledTimes(2);
    // the retry scheduled 2 s after the second failure is still connecting: let it succeed
    FakeWebSocket.last().serverOpen();
    await flush();
    const afterOpen = resync.mock.calls.length;
    await vi.advanceTimersByTimeAsync(60000);
    expect(resync).toHaveBeenCalledTimes(afterOpen);
    expect(statuses.at(-1)).toBe('open');
  });

  it('polls from the start when the browser has no WebSocket', async () => {
    const { realtime } = client({ createSocket: null, pollIntervalMs: 10000 });
    const resync = vi.fn();
    const sub = realtime.subscribe({ path: 'inbox', resync });
    await flush();
    expect(sub.status).toBe('polling');
    expect(resync).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(30000);
    expect(resync).toHaveBeenCalledTimes(4);
    sub.close();
    await vi.advanceTimersByTimeAsync(30000);
    expect(resync).toHaveBeenCalledTimes(4);
  });

  it('refreshes the token after a 4401 and gives up on 4403/4404', async () => {
    const { realtime, tokens } = client();
    realtime.subscribe({ path: 'inbox' });
    await flush();
    FakeWebSocket.last().serverOpen();
    FakeWebSocket.last().serverClose(4401);
    await vi.advanceTimersByTimeAsync(1000);
    expect(tokens.mock.calls.map((c) => c[0])).toEqual([false, true]);

    const room = realtime.subscribe({ path: 'conversations/c-9' });
    await flush();
    FakeWebSocket.last().serverOpen();
    FakeWebSocket.last().serverClose(4404);
    const count = FakeWebSocket.instances.length;
    await vi.advanceTimersByTimeAsync(120000);
    expect(room.status).toBe('denied');
    expect(FakeWebSocket.instances).toHaveLength(count);
  });

  it('sends pings while open, client frames on demand, and closes cleanly', async () => {
    const { realtime } = client({ pingIntervalMs: 25000 });
    const sub = realtime.subscribe({ path: 'conversations/c-1' });
    await flush();
    expect(sub.send({ type: 'typing', typing: true })).toBe(false);
    const ws = FakeWebSocket.last();
    ws.serverOpen();
    expect(sub.send({ type: 'typing', typing: true })).toBe(true);
    await vi.advanceTimersByTimeAsync(50000);
    expect(ws.sent).toEqual(['{"type":"typing","typing":true}', '{"type":"ping"}', '{"type":"ping"}']);
    sub.close();
    expect(ws.closedWith).toBe(1000);
    await vi.advanceTimersByTimeAsync(60000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });

  it('never runs two resyncs at once but runs one more if asked meanwhile', async () => {
    const { realtime } = client({ failuresBeforePolling: 99 });
    let release: () => void = () => undefined;
    const resync = vi.fn(() => new Promise<void>((resolve) => (release = resolve)));
    realtime.subscribe({ path: 'inbox', resync });
    await flush();
    FakeWebSocket.last().serverOpen();
    await flush();
    FakeWebSocket.last().serverClose(1006);
    await vi.advanceTimersByTimeAsync(1000);
    FakeWebSocket.last().serverOpen(); // reopened while the first resync still runs
    await flush();
    expect(resync).toHaveBeenCalledTimes(1);
    release();
    await flush();
    expect(resync).toHaveBeenCalledTimes(2);
  });
});

describe('jwt expiry', () => {
  const token = (exp: number) => `x.${btoa(JSON.stringify({ exp })).replace(/=+$/, '')}.y`;
  it('reads exp and tells when a refresh is due', () => {
    expect(jwtExpiry(token(2000))).toBe(2000);
    expect(expiresSoon(token(2000), 1_900_000)).toBe(false);
    expect(expiresSoon(token(2000), 1_990_000)).toBe(true);
    expect(expiresSoon('garbage')).toBe(true);
  });
});

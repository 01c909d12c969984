import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PING_INTERVAL_MS, WidgetSocket, socketUrl } from './socket';
import { FakeWebSocket } from './testing';

describe('socketUrl', () => {
  it('joins the websocket base, token and session', () => {
    expect(socketUrl('ws://127.0.0.1:8001', 'http://127.0.0.1:8000', 'tok', 's/1')).toBe('ws://127.0.0.1:8001/ws/widget/tok?session=s%2F1');
    expect(socketUrl('wss://rt.example/', 'https://a.example', 'tok', 's')).toBe('wss://rt.example/ws/widget/tok?session=s');
  });
  it('falls back to apiBase with ws/wss when the base is empty', () => {
    expect(socketUrl('', 'https://atendo.example', 'tok', 's')).toBe('wss://atendo.example/ws/widget/tok?session=s');
    expect(socketUrl('', 'http://127.0.0.1:8000/', 'tok', 's')).toBe('ws://127.0.0.1:8000/ws/widget/tok?session=s');
  });
});

describe('WidgetSocket', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(1); // upper bound of the jitter: exact delays
    FakeWebSocket.instances = [];
    vi.stubGlobal('WebSocket', FakeWebSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  function make() {
    const calls: string[] = [];
    const socket = new WidgetSocket('ws://x/ws/widget/t?session=s', {
      onFrame: (f) => calls.push(`frame:${f.event}`),
      onOpen: (gap) => calls.push(`open:${gap}`),
      onDown: () => calls.push('down'),
      onSessionInvalid: () => calls.push('invalid'),
    });
    return { socket, calls };
  }

  it('reconnects with exponential backoff and flags the gap', () => {
    const { socket, calls } = make();
    socket.start();
    FakeWebSocket.last().serverOpen();
    FakeWebSocket.last().serverClose(1006);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(999);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(2); // 1 s
    FakeWebSocket.last().serverClose(1006);
    vi.advanceTimersByTime(1999);
    expect(FakeWebSocket.instances).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(3); // 2 s
    FakeWebSocket.last().serverClose(1006);
    vi.advanceTimersByTime(4000);
    expect(FakeWebSocket.instances).toHaveLength(4); // 4 s
    FakeWebSocket.last().serverOpen();
    // a successful connection resets the backoff
    FakeWebSocket.last().serverClose(1006);
    vi.advanceTimersByTime(1000);
    expect(FakeWebSocket.instances).toHaveLength(5);
    expect(calls).toEqual(['open:false', 'down', 'down', 'down', 'open:true', 'down']);
    socket.stop();
  });

  it('pings every 25 s while open and forwards frames', () => {
    const { socket, calls } = make();
    socket.start();
    const ws = FakeWebSocket.last();
    ws.serverOpen();
    vi.advanceTimersByTime(PING_INTERVAL_MS * 2);
    expect(ws.sent).toEqual(['{"type":"ping"}', '{"type":"ping"}']);
    ws.serverSend({ event: 'pong' });
    ws.onmessage?.({ data: 'not json' });
    ws.serverSend({ event: 'typing', typing: true, author_name: 'Ana' });
    expect(calls).toEqual(['open:false', 'frame:pong', 'frame:typing']);
    socket.stop();
    expect(ws.closedWith).toBe(1000);
    vi.advanceTimersByTime(PING_INTERVAL_MS);
    expect(ws.sent).toHaveLength(2);
  });

  it('4401 reports an invalid session and stops reconnecting', () => {
    const { socket, calls } = make();
    socket.start();
    FakeWebSocket.last().serverOpen();
    FakeWebSocket.last().serverClose(4401);
    vi.advanceTimersByTime(60000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(calls).toEqual(['open:false', 'invalid']);
    socket.stop();
  });

  it('stop() prevents any reconnect', () => {
    const { socket } = make();
    socket.start();
    FakeWebSocket.last().serverClose(1006);
    socket.stop();
    vi.advanceTimersByTime(60000);
    expect(FakeWebSocket.instances).toHaveLength(1);
  });
});

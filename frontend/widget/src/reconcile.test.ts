import { describe, expect, it } from 'vitest';
import { LOCAL_PREFIX, localMessage, mergeMessage, mergeMessages, newClientId, oldestServerId, patchLocal } from './reconcile';
import type { Message, ViewMessage } from './types';

function msg(id: string, at: string, extra: Partial<Message> = {}): Message {
  return { id, client_id: null, direction: 'out', kind: 'text', body: id, author_name: 'Ana', created_at: at, attachments: [], ...extra };
}

const T0 = new Date('2030-01-01T10:00:00Z');

describe('mergeMessage', () => {
  it('replaces the optimistic message with the server copy of the same client_id', () => {
    let list: ViewMessage[] = [localMessage('c1', 'hello', 'Maria', T0)];
    expect(list[0]).toMatchObject({ id: `${LOCAL_PREFIX}c1`, status: 'sending', direction: 'in' });
    list = mergeMessage(list, msg('m1', '2030-01-01T10:00:01Z', { client_id: 'c1', direction: 'in', body: 'hello' }));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: 'm1', client_id: 'c1', status: 'sent' });
  });

  it('ignores the websocket echo arriving after the POST answer (and vice versa)', () => {
    const server = msg('m1', '2030-01-01T10:00:01Z', { client_id: 'c1', direction: 'in' });
    const start: ViewMessage[] = [localMessage('c1', 'm1', 'Maria', T0)];
    const a = mergeMessage(mergeMessage(start, server), server);
    const b = mergeMessage(mergeMessage(start, { ...server }), server);
    expect(a).toEqual(b);
    expect(a.map((m) => m.id)).toEqual(['m1']);
  });

  it('never lists the same id twice and updates it in place', () => {
    let list = mergeMessages([], [msg('a', '2030-01-01T10:00:00Z'), msg('b', '2030-01-01T10:00:02Z')]);
    list = mergeMessage(list, { ...msg('a', '2030-01-01T10:00:00Z'), body: 'edited' });
    expect(list.map((m) => [m.id, m.body])).toEqual([
      ['a', 'edited'],
      ['b', 'b'],
    ]);
  });

  it('orders server messages by created_at and keeps messages in flight last', () => {
    let list: ViewMessage[] = [localMessage('c9', 'pending', 'Maria', T0)];
    list = mergeMessages(list, [msg('late', '2030-01-01T10:05:00Z'), msg('early', '2030-01-01T10:01:00Z')]);
    expect(list.map((m) => m.id)).toEqual(['early', 'late', `${LOCAL_PREFIX}c9`]);
  });

  it('merges an older history page in front without duplicates', () => {
    const recent = mergeMessages([], [msg('3', '2030-01-01T10:03:00Z'), msg('4', '2030-01-01T10:04:00Z')]);
    const merged = mergeMessages(recent, [msg('1', '2030-01-01T10:01:00Z'), msg('2', '2030-01-01T10:02:00Z'), msg('3', '2030-01-01T10:03:00Z')]);
    expect(merged.map((m) => m.id)).toEqual(['1', '2', '3', '4']);
    expect(oldestServerId(merged)).toBe('1');
  });

  it('does not modify its input', () => {
    const list: ViewMessage[] = [localMessage('c1', 'x', 'Maria', T0)];
    const copy = JSON.parse(JSON.stringify(list));
    mergeMessage(list, msg('m1', '2030-01-01T10:00:01Z', { client_id: 'c1' }));
    expect(JSON.parse(JSON.stringify(list))).toEqual(copy);
  });

  it('a server message whose client_id matches nothing is simply added', () => {
    const list = mergeMessage([localMessage('c1', 'x', 'Maria', T0)], msg('m2', '2030-01-01T10:00:01Z', { client_id: 'other' }));
    expect(list.map((m) => m.id)).toEqual(['m2', `${LOCAL_PREFIX}c1`]);
  });
});

describe('patchLocal / oldestServerId', () => {
  it('patches only the in-flight message with that client_id', () => {
    const list = mergeMessages([localMessage('c1', 'x', 'Maria', T0), localMessage('c2', 'y', 'Maria', T0)], [msg('s', '2030-01-01T09:00:00Z', { client_id: 'c0' })]);
    const next = patchLocal(list, 'c2', { status: 'failed', error: 'throttled' });
    expect(next.map((m) => m.status)).toEqual(['sent', 'sending', 'failed']);
    expect(patchLocal(next, 'c0', { status: 'failed' })[0]!.status).toBe('sent');
  });

  it('oldestServerId is null when only local messages exist', () => {
    expect(oldestServerId([localMessage('c1', 'x', 'Maria', T0)])).toBeNull();
  });
});

describe('localMessage with a file', () => {
  it('is a media message with a placeholder attachment and 0 progress', () => {
    const file = new File(['abc'], 'a.txt', { type: 'text/plain' });
    expect(localMessage('c1', '', 'Maria', T0, file)).toMatchObject({
      kind: 'media',
      progress: 0,
      attachments: [{ name: 'a.txt', size: 3, mime: 'text/plain', url: null, scan_status: 'pending' }],
    });
  });
});

describe('newClientId', () => {
  it('uses randomUUID when present', () => {
    expect(newClientId({ randomUUID: () => 'uuid', getRandomValues: (a) => a })).toBe('uuid');
  });
  it('falls back to a v4 UUID from getRandomValues', () => {
    const id = newClientId({ getRandomValues: <T extends ArrayBufferView | null>(a: T) => a });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

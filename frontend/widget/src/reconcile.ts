// The widget's message list is a pure function of what it has seen: server messages (from
// history, the POST answer and the websocket echo, in any order and any number of times) and
// the visitor's own messages still in flight. A server message replaces the local one with the
// same client_id; the same id is never listed twice.

import type { Message, ViewMessage } from './types';

export const LOCAL_PREFIX = 'local:';

export function isLocal(message: ViewMessage): boolean {
  return message.status !== 'sent';
}

function time(message: Message): number {
  const t = Date.parse(message.created_at);
  return isNaN(t) ? 0 : t;
}

/** Confirmed messages by server time (stable), then the ones still in flight in send order. */
function ordered(list: ViewMessage[]): ViewMessage[] {
  const confirmed = list.filter((m) => !isLocal(m));
  const pending = list.filter(isLocal);
  confirmed.sort((a, b) => time(a) - time(b));
  return confirmed.concat(pending);
}

/** Adds or replaces one server message. Returns a new list; `list` is not modified. */
export function mergeMessage(list: readonly ViewMessage[], incoming: Message): ViewMessage[] {
  const view: ViewMessage = { ...incoming, attachments: incoming.attachments ?? [], status: 'sent' };
  const next = list.slice();
  let index = next.findIndex((m) => !isLocal(m) && m.id === incoming.id);
  if (index < 0 && incoming.client_id) {
    index = next.findIndex((m) => m.client_id === incoming.client_id);
  }
  if (index >= 0) next[index] = view;
  else next.push(view);
  // A local copy and a server copy of one message may have both been added (echo + POST answer).
  const seen = new Set<string>();
  const seenClient = new Set<string>();
  const unique = next.filter((m) => {
    if (!isLocal(m)) {
      if (seen.has(m.id)) return false;
      seen.add(m.id);
      if (m.client_id) seenClient.add(m.client_id);
    }
    return true;
  });
  return ordered(unique.filter((m) => !(isLocal(m) && m.client_id && seenClient.has(m.client_id))));
}

/** Merges a page of history (or a resync page) into the list. */
export function mergeMessages(list: readonly ViewMessage[], incoming: readonly Message[]): ViewMessage[] {
  return incoming.reduce<ViewMessage[]>((acc, m) => mergeMessage(acc, m), list.slice());
}

/** The visitor's message as shown before the server has it. */
export function localMessage(clientId: string, body: string, authorName: string, now: Date, file?: File): ViewMessage {
  return {
    id: LOCAL_PREFIX + clientId,
    client_id: clientId,
    direction: 'in',
    kind: file ? 'media' : 'text',
    body,
    author_name: authorName,
    created_at: now.toISOString(),
    attachments: file ? [{ id: '', name: file.name, mime: file.type, size: file.size, url: null, scan_status: 'pending', scan_signature: '' }] : [],
    status: 'sending',
    progress: file ? 0 : undefined,
    file,
  };
}

/** Updates the in-flight message with this client_id (status, progress, error). */
export function patchLocal(list: readonly ViewMessage[], clientId: string, patch: Partial<ViewMessage>): ViewMessage[] {
  return list.map((m) => (isLocal(m) && m.client_id === clientId ? { ...m, ...patch } : m));
}

/** The oldest server message id, for `?before=`. */
export function oldestServerId(list: readonly ViewMessage[]): string | null {
  const first = list.find((m) => !isLocal(m));
  return first ? first.id : null;
}

export function knows(list: readonly ViewMessage[], id: string): boolean {
  return list.some((m) => !isLocal(m) && m.id === id);
}

/** A random client_id (UUID v4 where available). */
export function newClientId(cryptoImpl: Pick<Crypto, 'getRandomValues'> & { randomUUID?: () => string } | undefined = globalThis.crypto): string {
  if (cryptoImpl?.randomUUID) return cryptoImpl.randomUUID();
  const bytes = new Uint8Array(16);
  if (cryptoImpl) cryptoImpl.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.floor(Math.random() * 256);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => (b + 0x100).toString(16).slice(1)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Message } from '../../../shared/api/types';
import { useAuthStore } from '../../../shared/auth/store';
import { HttpError, fakeApi } from '../../../test/fakeApi';
import { makeConversation, makeMessage } from '../../../test/factories';
import { INTERRUPTED, upsertMessages, useThreadStore } from './threadStore';

const CID = 'c-1';
const conversation = makeConversation({ id: CID });
const store = () => useThreadStore.getState();
const thread = () => store().threads[CID];

function msg(id: string, minute: number, overrides: Partial<Message> = {}) {
  return makeMessage({ id, conversation_id: CID, created_at: `2026-01-01T10:${String(minute).padStart(2, '0')}:00Z`, ...overrides });
}

/** The server's answer to a reply: the stored message carrying the client's id. */
function stored(body: { body: string; client_id: string; private: boolean }, id = 'srv-1'): Message {
  return msg(id, 30, {
    direction: 'out',
    kind: body.private ? 'note' : 'text',
    body: body.body,
    client_id: body.client_id,
    delivery_status: body.private ? null : 'queued',
  });
}

describe('thread store', () => {
  beforeEach(() => {
    store().reset();
    useAuthStore.setState({ tenantSlug: 'demo' });
  });
  afterEach(() => vi.unstubAllGlobals());

  function serveConversation(messages: Message[], hasMore = false) {
    return fakeApi().on('GET', new RegExp(`/conversations/${CID}$`), () => ({
      ...conversation,
      messages: { results: messages, has_more: hasMore },
    }));
  }

  it('opens a conversation with its newest page', async () => {
    serveConversation([msg('m1', 1), msg('m2', 2)], true);
    await store().open(CID);
    expect(thread()?.status).toBe('ready');
    expect(thread()?.messages.map((m) => m.id)).toEqual(['m1', 'm2']);
    expect(thread()?.hasMore).toBe(true);
  });

  it('loads older messages before the oldest shown', async () => {
    const api = serveConversation([msg('m3', 3)], true).on('GET', /messages$/, () => ({
      results: [msg('m1', 1), msg('m2', 2)],
      has_more: false,
    }));
    await store().open(CID);
    await store().loadOlder(CID);
    expect(api.calls.at(-1)?.path).toBe(`/api/v1/conversations/${CID}/messages?limit=50&before=m3`);
    expect(thread()?.messages.map((m) => m.id)).toEqual(['m1', 'm2', 'm3']);
    expect(thread()?.hasMore).toBe(false);
  });

  it('marks the thread gone when the server says 404 (moved out of scope)', async () => {
    fakeApi().on('GET', /conversations\//, () => {
      throw new HttpError(404, { code: 'not_found', message: 'Not found.' });
    });
    await store().open(CID);
    expect(thread()?.status).toBe('gone');
  });

  describe('optimistic send', () => {
    it('shows the message at once and swaps in the server one (REST answer first)', async () => {
      let answer: (value: unknown) => void = () => undefined;
      const api = serveConversation([msg('m1', 1)]).on('POST', /messages$/, ({ body }) => {
        return new Promise((resolve) => (answer = () => resolve(stored(body as never))));
      });
      await store().open(CID);
      const sending = store().send(CID, { body: 'Olá!', private: false, files: [] });
      expect(thread()?.outbox).toHaveLength(1);
      expect(thread()?.outbox[0]?.state).toBe('sending');
      const sent = api.calls.at(-1)?.body as { client_id: string; body: string; private: boolean };
      expect(sent.body).toBe('Olá!');
      expect(sent.client_id).toBe(thread()?.outbox[0]?.clientId);
      answer(undefined);
      await sending;
      expect(thread()?.outbox).toEqual([]);
      expect(thread()?.messages.map((m) => m.id)).toEqual(['m1', 'srv-1']);
    });

    it('reconciles when the socket frame arrives before the REST answer', async () => {
      let answer: (value: unknown) => void = () => undefined;
      let request: { body: string; client_id: string; private: boolean } | null = null;
      serveConversation([]).on('POST', /messages$/, ({ body }) => {
        request = body as never;
        return new Promise((resolve) => (answer = resolve));
      });
      await store().open(CID);
      const sending = store().send(CID, { body: 'nota', private: true, files: [] });
      const frameMessage = stored(request!);
      store().applyMessage(frameMessage); // message.created from the room socket
      expect(thread()?.outbox).toEqual([]);
      answer(frameMessage);
      await sending;
      expect(thread()?.messages).toHaveLength(1);
      expect(thread()?.messages[0]?.kind).toBe('note');
    });

    it('keeps a failed send with its reason, and retries with the same client id', async () => {
      let fail = true;
      const api = serveConversation([]).on('POST', /messages$/, ({ body }) => {
        if (fail) throw new HttpError(400, { code: 'reply_window_closed', message: 'Window closed.' });
        return stored(body as never);
      });
      await store().open(CID);
      await store().send(CID, { body: 'oi', private: false, files: [] });
      const failed = thread()?.outbox[0];
      expect(failed?.state).toBe('failed');
      expect((failed?.error as { code: string }).code).toBe('reply_window_closed');
      fail = false;
      await store().retry(CID, failed!.clientId);
      const posts = api.calls.filter((c) => c.method === 'POST').map((c) => (c.body as { client_id: string }).client_id);
      expect(posts).toEqual([failed!.clientId, failed!.clientId]);
      expect(thread()?.outbox).toEqual([]);
      expect(thread()?.messages[0]?.client_id).toBe(failed!.clientId);
    });

    it('keeps unconfirmed sends across a reload, as failed and ready to retry', async () => {
      serveConversation([]).on('POST', /messages$/, () => new Promise(() => undefined)); // never answers
      await store().open(CID);
      void store().send(CID, { body: 'não perca isto', private: false, files: [] });
      store().reset(); // the page goes away
      await store().open(CID);
      expect(thread()?.outbox).toHaveLength(1);
      expect(thread()?.outbox[0]).toMatchObject({ body: 'não perca isto', state: 'failed', error: INTERRUPTED });
    });

    it('drops a restored entry the server already has (same client id)', async () => {
      const api = serveConversation([]).on('POST', /messages$/, () => new Promise(() => undefined));
      await store().open(CID);
      void store().send(CID, { body: 'chegou?', private: false, files: [] });
      const sent = api.calls.at(-1)?.body as { client_id: string; body: string; private: boolean };
      store().reset();
      serveConversation([stored(sent)]);
      await store().open(CID);
      expect(thread()?.outbox).toEqual([]);
      expect(localStorage.getItem('atendo.outbox.demo.c-1')).toBeNull();
    });
  });

  it('applies receipts forward only', () => {
    const queued = msg('m1', 1, { delivery_status: 'queued' });
    const read = { ...queued, delivery_status: 'read' as const };
    const lateSent = { ...queued, delivery_status: 'sent' as const };
    expect(upsertMessages(upsertMessages([queued], [read]), [lateSent])[0]?.delivery_status).toBe('read');
  });

  it('tracks typing (not mine, expiring) and viewers', async () => {
    serveConversation([]);
    await store().open(CID);
    const frame = { event: 'typing' as const, tenant_id: 't', conversation_id: CID, author_name: 'Maria', by_contact: true, member_id: null, typing: true };
    store().applyTyping(frame, 'me');
    store().applyTyping({ ...frame, by_contact: false, member_id: 'me', author_name: 'Me' }, 'me');
    expect(Object.values(thread()!.typing).map((t) => t.name)).toEqual(['Maria']);
    store().applyMessage(msg('m9', 9, { direction: 'in' })); // the contact's message ends the typing
    expect(thread()?.typing).toEqual({});

    store().applyViewersSnapshot({ event: 'viewers.snapshot', tenant_id: 't', conversation_id: CID, members: { me: 'online', ana: 'away' }, online: ['me', 'ana'] }, 'me');
    expect(Object.keys(thread()!.viewers)).toEqual(['ana']);
    const change = { event: 'viewers.changed' as const, tenant_id: 't', conversation_id: CID, member_id: 'ana', display_name: 'Ana', status: 'online' as const, online: true };
    store().applyViewerChange(change, 'me');
    expect(thread()?.viewers.ana?.name).toBe('Ana');
    store().applyViewerChange({ ...change, status: 'offline', online: false }, 'me');
    expect(thread()?.viewers).toEqual({});
  });
});

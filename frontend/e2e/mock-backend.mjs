#!/usr/bin/env node
// FOR MANUAL UI CHECKS ONLY — never used by `npm run e2e`, which always targets a real backend.
// Serves dist/ like the Django backend does (index.html fallback for client routes) and fakes
// the auth contract of the brief, writing each magic-link e-mail as an .eml into MAIL_DIR.
// It also fakes the Web Chat channel: GET /demo/widget (a shop page), the loader
// /widget/{token}.js, /api/v1/widget/{token}/..., the visitor websocket /ws/widget/{token}, the
// tenant inbox stream /ws/demo/inbox and agent replies. The loader points the widget at
// http://localhost:{port} while the demo page is on 127.0.0.1, so every widget call is cross-origin
// (CORS preflights included), as on a customer's site.
//   node e2e/mock-backend.mjs [port] [mailDir]
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const port = Number(process.argv[2] ?? 8765);
const mailDir = process.argv[3] ?? join(dirname(fileURLToPath(import.meta.url)), '.tmp', 'mail');
mkdirSync(mailDir, { recursive: true });

const DEMO_WIDGET_TOKEN = 'demo-widget-token';
const agent = { id: '22222222-2222-2222-2222-222222222222', email: 'agent@demo.atendo.local', name: 'Ana Agente' };
const user = {
  id: '11111111-1111-1111-1111-111111111111',
  email: 'owner@demo.atendo.local',
  name: 'Olivia Owner',
  preferred_language: 'pt-BR',
  memberships: [
    {
      id: 'm1',
      tenant: { id: 't1', slug: 'demo', name: 'Demo' },
      display_name: 'Olivia',
      status: 'active',
      roles: [{ id: 'r1', slug: 'owner', name: 'Owner', scope_type: null, scope_id: null }],
      // As the real /users/me computes them for an owner (every permission).
      permissions: {
        tenant_wide: [
          'tenant.view', 'tenant.manage', 'domain.manage', 'member.view', 'member.invite', 'member.manage', 'role.manage',
          'audit.view', 'department.manage', 'channel.manage', 'contact.view', 'contact.edit', 'contact.manage',
          'conversation.view', 'conversation.reply', 'conversation.assign', 'ticket.view', 'ticket.manage',
          'knowledge.manage', 'automation.manage', 'analytics.view',
        ],
        scoped: [],
      },
    },
    { id: 'm2', tenant: { id: 't2', slug: 'old', name: 'Old Co' }, display_name: 'O', status: 'disabled', roles: [], permissions: { tenant_wide: [], scoped: [] } },
  ],
};
const magic = new Map(); // token -> {used}
const access = new Set();
const refresh = new Set();
let requests = 0;

const types = { '.png': 'image/png', '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' };

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}
const newToken = () => randomBytes(12).toString('hex');
const accessEmail = new Map(); // access token -> e-mail
function pair(email = user.email) {
  const p = { access: newToken(), refresh: newToken() };
  access.add(p.access);
  accessEmail.set(p.access, email);
  refresh.add(p.refresh);
  return p;
}
function authed(req) {
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  return access.has(token);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const rawBuffer = Buffer.concat(chunks);
  const raw = rawBuffer.toString('utf8');
  const isJson = (req.headers['content-type'] ?? '').startsWith('application/json');
  let body;
  try {
    body = raw && isJson ? JSON.parse(raw) : {};
  } catch {
    return send(res, 400, { code: 'invalid', message: 'Malformed JSON.' });
  }
  const route = `${req.method} ${url.pathname}`;
  if (url.pathname.startsWith('/api/')) console.log(route, req.headers['x-tenant'] ?? '-');
  if (url.pathname.startsWith('/api/v1/widget/') || url.pathname.startsWith('/widget/') || url.pathname === '/demo/widget' || url.pathname.startsWith('/media/')) {
    return handleWebChat(req, res, url, body, rawBuffer);
  }
  // Manual-test hooks: drop every widget websocket (as a network blip would), or make the agent "type".
  if (route === 'POST /__mock/drop-widget-sockets') {
    for (const set of widgetSockets.values()) for (const ws of set) ws.destroy();
    return send(res, 204);
  }
  if (route === 'POST /__mock/agent-typing') {
    for (const set of widgetSockets.values()) for (const ws of set) ws.sendJson({ event: 'typing', typing: true, author_name: agent.name });
    return send(res, 204);
  }
  const reply = route.match(/^POST \/api\/v1\/conversations\/([\w-]+)\/messages$/);
  if (reply) return agentReply(req, res, reply[1], body);
  switch (route) {
    case 'GET /api/v1/config':
      return send(res, 200, { websocket_url: `ws://127.0.0.1:${port}`, signup_enabled: false, languages: ['pt-BR', 'en', 'es'] });
    case 'POST /api/v1/auth/magic-link': {
      if (++requests > 20) return send(res, 429, { code: 'throttled', message: 'Slow down.' });
      if (!/^[^@\s]+@[^@\s]+$/.test(body.email ?? '')) {
        return send(res, 400, { code: 'validation_error', message: 'Invalid input.', fields: { email: ['Enter a valid email address.'] } });
      }
      if (body.email === user.email || body.email === agent.email) {
        const token = newToken();
        magic.set(token, { used: false, email: body.email });
        const eml = [
          `From: Atendo <no-reply@atendo.local>`,
          `To: ${body.email}`,
          `Subject: Seu link de acesso`,
          `Content-Type: text/plain; charset="utf-8"`,
          `Content-Transfer-Encoding: 8bit`,
          '',
          'Olá! Use o link abaixo para entrar:',
          `http://atendo.example:${port}/auth/verify?token=${token}`,
          '',
        ].join('\r\n');
        writeFileSync(join(mailDir, `${Date.now()}-${token}.eml`), eml);
      }
      return send(res, 202);
    }
    case 'POST /api/v1/auth/token': {
      const entry = magic.get(body.token);
      if (!entry) return send(res, 400, { code: 'token_invalid', message: 'Invalid token.' });
      if (entry.used) return send(res, 400, { code: 'token_used', message: 'Token already used.' });
      entry.used = true;
      return send(res, 200, pair(entry.email));
    }
    case 'POST /api/v1/auth/token/refresh':
      if (!refresh.delete(body.refresh)) return send(res, 401, { code: 'token_not_valid', message: 'Token is blacklisted.' });
      return send(res, 200, pair());
    case 'POST /api/v1/auth/logout':
      refresh.delete(body.refresh);
      return send(res, 204);
    case 'GET /api/v1/users/me':
      return authed(req) ? send(res, 200, user) : send(res, 401, { code: 'not_authenticated', message: 'No.' });
    case 'PATCH /api/v1/users/me':
      if (!authed(req)) return send(res, 401, { code: 'not_authenticated', message: 'No.' });
      Object.assign(user, body);
      return send(res, 200, user);
    default:
      break;
  }
  if (url.pathname.startsWith('/api/')) return send(res, 404, { code: 'not_found', message: 'Not found.' });
  const file = normalize(join(dist, url.pathname));
  const target = file.startsWith(dist) && existsSync(file) && statSync(file).isFile() ? file : join(dist, 'index.html');
  res.writeHead(200, { 'Content-Type': types[extname(target)] ?? 'application/octet-stream' });
  res.end(readFileSync(target));
});
server.on('upgrade', onUpgrade);
// Both loopbacks: Chromium may try ::1 first for "localhost" (the widget's API origin here).
server.listen(port, '127.0.0.1', () => console.log(`mock backend on http://127.0.0.1:${port}, mail in ${mailDir}`));
createServerCopy();

// --- Web Chat ------------------------------------------------------------------------------
const visitorSessions = new Map(); // session_token -> { contact, conversationId }
const conversations = new Map(); // id -> { id, session, messages: [], status }
const widgetSockets = new Map(); // session_token -> Set<ws>
const inboxSockets = new Set();
const uploads = new Map(); // id -> { name, mime, data }
const MAX_UPLOAD = 5 * 1024 * 1024;
const apiOrigin = () => `http://localhost:${port}`;

function createServerCopy() {
  const copy = createServer((req, res) => server.emit('request', req, res));
  copy.on('upgrade', onUpgrade);
  copy.on('error', () => console.log('(no IPv6 loopback; localhost -> 127.0.0.1 only)'));
  copy.listen(port, '::1');
}

function cors(req, res) {
  const origin = req.headers.origin;
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Visitor-Session');
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
    res.setHeader('Access-Control-Max-Age', '600');
  }
}

function wireMessage(conversation, fields) {
  const m = {
    id: randomUUID(),
    client_id: null,
    kind: 'text',
    body: '',
    author_name: '',
    created_at: new Date().toISOString(),
    attachments: [],
    ...fields,
  };
  conversation.messages.push(m);
  return m;
}

function broadcast(conversation, message) {
  for (const ws of widgetSockets.get(conversation.session) ?? []) ws.sendJson({ event: 'message.created', message });
  for (const ws of inboxSockets) {
    ws.sendJson({ event: 'message.created', conversation: { id: conversation.id, status: conversation.status }, message: { ...message, conversation_id: conversation.id } });
  }
}

function parseMultipart(req, buffer) {
  const boundary = (req.headers['content-type'] ?? '').match(/boundary=(?:"([^"]+)"|([^;]+))/);
  if (!boundary) return null;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const parts = {};
  let start = buffer.indexOf(delimiter);
  while (start >= 0) {
    const next = buffer.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = buffer.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const data = part.subarray(split + 4);
    const name = head.match(/name="([^"]*)"/)?.[1];
    const filename = head.match(/filename="([^"]*)"/)?.[1];
    const type = head.match(/content-type:\s*(\S+)/i)?.[1] ?? 'application/octet-stream';
    if (name) parts[name] = filename !== undefined ? { filename, type, data } : data.toString('utf8');
    start = next;
  }
  return parts;
}

const DEMO_PAGE = `<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Loja Exemplo — mock</title>
<style>
  /* A hostile host stylesheet: none of it may reach the widget. */
  * { font-family: "Comic Sans MS", cursive !important; letter-spacing: 3px; }
  button { background: hotpink !important; padding: 30px; border: 5px dashed lime; }
  div { color: red; }
  body { margin: 0; background: #faf7f2; }
  header { background: #3b2f2f; color: #fff; padding: 16px 24px; }
  main { padding: 24px; }
</style></head>
<body><header><h1>Loja Exemplo</h1></header>
<main><p>Camisetas, canecas e outras coisas que ninguém precisa.</p><button type="button">Comprar</button></main>
<script src="/widget/${DEMO_WIDGET_TOKEN}.js" async></script>
</body></html>`;

function handleWebChat(req, res, url, body, rawBuffer) {
  if (req.method === 'GET' && url.pathname === '/demo/widget') {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    return res.end(DEMO_PAGE);
  }
  const loader = url.pathname.match(/^\/widget\/([\w-]+)\.js$/);
  if (loader && req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' });
    const config = { token: loader[1], apiBase: apiOrigin(), wsBase: `ws://localhost:${port}` };
    return res.end(
      `(function(){window.AtendoWidgetConfig=${JSON.stringify(config)};` +
        `var s=document.createElement('script');s.async=true;s.src=${JSON.stringify(`${apiOrigin()}/widget-assets/atendo-widget.js`)};` +
        `document.head.appendChild(s);})();`,
    );
  }
  const media = url.pathname.match(/^\/media\/([\w-]+)$/);
  if (media && uploads.has(media[1])) {
    const file = uploads.get(media[1]);
    res.writeHead(200, { 'Content-Type': file.mime, 'Content-Disposition': `inline; filename="${file.name}"` });
    return res.end(file.data);
  }
  cors(req, res);
  if (req.method === 'OPTIONS') {
    res.writeHead(204);
    return res.end();
  }
  const m = url.pathname.match(/^\/api\/v1\/widget\/([\w-]+)\/(config|sessions|messages|typing)$/);
  if (!m || m[1] !== DEMO_WIDGET_TOKEN) return send(res, 404, { code: 'widget_not_found', message: 'No such widget.' });
  const action = `${req.method} ${m[2]}`;
  if (action === 'GET config') {
    return send(res, 200, {
      name: 'Loja Exemplo',
      greeting: 'Olá! 👋 Em que podemos ajudar?',
      primary_color: '#6a1b9a',
      prechat_fields: [
        { name: 'name', label: 'Seu nome', type: 'text', required: true },
        { name: 'email', label: 'E-mail', type: 'email', required: true },
        { name: 'phone', label: 'Telefone', type: 'tel', required: false },
      ],
      websocket_url: '',
      max_upload_bytes: MAX_UPLOAD,
    });
  }
  if (action === 'POST sessions') {
    if (body.session_token) {
      const known = visitorSessions.get(body.session_token);
      if (!known) return send(res, 401, { code: 'visitor_session_invalid', message: 'Unknown session.' });
      return send(res, 200, { session_token: body.session_token, contact: known.contact, conversation_id: known.conversationId });
    }
    const prechat = body.prechat ?? {};
    const fields = {};
    if (!prechat.name) fields.name = ['This field is required.'];
    if (!/^[^@\s]+@[^@\s]+$/.test(prechat.email ?? '')) fields.email = ['Enter a valid email address.'];
    if (Object.keys(fields).length) return send(res, 400, { code: 'invalid', message: 'Invalid input.', fields });
    const token = newToken();
    visitorSessions.set(token, { contact: { name: prechat.name }, conversationId: null });
    console.log('widget session', token, JSON.stringify(prechat));
    return send(res, 201, { session_token: token, contact: { name: prechat.name }, conversation_id: null });
  }
  const session = visitorSessions.get(req.headers['x-visitor-session'] ?? '');
  if (!session) return send(res, 401, { code: 'visitor_session_invalid', message: 'Unknown session.' });
  const sessionToken = req.headers['x-visitor-session'];
  if (action === 'GET messages') {
    const conversation = conversations.get(session.conversationId);
    const all = conversation?.messages ?? [];
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), 50);
    const before = url.searchParams.get('before');
    const end = before ? all.findIndex((x) => x.id === before) : all.length;
    const slice = all.slice(Math.max(0, end - limit), end < 0 ? 0 : end);
    return send(res, 200, { results: slice, has_more: end - limit > 0 });
  }
  if (action === 'POST typing') {
    for (const ws of inboxSockets) ws.sendJson({ event: 'typing', conversation: { id: session.conversationId }, typing: !!body.typing });
    return send(res, 204);
  }
  if (action === 'POST messages') {
    let conversation = conversations.get(session.conversationId);
    if (!conversation) {
      conversation = { id: randomUUID(), session: sessionToken, messages: [], status: 'open' };
      conversations.set(conversation.id, conversation);
      session.conversationId = conversation.id;
    }
    let fields;
    if ((req.headers['content-type'] ?? '').startsWith('application/json')) {
      if (typeof body.body !== 'string' || !body.body.trim()) return send(res, 400, { code: 'invalid', message: 'Empty.', fields: { body: ['Required.'] } });
      fields = { body: body.body, client_id: body.client_id ?? null };
    } else {
      const parts = parseMultipart(req, rawBuffer);
      const file = parts?.file;
      if (!file || typeof file === 'string') return send(res, 400, { code: 'invalid', message: 'No file.', fields: { file: ['Required.'] } });
      if (file.data.length > MAX_UPLOAD) return send(res, 413, { code: 'file_too_large', message: 'Too large.' });
      if (/\.(exe|bat|sh)$/i.test(file.filename)) return send(res, 415, { code: 'file_type_not_allowed', message: 'Not allowed.' });
      const id = randomUUID();
      uploads.set(id, { name: file.filename, mime: file.type, data: file.data });
      fields = {
        kind: 'media',
        body: typeof parts.body === 'string' ? parts.body : '',
        client_id: typeof parts.client_id === 'string' ? parts.client_id : null,
        attachments: [{ id, name: file.filename, mime: file.type, size: file.data.length, url: `/media/${id}` }],
      };
    }
    // the same client_id twice (a retry) answers the stored message
    const existing = fields.client_id && conversation.messages.find((x) => x.client_id === fields.client_id);
    if (existing) return send(res, 200, existing);
    const message = wireMessage(conversation, { ...fields, direction: 'in', author_name: session.contact.name });
    broadcast(conversation, message);
    return send(res, 201, message);
  }
  return send(res, 405, { code: 'method_not_allowed', message: 'No.' });
}

function agentReply(req, res, id, body) {
  if (!authed(req)) return send(res, 401, { code: 'not_authenticated', message: 'No.' });
  if (req.headers['x-tenant'] !== 'demo') return send(res, 403, { code: 'tenant_required', message: 'X-Tenant: demo' });
  const conversation = conversations.get(id);
  if (!conversation) return send(res, 404, { code: 'not_found', message: 'No conversation.' });
  if (typeof body.body !== 'string' || !body.body.trim()) return send(res, 400, { code: 'invalid', message: 'Empty.', fields: { body: ['Required.'] } });
  for (const ws of widgetSockets.get(conversation.session) ?? []) ws.sendJson({ event: 'typing', typing: false, author_name: agent.name });
  const message = wireMessage(conversation, { direction: 'out', body: body.body, author_name: agent.name });
  broadcast(conversation, message);
  return send(res, 201, message);
}

// --- a minimal RFC 6455 server (text frames, ping/pong, close) -------------------------------
function onUpgrade(req, socket) {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const key = req.headers['sec-websocket-key'];
  if (!key) return socket.destroy();
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  const ws = wrapSocket(socket);
  const widget = url.pathname.match(/^\/ws\/widget\/([\w-]+)$/);
  if (widget) {
    const token = url.searchParams.get('session') ?? '';
    if (widget[1] !== DEMO_WIDGET_TOKEN || !visitorSessions.has(token)) return ws.close(4401);
    if (!widgetSockets.has(token)) widgetSockets.set(token, new Set());
    widgetSockets.get(token).add(ws);
    ws.onClose = () => widgetSockets.get(token)?.delete(ws);
    ws.onText = (text) => {
      if (JSON.parse(text).type === 'ping') ws.sendJson({ event: 'pong' });
    };
    console.log('ws widget open', token.slice(0, 6));
    return;
  }
  if (url.pathname === '/ws/demo/inbox') {
    if (!access.has(url.searchParams.get('token') ?? '')) return ws.close(4401);
    inboxSockets.add(ws);
    ws.onClose = () => inboxSockets.delete(ws);
    console.log('ws inbox open');
    return;
  }
  ws.close(4404);
}

function wrapSocket(socket) {
  let buffer = Buffer.alloc(0);
  const ws = {
    onText: () => undefined,
    onClose: () => undefined,
    frame(opcode, payload) {
      const len = payload.length;
      const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 255]) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(len)); return b; })()]);
      if (!socket.destroyed) socket.write(Buffer.concat([head, payload]));
    },
    sendJson(value) {
      ws.frame(0x1, Buffer.from(JSON.stringify(value)));
    },
    destroy() {
      socket.destroy();
    },
    close(code) {
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(code);
      ws.frame(0x8, payload);
      socket.end();
    },
  };
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 2) {
      const opcode = buffer[0] & 0x0f;
      let len = buffer[1] & 0x7f;
      let offset = 2;
      if (len === 126) {
        if (buffer.length < 4) return;
        len = buffer.readUInt16BE(2);
        offset = 4;
      } else if (len === 127) {
        if (buffer.length < 10) return;
        len = Number(buffer.readBigUInt64BE(2));
        offset = 10;
      }
      const masked = (buffer[1] & 0x80) !== 0;
      const total = offset + (masked ? 4 : 0) + len;
      if (buffer.length < total) return;
      const mask = masked ? buffer.subarray(offset, offset + 4) : null;
      const payload = Buffer.from(buffer.subarray(offset + (masked ? 4 : 0), total));
      if (mask) for (let i = 0; i < payload.length; i++) payload[i] ^= mask[i % 4];
      buffer = buffer.subarray(total);
      if (opcode === 0x1) ws.onText(payload.toString('utf8'));
      else if (opcode === 0x9) ws.frame(0xa, payload);
      else if (opcode === 0x8) {
        ws.frame(0x8, payload.subarray(0, 2));
        socket.end();
      }
    }
  });
  socket.on('close', () => ws.onClose());
  socket.on('error', () => undefined);
  return ws;
}

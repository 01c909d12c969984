#!/usr/bin/env node
// FOR MANUAL UI CHECKS ONLY — never used by `npm run e2e`, which always targets a real backend.
// Serves dist/ like the Django backend does (index.html fallback for client routes) and fakes
// the auth contract of the brief, writing each magic-link e-mail as an .eml into MAIL_DIR.
//   node e2e/mock-backend.mjs [port] [mailDir]
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const port = Number(process.argv[2] ?? 8765);
const mailDir = process.argv[3] ?? join(dirname(fileURLToPath(import.meta.url)), '.tmp', 'mail');
mkdirSync(mailDir, { recursive: true });

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
    },
    { id: 'm2', tenant: { id: 't2', slug: 'old', name: 'Old Co' }, display_name: 'O', status: 'disabled', roles: [] },
  ],
};
const magic = new Map(); // token -> {used}
const access = new Set();
const refresh = new Set();
let requests = 0;

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' };

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}
const newToken = () => randomBytes(12).toString('hex');
function pair() {
  const p = { access: newToken(), refresh: newToken() };
  access.add(p.access);
  refresh.add(p.refresh);
  return p;
}
function authed(req) {
  const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
  return access.has(token);
}

createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host}`);
  let raw = '';
  for await (const chunk of req) raw += chunk;
  const body = raw ? JSON.parse(raw) : {};
  const route = `${req.method} ${url.pathname}`;
  if (url.pathname.startsWith('/api/')) console.log(route, req.headers['x-tenant'] ?? '-');
  switch (route) {
    case 'GET /api/v1/config':
      return send(res, 200, { websocket_url: `ws://127.0.0.1:${port}/ws/`, signup_enabled: false, languages: ['pt-BR', 'en', 'es'] });
    case 'POST /api/v1/auth/magic-link': {
      if (++requests > 20) return send(res, 429, { code: 'throttled', message: 'Slow down.' });
      if (!/^[^@\s]+@[^@\s]+$/.test(body.email ?? '')) {
        return send(res, 400, { code: 'validation_error', message: 'Invalid input.', fields: { email: ['Enter a valid email address.'] } });
      }
      if (body.email === user.email) {
        const token = newToken();
        magic.set(token, { used: false });
        const eml = [
          `From: Atendo <no-reply@atendo.local>`,
          `To: ${user.email}`,
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
      return send(res, 200, pair());
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
}).listen(port, '127.0.0.1', () => console.log(`mock backend on http://127.0.0.1:${port}, mail in ${mailDir}`));

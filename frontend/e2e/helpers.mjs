import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const localesDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'locales');

/** A string from the app's own locale files, so specs follow copy changes. */
export function text(lng, ns, key) {
  const tree = JSON.parse(readFileSync(join(localesDir, lng, `${ns}.json`), 'utf8'));
  const value = key.split('.').reduce((o, k) => o?.[k], tree);
  if (typeof value !== 'string') throw new Error(`no ${lng}/${ns}:${key}`);
  return value;
}

export const LANGUAGES = ['pt-BR', 'en', 'es'];

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Undoes quoted-printable soft line breaks and =XX escapes (harmless on 8-bit bodies). */
function decodeQuotedPrintable(s) {
  return s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));
}

function headerValue(raw, name) {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const match = unfolded.match(new RegExp(`^${name}:\\s*(.*)$`, 'im'));
  return match ? match[1] : '';
}

/**
 * Waits for the newest .eml addressed to `email` written after `since` (ms) and returns
 * the magic link found in it.
 */
export async function waitForMagicLink(mailDir, email, since, timeoutMs = 15000) {
  assert(mailDir, 'E2E_MAIL_DIR is not set: the spec reads the magic link from the e-mails the backend writes there');
  const deadline = Date.now() + timeoutMs;
  const linkPattern = /https?:\/\/[^\s"'<>]+\/auth\/verify\?token=[^\s"'<>]+/;
  while (Date.now() < deadline) {
    let files;
    try {
      files = readdirSync(mailDir)
        .filter((f) => f.endsWith('.eml'))
        .map((f) => ({ path: join(mailDir, f), mtime: statSync(join(mailDir, f)).mtimeMs }))
        .filter((f) => f.mtime >= since - 1000)
        .sort((a, b) => b.mtime - a.mtime);
    } catch {
      files = []; // the directory may not exist until the first mail
    }
    for (const file of files) {
      const raw = readFileSync(file.path, 'utf8');
      if (!headerValue(raw, 'To').toLowerCase().includes(email.toLowerCase())) continue;
      // 8-bit bodies are searched as they are: QP-decoding them would eat "=XX" inside the token.
      const body = /content-transfer-encoding:\s*quoted-printable/i.test(raw) ? decodeQuotedPrintable(raw) : raw;
      const match = body.match(linkPattern);
      if (match) return match[0].replace(/&amp;/g, '&');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no e-mail with a magic link for ${email} in ${mailDir} within ${timeoutMs} ms`);
}

/** The link's path and query on the server under test (the mail may name a public host). */
export function onBaseUrl(link, baseUrl) {
  const url = new URL(link);
  return new URL(url.pathname + url.search, baseUrl).href;
}

/**
 * The login form's e-mail field and submit button. Ionic keeps the leaving page in the DOM during
 * a transition, and a redirect to /login can briefly show two login pages: the entering one comes
 * last in the DOM.
 */
export function loginForm(page) {
  return { email: page.getByTestId('login-email').last(), submit: page.getByTestId('login-submit').last() };
}

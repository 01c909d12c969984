#!/usr/bin/env node
// The web app's time from page load to a usable inbox, with 10,000 conversations in the tenant.
//
// Runs against live servers started by `python -m devstack e2e -- node bench/inbox_page_load.mjs`
// (see `make bench`: production mode, the built web app served by granian). It seeds a tenant of
// its own in the servers' database (bench/inbox_seed.py: BENCH_PAGE_LOAD_CONVERSATIONS, 10,000,
// with contacts, identities, agents, departments and ~100,000 messages), signs the owner in the
// way the app keeps a session (the JWT pair and the user from /api/v1/users/me in localStorage,
// as after a magic-link sign-in) and opens /inbox in headless Chromium (Debian's, playwright-core),
// BENCH_PAGE_LOADS (5; 3 with BENCH_QUICK=1) times each:
// - cold: a new browser context (empty cache, no connection reused), cache disabled;
// - warm: the same context again (HTTP cache and connections warm), after one priming load.
// Figure: time from navigation start until the inbox is usable — the app's own Performance mark
// when the list first renders with conversations (`atendo:inbox-list-ready`, ConversationList),
// followed by the first frame after it with the main thread free (`atendo:inbox-usable`, set by
// this script), median of the loads; the rows are checked to be on screen.
// Baseline, same browser and server: the same navigation with every /api/ request and socket
// refused, until the `load` event — index.html, the entry JS and CSS alone, the cost of the
// static app before it asks for any data. Ratio = usable inbox / baseline.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(ROOT, 'frontend', 'package.json'));
const { chromium } = require('playwright-core');

const flag = (name) => !['', '0', 'false', 'no'].includes((process.env[name] ?? '').trim().toLowerCase());
const QUICK = flag('BENCH_QUICK');
const CONVERSATIONS = Number(process.env.BENCH_PAGE_LOAD_CONVERSATIONS || 10_000);
const LOADS = Number(process.env.BENCH_PAGE_LOADS || (QUICK ? 3 : 5));
const BASE_URL = process.env.E2E_BASE_URL;
const PYTHON = process.env.BENCH_PYTHON || join(ROOT, '.venv', 'bin', 'python');
const LIST_READY = 'atendo:inbox-list-ready'; // frontend/src/apps/inbox/components/ConversationList.tsx
const USABLE = 'atendo:inbox-usable';
const TIMEOUT_MS = 60_000;

if (!BASE_URL) {
  console.error('inbox_page_load: E2E_BASE_URL is not set; run it under `python -m devstack e2e -- …`');
  process.exit(2);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
const round = (value, digits = 1) => (value == null ? null : Number(value.toFixed(digits)));

function seed() {
  const slug = `bench-pageload-${Date.now().toString(36)}`;
  const started = Date.now();
  const done = spawnSync(
    PYTHON,
    [join(ROOT, 'bench', 'inbox_seed.py'), '--slug', slug, '--conversations', String(CONVERSATIONS)],
    { cwd: ROOT, encoding: 'utf8', env: process.env, maxBuffer: 16 * 1024 * 1024 },
  );
  if (done.status !== 0) throw new Error(`seeding failed (${done.status}):\n${done.stderr.slice(-3000)}`);
  const line = done.stdout.trim().split('\n').at(-1);
  return { ...JSON.parse(line), wallSeconds: (Date.now() - started) / 1000 };
}

async function sessionFor(seeded) {
  const access = seeded.owner_tokens.access;
  const response = await fetch(`${BASE_URL}/api/v1/users/me`, { headers: { Authorization: `Bearer ${access}` } });
  if (!response.ok) throw new Error(`/api/v1/users/me answered ${response.status}`);
  const user = await response.json();
  // frontend/src/shared/auth/store.ts: zustand `persist` under `atendo.auth`, version 1.
  return JSON.stringify({
    state: { access, refresh: seeded.owner_tokens.refresh, user, tenantSlug: seeded.slug },
    version: 1,
  });
}

async function newContext(browser, auth) {
  const context = await browser.newContext({ baseURL: BASE_URL, viewport: { width: 1280, height: 800 } });
  await context.addInitScript(
    ({ auth, ready, usable }) => {
      localStorage.setItem('atendo.auth', auth);
      // "Usable": the first frame after the list shows rows, with the main thread free again.
      new PerformanceObserver((list) => {
        if (list.getEntries().some((entry) => entry.name === ready)) {
          requestAnimationFrame(() => setTimeout(() => performance.mark(usable), 0));
        }
      }).observe({ type: 'mark' });
    },
    { auth, ready: LIST_READY, usable: USABLE },
  );
  return context;
}

/** One navigation to /inbox; `baseline`: API and sockets refused, measured to the load event. */
async function load(context, { cacheDisabled, baseline }) {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled });
  const errors = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  if (baseline) {
    await page.route('**/api/**', (route) => route.abort());
    await page.routeWebSocket(/.*/, (ws) => ws.close());
  }
  try {
    await page.goto('/inbox', { waitUntil: baseline ? 'load' : 'commit', timeout: TIMEOUT_MS });
    if (!baseline) {
      await page.waitForFunction((name) => performance.getEntriesByName(name, 'mark').length > 0, USABLE, {
        timeout: TIMEOUT_MS,
        polling: 50,
      });
      const rows = await page.locator('[data-testid="conversation-row"]').count();
      if (rows === 0) throw new Error('the inbox marked itself ready without conversation rows');
    }
    return await page.evaluate(
      ({ ready, usable }) => {
        const nav = performance.getEntriesByType('navigation')[0];
        const mark = (name) => performance.getEntriesByName(name, 'mark')[0]?.startTime ?? null;
        const resources = performance.getEntriesByType('resource');
        const api = resources.filter((r) => new URL(r.name).pathname.startsWith('/api/'));
        const readyAt = mark(ready);
        return {
          response_end_ms: nav.responseEnd,
          dom_content_loaded_ms: nav.domContentLoadedEventEnd,
          load_event_ms: nav.loadEventEnd,
          list_ready_ms: readyAt,
          usable_ms: mark(usable),
          requests: resources.length + 1,
          transferred_bytes: nav.transferSize + resources.reduce((sum, r) => sum + (r.transferSize || 0), 0),
          waterfall: [nav, ...resources]
            .filter((r) => readyAt == null || r.startTime < readyAt)
            .map((r) => `${new URL(r.name).pathname} ${Math.round(r.startTime)}→${Math.round(r.responseEnd)}`),
          api_before_ready: api
            .filter((r) => readyAt == null || r.startTime < readyAt)
            .map((r) => ({
              path: new URL(r.name).pathname,
              start_ms: Math.round(r.startTime),
              end_ms: Math.round(r.responseEnd),
            })),
        };
      },
      { ready: LIST_READY, usable: USABLE },
    );
  } finally {
    if (errors.length && !baseline) console.error(`  page errors: ${errors.join(' | ')}`);
    await page.close();
  }
}

async function series(browser, auth, { cold, baseline }) {
  const loads = [];
  if (cold) {
    for (let i = 0; i < LOADS; i++) {
      const context = await newContext(browser, auth);
      loads.push(await load(context, { cacheDisabled: true, baseline }));
      await context.close();
    }
  } else {
    const context = await newContext(browser, auth);
    await load(context, { cacheDisabled: false, baseline }); // primes the cache and connections
    for (let i = 0; i < LOADS; i++) loads.push(await load(context, { cacheDisabled: false, baseline }));
    await context.close();
  }
  const key = baseline ? 'load_event_ms' : 'usable_ms';
  return {
    median_ms: round(median(loads.map((l) => l[key]))),
    min_ms: round(Math.min(...loads.map((l) => l[key]))),
    max_ms: round(Math.max(...loads.map((l) => l[key]))),
    list_ready_median_ms: baseline ? null : round(median(loads.map((l) => l.list_ready_ms))),
    requests: median(loads.map((l) => l.requests)),
    transferred_kib: round(median(loads.map((l) => l.transferred_bytes)) / 1024),
    loads,
  };
}

function runStamp() {
  if (process.env.BENCH_RUN?.trim()) return process.env.BENCH_RUN.trim();
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** bench/common.py `save`: bench/results/<run>/<scenario>.json with `summary` rows. */
function save(scenario, figures, summary) {
  const dir = join(ROOT, 'bench', 'results', runStamp());
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${scenario}.json`);
  writeFileSync(path, JSON.stringify({ ...figures, summary, quick: QUICK }, null, 2));
  return path;
}

const row = (figure, atendo, baseline, target = null, met = null) => ({
  figure,
  atendo,
  baseline,
  ratio: baseline ? round(atendo / baseline, 2) : null,
  target,
  met,
  unit: 'ms',
});

const seeded = seed();
console.error(
  `  seeded ${seeded.conversations.toLocaleString('en')} conversations, ${seeded.messages.toLocaleString('en')} ` +
    `messages in ${seeded.wallSeconds.toFixed(1)} s`,
);
const auth = await sessionFor(seeded);
const browser = await chromium.launch({
  executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
let figures;
try {
  await series(browser, auth, { cold: false, baseline: false }); // the first load ever pays for cold server caches
  const cold = await series(browser, auth, { cold: true, baseline: false });
  const coldBaseline = await series(browser, auth, { cold: true, baseline: true });
  const warm = await series(browser, auth, { cold: false, baseline: false });
  const warmBaseline = await series(browser, auth, { cold: false, baseline: true });
  figures = {
    conversations: seeded.conversations,
    messages: seeded.messages,
    loads: LOADS,
    seed_seconds: round(seeded.wallSeconds),
    cold,
    cold_baseline: coldBaseline,
    warm,
    warm_baseline: warmBaseline,
  };
} finally {
  await browser.close();
}

const summary = [
  row(`web app: usable inbox, cold (${CONVERSATIONS.toLocaleString('en')} conversations)`, figures.cold.median_ms, figures.cold_baseline.median_ms),
  row(`web app: usable inbox, warm (${CONVERSATIONS.toLocaleString('en')} conversations)`, figures.warm.median_ms, figures.warm_baseline.median_ms),
];
save('inbox-page-load', figures, summary);
const first = figures.cold.loads[0];
console.log(
  `| web app → usable inbox (${figures.conversations.toLocaleString('en')} conversations, median of ${LOADS}) ` +
    '| usable ms | list rendered ms | requests | KiB | baseline: static app, no API (load event) ms | ratio |',
);
console.log('|---|---|---|---|---|---|---|');
for (const [label, s, b] of [
  ['cold (new context, cache disabled)', figures.cold, figures.cold_baseline],
  ['warm (cache and connections warm)', figures.warm, figures.warm_baseline],
]) {
  console.log(
    `| ${label} | ${s.median_ms} | ${s.list_ready_median_ms} | ${s.requests} | ${s.transferred_kib} | ${b.median_ms} | ` +
      `${round(s.median_ms / b.median_ms, 2)}× |`,
  );
}
console.log();
console.log(
  `API calls before the list showed (first cold load): ` +
    first.api_before_ready.map((r) => `${r.path} ${r.start_ms}→${r.end_ms} ms`).join(', '),
);

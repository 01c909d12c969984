#!/usr/bin/env node
// Minimal browser-spec runner: playwright-core driving Debian's /usr/bin/chromium (no
// browser download). Each e2e/*.spec.mjs exports `default async function (t)` and registers
// tests with t.test(name, fn); tests in one file run in order and share one page, so a
// failure marks the rest of that file as failed. Closes with "N passed, N failed".
import { appendFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const baseUrl = process.env.E2E_BASE_URL;
const mailDir = process.env.E2E_MAIL_DIR;
const executablePath = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

if (!baseUrl) {
  console.error('e2e: E2E_BASE_URL is not set. Point it at a running backend with the demo tenant loaded,');
  console.error('     e.g. E2E_BASE_URL=http://127.0.0.1:8000 E2E_MAIL_DIR=var/mail npm run e2e');
  console.log('0 passed, 1 failed');
  process.exit(2);
}

const filter = process.argv[2];
const specs = readdirSync(here)
  .filter((f) => f.endsWith('.spec.mjs') && (!filter || f.includes(filter)))
  .sort();

const browser = await chromium.launch({
  executablePath,
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

// A spec file whose test fails runs once more, from a fresh import (new run ids) in a new browser
// context, as Playwright's `retries` does on CI: a timing hiccup on a loaded machine should not
// fail the build, but the failure stays visible ("flaky" below) and a repeat failure counts.
const retries = Number(process.env.E2E_RETRIES ?? 1);
// The first line of each failure, also written to $E2E_REPORT: `devstack e2e` prints it after the
// server log so that a CI log's tail names the failed test, not just the servers' last requests.
const failures = [];
const flaky = [];

async function runSpec(spec, attempt) {
  const outcome = { passed: 0, failed: 0, failures: [] };
  const tests = [];
  const mod = await import(`${pathToFileURL(join(here, spec)).href}?attempt=${attempt}`);
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (err) => consoleErrors.push(String(err)));
  await mod.default({ test: (name, fn) => tests.push({ name, fn }) });
  console.log(`\n${spec}${attempt > 0 ? ` (retry ${attempt})` : ''}`);
  let broken = null;
  for (const [index, { name, fn }] of tests.entries()) {
    if (broken) {
      outcome.failed += 1;
      console.log(`  ✗ ${name} (not run: "${broken}" failed)`);
      continue;
    }
    const started = Date.now();
    try {
      await fn({ page, context, baseUrl, mailDir, browser });
      outcome.passed += 1;
      console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      outcome.failed += 1;
      broken = name;
      console.log(`  ✗ ${name} (${Date.now() - started} ms)`);
      console.log(`    ${String(error?.stack ?? error).split('\n').slice(0, 6).join('\n    ')}`);
      outcome.failures.push(`${spec} › ${name}: ${String(error?.message ?? error).split('\n')[0].slice(0, 400)}`);
      const shot = join(here, '..', 'test-results', `${spec}-${index}${attempt > 0 ? `-retry${attempt}` : ''}.png`);
      await page.screenshot({ path: shot, fullPage: true }).then(
        () => console.log(`    screenshot: ${shot}`),
        () => undefined,
      );
      if (consoleErrors.length) console.log(`    page errors: ${consoleErrors.join(' | ')}`);
    }
  }
  await context.close();
  return outcome;
}

let passed = 0;
let failed = 0;
try {
  for (const spec of specs) {
    let outcome = await runSpec(spec, 0);
    const firstFailures = outcome.failures;
    for (let attempt = 1; outcome.failed > 0 && attempt <= retries; attempt++) outcome = await runSpec(spec, attempt);
    if (outcome.failed === 0 && firstFailures.length) flaky.push(...firstFailures);
    passed += outcome.passed;
    failed += outcome.failed;
    failures.push(...outcome.failures);
  }
} finally {
  await browser.close();
}

if (specs.length === 0) {
  console.error('e2e: no *.spec.mjs files found');
  failed += 1;
}
if (flaky.length) console.log(`\nfailed, then passed on retry (flaky):\n  ${flaky.join('\n  ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
if (process.env.E2E_REPORT && (failures.length || flaky.length)) {
  appendFileSync(process.env.E2E_REPORT, [...failures, ...flaky.map((f) => `(flaky) ${f}`)].map((f) => `${f}\n`).join(''));
}
process.exit(failed > 0 ? 1 : 0);

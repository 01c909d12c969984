#!/usr/bin/env node
// Minimal browser-spec runner: playwright-core driving Debian's /usr/bin/chromium (no
// browser download). Each e2e/*.spec.mjs exports `default async function (t)` and registers
// tests with t.test(name, fn); tests in one file run in order and share one page, so a
// failure marks the rest of that file as failed. Closes with "N passed, N failed".
import { readdirSync } from 'node:fs';
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

let passed = 0;
let failed = 0;
try {
  for (const spec of specs) {
    const tests = [];
    const mod = await import(pathToFileURL(join(here, spec)).href);
    const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const consoleErrors = [];
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    await mod.default({ test: (name, fn) => tests.push({ name, fn }) });
    console.log(`\n${spec}`);
    let broken = null;
    for (const { name, fn } of tests) {
      if (broken) {
        failed += 1;
        console.log(`  ✗ ${name} (not run: "${broken}" failed)`);
        continue;
      }
      const started = Date.now();
      try {
        await fn({ page, context, baseUrl, mailDir, browser });
        passed += 1;
        console.log(`  ✓ ${name} (${Date.now() - started} ms)`);
      } catch (error) {
        failed += 1;
        broken = name;
        console.log(`  ✗ ${name} (${Date.now() - started} ms)`);
        console.log(`    ${String(error?.stack ?? error).split('\n').slice(0, 6).join('\n    ')}`);
        const shot = join(here, '..', 'test-results', `${spec}-${tests.indexOf(tests.find((t) => t.name === name))}.png`);
        await page.screenshot({ path: shot, fullPage: true }).then(
          () => console.log(`    screenshot: ${shot}`),
          () => undefined,
        );
        if (consoleErrors.length) console.log(`    page errors: ${consoleErrors.join(' | ')}`);
      }
    }
    await context.close();
  }
} finally {
  await browser.close();
}

if (specs.length === 0) {
  console.error('e2e: no *.spec.mjs files found');
  failed += 1;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

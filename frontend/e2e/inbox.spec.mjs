// The agent's inbox against a real backend (E2E_BASE_URL) with the demo tenant loaded: a visitor
// writes in the Web Chat widget on the demo page, the agent sees the conversation arrive live in
// the inbox, answers from the composer and writes a private note; the visitor sees the answer and
// never the note. Screenshots of the inbox at desktop and phone widths land in test-results/.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANGUAGES, assert, onBaseUrl, text, waitForMagicLink } from './helpers.mjs';

const AGENT_EMAIL = 'agent@demo.atendo.local';
const RUN = Date.now().toString(36);
const VISITOR = { name: `Inbox Visitor ${RUN}`, email: `inbox-${RUN}@example.test` };
const QUESTION = `Vocês entregam no sábado? ${RUN}`;
const REPLY = `Entregamos sim, das 9h às 13h. ${RUN}`;
const NOTE = `Nota interna: cliente recorrente ${RUN}`;
const LIVE_MS = 5000;
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');

/** The live (not leaving) inbox page: Ionic keeps a leaving page in the DOM during transitions. */
function inbox(page) {
  return page.locator('.ion-page:not(.ion-page-hidden)[data-testid="page-inbox"]').first();
}

function widgetBubble(page, body) {
  return page.getByTestId('widget-message').filter({ has: page.getByTestId('widget-message-text').getByText(body, { exact: true }) });
}

async function openWidget(page) {
  await page.goto('/demo/widget');
  await page.getByTestId('widget-launcher').waitFor({ state: 'attached', timeout: 15000 });
  const panel = page.getByTestId('widget-panel');
  if (!(await panel.isVisible())) await page.getByTestId('widget-launcher').click();
  await panel.waitFor({ state: 'visible' });
  await page.locator('[data-testid="widget-input"], [data-testid="widget-prechat"]').first().waitFor();
  if (await page.getByTestId('widget-prechat').isVisible()) {
    const inputs = page.getByTestId('widget-prechat').locator('input');
    for (let i = 0; i < (await inputs.count()); i++) {
      const input = inputs.nth(i);
      const name = await input.getAttribute('name');
      const type = await input.getAttribute('type');
      if (name === 'name') await input.fill(VISITOR.name);
      else if (name === 'email' || type === 'email') await input.fill(VISITOR.email);
      else if ((await input.getAttribute('required')) !== null) await input.fill('E2E');
    }
    await page.getByTestId('prechat-submit').click();
  }
  await page.getByTestId('widget-input').waitFor();
}

async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `inbox-${name}.png`) });
}

export default function ({ test }) {
  let visitorContext = null;
  let visitor = null;
  let inboxSocket = null;

  test('the agent signs in by magic link and lands on the live inbox', async ({ page, baseUrl, mailDir }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/login');
    await page.getByTestId('login-email').waitFor();
    await page.getByTestId('login-email').locator('input').fill(AGENT_EMAIL);
    const since = Date.now();
    await page.getByTestId('login-submit').click();
    const link = onBaseUrl(await waitForMagicLink(mailDir, AGENT_EMAIL, since), baseUrl);
    const socketOpened = page.waitForEvent('websocket', { predicate: (ws) => ws.url().includes('/ws/demo/inbox'), timeout: 20000 });
    await page.goto(link);
    await page.waitForURL('**/inbox', { timeout: 15000 });
    await inbox(page).getByTestId('inbox-filters').waitFor();
    inboxSocket = await socketOpened;
    assert(!inboxSocket.url().includes('token='), 'the access token travels in the websocket URL (it belongs in the subprotocol)');
    await page.waitForTimeout(300); // the server joins the member's groups before accepting; settle anyway
  });

  test('a visitor writes in the widget and the conversation appears live in the inbox', async ({ page, browser, baseUrl }) => {
    visitorContext = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
    visitor = await visitorContext.newPage();
    await openWidget(visitor);
    const started = Date.now();
    await visitor.getByTestId('widget-input').fill(QUESTION);
    await visitor.getByTestId('widget-send').click();
    const row = inbox(page).getByTestId('conversation-row').filter({ hasText: VISITOR.name });
    await row.first().waitFor({ timeout: LIVE_MS });
    console.log(`    conversation listed ${Date.now() - started} ms after the visitor sent`);
    assert((await row.count()) === 1, `${await row.count()} rows for one conversation`);
    assert((await row.getByTestId('conversation-preview').innerText()).includes(RUN), 'the row does not preview the last message');
    await row.click();
    const pane = inbox(page).getByTestId('conversation-pane');
    await pane.waitFor();
    await pane.getByTestId('message-text').getByText(QUESTION, { exact: true }).waitFor();
    await screenshot(page, 'desktop');
  });

  test('the agent answers from the composer (Enter) and the visitor sees it', async ({ page }) => {
    const pane = inbox(page).getByTestId('conversation-pane');
    await pane.getByTestId('composer-input').fill(REPLY);
    await pane.getByTestId('composer-input').press('Enter');
    const mine = pane.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: REPLY });
    await mine.waitFor({ timeout: LIVE_MS });
    assert((await pane.getByTestId('outgoing-message').count()) === 0, 'the optimistic bubble was not replaced by the server message');
    assert((await mine.count()) === 1, `the reply is shown ${await mine.count()} times`);
    await widgetBubble(visitor, REPLY).waitFor({ timeout: LIVE_MS });
    // the server confirmed delivery to the widget's channel: the tick moves past "queued"
    await page.waitForFunction(
      (body) =>
        [...document.querySelectorAll('[data-testid="message"][data-direction="out"]')].some(
          (el) => el.textContent.includes(body) && el.querySelector('[data-testid="delivery-status"]')?.getAttribute('data-status') !== 'queued',
        ),
      REPLY,
      { timeout: 10000 },
    );
  });

  test('a private note looks different and never reaches the visitor', async ({ page }) => {
    const pane = inbox(page).getByTestId('conversation-pane');
    await pane.getByTestId('composer-mode-note').click();
    await pane.getByTestId('composer-input').fill(NOTE);
    await pane.getByTestId('composer-input').press('Enter');
    const note = pane.locator('[data-testid="message"][data-kind="note"]').filter({ hasText: NOTE });
    await note.waitFor({ timeout: LIVE_MS });
    assert((await note.getAttribute('class')).includes('is-note'), 'the note is not styled as a note');
    await visitor.waitForTimeout(1500);
    assert((await widgetBubble(visitor, NOTE).count()) === 0, 'the visitor sees the private note');
    await pane.getByTestId('composer-mode-reply').click();
  });

  test('files upload from the composer and show as a download link', async ({ page }) => {
    const pane = inbox(page).getByTestId('conversation-pane');
    const name = `pedido-${RUN}.txt`;
    await pane.getByTestId('composer-file').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(`pedido ${RUN}\n`) });
    await pane.getByTestId('composer-send').click();
    const link = pane.getByTestId('attachment-file').filter({ hasText: name });
    await link.waitFor({ timeout: LIVE_MS });
    assert((await link.getAttribute('href'))?.length > 0, 'the attachment has no download URL');
    assert((await pane.getByTestId('outgoing-message').count()) === 0, 'the upload stayed pending');
  });

  test('at 360 px the conversation and the list are stacked screens', async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    const pane = inbox(page).getByTestId('conversation-pane');
    await pane.waitFor();
    assert(!(await inbox(page).getByTestId('inbox-filters').isVisible()), 'the list shows beside the conversation at 360 px');
    await screenshot(page, 'phone-conversation');
    await pane.getByTestId('conversation-back').click();
    const row = inbox(page).getByTestId('conversation-row').filter({ hasText: VISITOR.name });
    await row.waitFor();
    assert(!(await pane.isVisible()), 'the conversation stays on screen after going back at 360 px');
    await screenshot(page, 'phone-list');
    await row.click();
    await pane.waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
    await inbox(page).getByTestId('inbox-filters').waitFor();
  });

  test('resolving moves the conversation out of the open list', async ({ page }) => {
    const pane = inbox(page).getByTestId('conversation-pane');
    await pane.getByTestId('resolve').click();
    await pane.getByTestId('reopen').waitFor({ timeout: LIVE_MS });
    await page.waitForFunction(
      (name) => ![...document.querySelectorAll('[data-testid="conversation-row"]')].some((el) => el.textContent.includes(name)),
      VISITOR.name,
      { timeout: LIVE_MS },
    );
  });

  test('the inbox screen has no untranslated keys in pt-BR, en and es', async ({ page }) => {
    const row = inbox(page).getByTestId('conversation-row').first();
    if (await row.count()) await row.click();
    for (const lng of LANGUAGES) {
      await page.getByTestId(`language-${lng}`).click();
      await page.waitForFunction((l) => document.documentElement.lang === l, lng);
      const title = text(lng, 'inbox', 'title');
      await inbox(page).locator('ion-title').getByText(title, { exact: true }).waitFor();
      const shown = await inbox(page).evaluate((root) =>
        [root.innerText, ...[...root.querySelectorAll('[placeholder], [aria-label], [title]')].map((el) => `${el.getAttribute('placeholder') ?? ''} ${el.getAttribute('aria-label') ?? ''} ${el.getAttribute('title') ?? ''}`)].join('\n'),
      );
      const keys = shown.match(/\b(?:list|filters|status|channel|conversation|message|delivery|outbox|attachment|typing|composer|actions|snooze|connection)\.[a-zA-Z]+\b/g) ?? [];
      assert(keys.length === 0, `${lng}: untranslated keys on the inbox screen: ${[...new Set(keys)].join(', ')}`);
    }
    await visitorContext?.close();
  });
}

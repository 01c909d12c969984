// The agent's inbox against a real backend (E2E_BASE_URL) with the demo tenant loaded: a visitor
// writes in the Web Chat widget on the demo page, the agent sees the conversation arrive live in
// the inbox, answers from the composer and writes a private note; the visitor sees the answer and
// never the note. Screenshots of the inbox at desktop and phone widths land in test-results/.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, LANGUAGES, loginForm, onBaseUrl, text, waitForMagicLink } from './helpers.mjs';

const AGENT_EMAIL = 'agent@demo.atendo.local';
const RUN = Date.now().toString(36);
const VISITOR = { name: `Inbox Visitor ${RUN}`, email: `inbox-${RUN}@example.test` };
const QUESTION = `Vocês entregam no sábado? ${RUN}`;
const REPLY = `Entregamos sim, das 9h às 13h. ${RUN}`;
const NOTE = `Nota interna: cliente recorrente ${RUN}`;
const AGAIN = `Oi de novo, chegou o pedido? ${RUN}`;
const OWNER_EMAIL = 'owner@demo.atendo.local';
/** Words that find the red heart in each UI language's emoji names. */
const HEART_SEARCH = { 'pt-BR': 'coração', en: 'heart', es: 'corazón' };
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

/** A JSON API client for `email`, signed in by magic link without a browser (for setup steps). */
async function apiAs(baseUrl, mailDir, email) {
  const call = async (method, path, body, access) => {
    const headers = { 'Content-Type': 'application/json', 'X-Tenant': 'demo' };
    if (access) headers.Authorization = `Bearer ${access}`;
    const response = await fetch(new URL(path, baseUrl), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  };
  const since = Date.now();
  const asked = await call('POST', '/api/v1/auth/magic-link', { email });
  assert(asked.status === 202, `magic link for ${email}: ${asked.status}`);
  const token = new URL(await waitForMagicLink(mailDir, email, since)).searchParams.get('token');
  const signedIn = await call('POST', '/api/v1/auth/token', { token });
  assert(signedIn.status === 200, `token exchange for ${email}: ${signedIn.status}`);
  return (method, path, body) => call(method, path, body, signedIn.body.access);
}

/** The demo tenant's reopen window: 0 makes the visitor's next message start a new conversation. */
async function setReopenWindow(owner, hours) {
  const me = await owner('GET', '/api/v1/users/me');
  const tenantId = me.body.memberships.find((m) => m.tenant.slug === 'demo').tenant.id;
  const changed = await owner('PATCH', `/api/v1/tenants/${tenantId}`, { reopen_window_hours: hours });
  assert(changed.status === 200, `PATCH tenant: ${changed.status} ${JSON.stringify(changed.body)}`);
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
    await loginForm(page).email.waitFor();
    await loginForm(page).email.locator('input').fill(AGENT_EMAIL);
    const since = Date.now();
    await loginForm(page).submit.click();
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

  test('the agent types /ola, picks the quick reply, and the visitor gets it with the names filled in', async ({ page }) => {
    // The demo's shared /ola (backend atendo/knowledge/demo.py) greets {{contact.first_name}} as {{agent.first_name}}.
    const pane = inbox(page).getByTestId('conversation-pane');
    const input = pane.getByTestId('composer-input');
    await input.click();
    await input.pressSequentially('/ol'); // real keystrokes: the suggestions follow the caret
    const ola = pane.locator('[data-testid="quick-reply-option"][data-shortcut="ola"]');
    await ola.waitFor({ timeout: LIVE_MS });
    assert((await ola.getAttribute('aria-selected')) === 'true', 'the best match (/ola) is not highlighted first');
    assert((await input.getAttribute('aria-activedescendant')) === (await ola.getAttribute('id')), 'the textarea does not point at the highlighted option');
    await input.press('Enter');
    await pane.getByTestId('quick-replies').waitFor({ state: 'detached' });
    const greeting = await input.inputValue();
    const visitorFirstName = VISITOR.name.split(' ')[0];
    assert(greeting.startsWith(`Olá, ${visitorFirstName}!`), `the contact's first name is not filled in: ${greeting}`);
    assert(greeting.includes('Arthur') && !greeting.includes('{{'), `the agent's name is not filled in: ${greeting}`);
    await input.press('Enter');
    const mine = pane.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: greeting });
    await mine.waitFor({ timeout: LIVE_MS });
    assert((await mine.getByTestId('message-text').innerText()).trim() === greeting, 'the bubble does not show the filled-in greeting');
    assert((await input.inputValue()) === '', 'the composer kept the text after sending');
    await widgetBubble(visitor, greeting).waitFor({ timeout: LIVE_MS });
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

  test('the emoji picker loads on demand and inserts a heart found in the UI language', async ({ page }) => {
    const pane = inbox(page).getByTestId('conversation-pane');
    const input = pane.getByTestId('composer-input');
    await input.fill(`Obrigado! ${RUN}`);
    await input.evaluate((el) => el.setSelectionRange(8, 8)); // right after "Obrigado"
    const dataChunk = page.waitForResponse((r) => /\/assets\/(pt|en|es)-[\w-]+\.js$/.test(r.url()), { timeout: 10000 });
    await pane.getByTestId('composer-emoji').click();
    const picker = pane.getByTestId('emoji-picker');
    await picker.waitFor({ timeout: 10000 });
    const language = await page.evaluate(() => document.documentElement.lang);
    assert((await dataChunk).ok(), 'the emoji data of the UI language did not load');
    await picker.getByTestId('emoji-search').fill(HEART_SEARCH[language] ?? 'heart');
    const first = picker.getByTestId('emoji-option').first();
    await first.waitFor();
    assert((await first.innerText()).startsWith('❤'), `searching "${HEART_SEARCH[language]}" shows ${await first.innerText()} first`);
    await first.click();
    assert((await input.inputValue()) === `Obrigado❤️! ${RUN}`, `the composer holds "${await input.inputValue()}"`);
    assert(await input.evaluate((el) => document.activeElement === el), 'the textarea lost the focus after a click in the picker');
    await screenshot(page, 'emoji-picker');
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    await input.fill('');
    // On a phone it is a sheet rising from the composer; tapping the textarea gives way to the keyboard.
    await page.setViewportSize({ width: 360, height: 740 });
    await pane.getByTestId('composer-emoji').click();
    await pane.locator('[data-testid="emoji-panel"].is-sheet [data-testid="emoji-option"]').first().waitFor();
    await screenshot(page, 'phone-emoji');
    await input.click();
    await picker.waitFor({ state: 'detached' });
    await page.setViewportSize({ width: 1280, height: 800 });
    await inbox(page).getByTestId('inbox-filters').waitFor();
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

  test('the contact panel shows who the visitor is and their past conversation, which opens', async ({ page, baseUrl, mailDir }) => {
    const owner = await apiAs(baseUrl, mailDir, OWNER_EMAIL);
    await setReopenWindow(owner, 0);
    try {
      const firstId = await page.evaluate(() => window.location.pathname.split('/').pop());
      await visitor.getByTestId('widget-input').fill(AGAIN);
      await visitor.getByTestId('widget-send').click();
      const row = inbox(page).getByTestId('conversation-row').filter({ hasText: VISITOR.name });
      await row.first().waitFor({ timeout: LIVE_MS });
      await row.first().click();
      const pane = inbox(page).getByTestId('conversation-pane');
      await pane.getByTestId('message-text').getByText(AGAIN, { exact: true }).waitFor();
      const secondId = await pane.getAttribute('data-conversation-id');
      assert(secondId && secondId !== firstId, 'writing after the resolution did not start a new conversation');

      // A third column beside the conversation on a wide screen (a modal below 1440 px).
      await page.setViewportSize({ width: 1440, height: 900 });
      await pane.getByTestId('contact-panel-toggle').click();
      const panel = inbox(page).getByTestId('contact-panel');
      await panel.waitFor({ timeout: LIVE_MS });
      await panel.getByTestId('contact-name').getByText(VISITOR.name, { exact: true }).waitFor();
      // The widget recognised the visitor by the e-mail given before the chat.
      const email = panel.locator('[data-testid="contact-identity"][data-kind="email"]');
      await email.waitFor();
      assert((await email.getByTestId('contact-identity-value').innerText()) === VISITOR.email, 'the pre-chat e-mail is not the identity');

      const past = panel.locator(`[data-testid="contact-conversation"][data-conversation-id="${firstId}"]`);
      await past.waitFor({ timeout: LIVE_MS });
      assert((await past.getAttribute('data-status')) === 'resolved', 'the past conversation is not shown as resolved');
      const current = panel.locator(`[data-testid="contact-conversation"][data-conversation-id="${secondId}"]`);
      assert((await current.getAttribute('aria-current')) === 'true', 'the open conversation is not marked as the current one');
      await screenshot(page, 'contact-panel');
      await past.click();
      await page.waitForURL(`**/inbox/${firstId}`);
      await inbox(page).locator(`[data-testid="conversation-pane"][data-conversation-id="${firstId}"]`).waitFor();
      await inbox(page).getByTestId('message-text').getByText(QUESTION, { exact: true }).waitFor();
      // The column stays open (remembered) and follows the conversation.
      await panel.locator(`[data-testid="contact-conversation"][data-conversation-id="${firstId}"][aria-current="true"]`).waitFor();
      assert((await page.evaluate(() => localStorage.getItem('atendo.inbox.contactPanel'))) === 'open', 'the open panel is not remembered');

      // On a phone the panel is a modal over the conversation.
      await page.setViewportSize({ width: 360, height: 740 });
      await inbox(page).getByTestId('contact-panel-toggle').click();
      const modal = page.getByTestId('contact-modal').getByTestId('contact-panel');
      await modal.waitFor({ timeout: LIVE_MS });
      await modal.getByTestId('contact-name').getByText(VISITOR.name, { exact: true }).waitFor();
      await page.waitForTimeout(400); // the modal's entrance animation
      await screenshot(page, 'phone-contact');
      await modal.getByTestId('contact-panel-close').click();
      await modal.waitFor({ state: 'detached' });
      // Back to the wide screen: the remembered column is there again for the next checks.
      await page.setViewportSize({ width: 1440, height: 900 });
      await inbox(page).getByTestId('contact-panel').waitFor();
      await inbox(page).getByTestId('inbox-filters').waitFor();
    } finally {
      await setReopenWindow(owner, 24);
    }
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
      const keys = shown.match(/\b(?:list|filters|status|channel|conversation|message|delivery|outbox|attachment|typing|composer|actions|snooze|connection|quickReplies|contact|emoji)\.[a-zA-Z]+\b/g) ?? [];
      assert(keys.length === 0, `${lng}: untranslated keys on the inbox screen: ${[...new Set(keys)].join(', ')}`);
    }
    await visitorContext?.close();
  });
}

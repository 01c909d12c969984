// A transfer between departments, live, with two agents scoped to one department each (demo:
// vendas@ sees Vendas, suporte@ sees Suporte; the demo web chat starts conversations in Vendas).
// The Vendas agent transfers a visitor's conversation to Suporte with a note: the Suporte agent
// (a second browser context) sees it arrive without reloading, with the note in the timeline,
// and the Vendas agent loses it.
import { assert, loginForm, onBaseUrl, waitForMagicLink } from './helpers.mjs';

const SALES = 'vendas@demo.atendo.local';
const SUPPORT = 'suporte@demo.atendo.local';
const RUN = Date.now().toString(36);
const VISITOR = `Transfer Visitor ${RUN}`;
const QUESTION = `A nota fiscal veio errada ${RUN}`;
const NOTE = `Cliente precisa de segunda via da nota ${RUN}`;
const LIVE_MS = 8000;

function inbox(page) {
  return page.locator('.ion-page:not(.ion-page-hidden)[data-testid="page-inbox"]').first();
}

function row(page) {
  return inbox(page).getByTestId('conversation-row').filter({ hasText: VISITOR });
}

async function signIn(page, email, baseUrl, mailDir) {
  await page.goto('/login');
  await loginForm(page).email.locator('input').fill(email);
  const since = Date.now();
  await loginForm(page).submit.click();
  const link = onBaseUrl(await waitForMagicLink(mailDir, email, since), baseUrl);
  const socketOpened = page.waitForEvent('websocket', { predicate: (ws) => ws.url().includes('/ws/demo/inbox'), timeout: 20000 });
  await page.goto(link);
  await page.waitForURL('**/inbox', { timeout: 15000 });
  await inbox(page).getByTestId('inbox-filters').waitFor();
  await socketOpened;
  await page.waitForTimeout(300);
}

/** The visitor's page, opened first: with two agents' pages already open, a later page was
 * sometimes not scheduled soon enough for the widget to boot within the wait. */
async function openWidget(browser, baseUrl) {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto('/demo/widget');
  await page.getByTestId('widget-launcher').waitFor({ state: 'attached', timeout: 15000 });
  if (!(await page.getByTestId('widget-panel').isVisible())) await page.getByTestId('widget-launcher').click();
  await page.locator('[data-testid="widget-input"], [data-testid="widget-prechat"]').first().waitFor();
  if (await page.getByTestId('widget-prechat').isVisible()) {
    await page.getByTestId('widget-prechat').locator('input[name="name"]').fill(VISITOR);
    await page.getByTestId('prechat-submit').click();
  }
  await page.getByTestId('widget-input').waitFor();
  return { context, page };
}

export default function ({ test }) {
  let support = null;
  let supportContext = null;
  let visitor = null;

  test('two agents of different departments sign in', async ({ page, browser, baseUrl, mailDir }) => {
    visitor = await openWidget(browser, baseUrl);
    await signIn(page, SALES, baseUrl, mailDir);
    supportContext = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
    support = await supportContext.newPage();
    await signIn(support, SUPPORT, baseUrl, mailDir);
  });

  test('a web chat conversation reaches Vendas only', async ({ page }) => {
    await visitor.page.bringToFront();
    await visitor.page.getByTestId('widget-input').fill(QUESTION);
    await visitor.page.getByTestId('widget-send').click();
    await page.bringToFront();
    await row(page).first().waitFor({ timeout: LIVE_MS });
    await support.waitForTimeout(1000);
    assert((await row(support).count()) === 0, 'the Suporte agent sees a Vendas conversation');
  });

  test('the Vendas agent transfers it to Suporte with a note', async ({ page }) => {
    await row(page).first().click();
    const pane = inbox(page).getByTestId('conversation-pane');
    await pane.getByTestId('message-text').getByText(QUESTION, { exact: true }).waitFor();
    await pane.getByTestId('conversation-more').click();
    await page.locator('ion-action-sheet button').filter({ hasText: /Transferir|Transfer/ }).first().click();
    const modal = page.getByTestId('transfer-modal');
    await modal.waitFor();
    await modal.getByTestId('transfer-department').click();
    await page.locator('ion-popover ion-radio, ion-popover ion-item').filter({ hasText: 'Suporte' }).first().click();
    await modal.getByTestId('transfer-note').fill(NOTE);
    await modal.getByTestId('transfer-submit').click();
  });

  test('the Suporte agent sees it arrive live, with the note', async () => {
    const arrived = Date.now();
    await row(support).first().waitFor({ timeout: LIVE_MS });
    console.log(`    listed for Suporte ${Date.now() - arrived} ms after the transfer`);
    await row(support).first().click();
    const pane = inbox(support).getByTestId('conversation-pane');
    await pane.getByTestId('message-text').getByText(QUESTION, { exact: true }).waitFor();
    await pane.locator('[data-testid="message"][data-kind="system"]').filter({ hasText: NOTE }).waitFor({ timeout: LIVE_MS });
  });

  test('the Vendas agent, outside Suporte, loses it', async ({ page }) => {
    await page.waitForFunction(
      (name) => ![...document.querySelectorAll('[data-testid="conversation-row"]')].some((el) => el.textContent.includes(name)),
      VISITOR,
      { timeout: LIVE_MS },
    );
    const pane = inbox(page).getByTestId('conversation-pane');
    if (await pane.count()) {
      assert(
        (await inbox(page).getByTestId('conversation-unavailable').count()) > 0 || !(await pane.getByText(QUESTION).count()),
        'the Vendas agent still reads a conversation outside their department',
      );
    }
    await supportContext?.close();
    await visitor?.context.close();
  });
}

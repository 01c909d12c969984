// The ticket board against a real backend (E2E_BASE_URL) with the demo tenant loaded (it ships
// no tickets: the spec creates its own through the API). The agent opens the board, a ticket
// created elsewhere appears live, a drag moves it to another status and the move survives a
// reload; a refused move goes back with the server's reason; the move menu does the same
// without a pointer; the ticket opens with its SLA timers, history and comments. Screenshots of
// the board at desktop and phone widths land in test-results/.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, LANGUAGES, loginForm, onBaseUrl, text, waitForMagicLink } from './helpers.mjs';

const AGENT_EMAIL = 'agent@demo.atendo.local';
const RUN = Date.now().toString(36);
const SUBJECT = `Boleto não chegou ${RUN}`;
const COMMENT = `Reenviamos o boleto por e-mail ${RUN}`;
const LIVE_MS = 5000;
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');
// Wide enough for all six columns beside the menu: a drag never has to scroll the board.
const DESKTOP = { width: 1920, height: 1000 };

/** The live (not leaving) tickets page: Ionic keeps a leaving page in the DOM during transitions. */
function tickets(page) {
  return page.locator('.ion-page:not(.ion-page-hidden)[data-testid="page-tickets"]').first();
}

function column(page, status) {
  return tickets(page).locator(`[data-testid="board-column"][data-status="${status}"]`);
}

function card(page, status, id) {
  return column(page, status).locator(`[data-testid="ticket-card"][data-ticket-id="${id}"]`);
}

/** A call to the API as the signed-in agent (the token the app keeps), outside the UI. */
async function apiCall(page, method, path, body) {
  return page.evaluate(
    async ({ method, path, body }) => {
      const { state } = JSON.parse(localStorage.getItem('atendo.auth'));
      const response = await fetch(path, {
        method,
        headers: {
          Authorization: `Bearer ${state.access}`,
          'X-Tenant': state.tenantSlug,
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json().catch(() => null) };
    },
    { method, path, body },
  );
}

async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `tickets-${name}.png`) });
}

/** Waits for the PATCH of the ticket's status and returns the HTTP status it got. */
function statusResponse(page, id) {
  return page.waitForResponse((r) => r.url().includes(`/api/v1/tickets/${id}/status`) && r.request().method() === 'PATCH', {
    timeout: LIVE_MS,
  });
}

export default function ({ test }) {
  let ticketId = null;
  let ticketNumber = null;

  test('the agent signs in and opens the ticket board, live from its socket', async ({ page, baseUrl, mailDir }) => {
    await page.setViewportSize(DESKTOP);
    await page.goto('/login');
    await loginForm(page).email.waitFor();
    await loginForm(page).email.locator('input').fill(AGENT_EMAIL);
    const since = Date.now();
    await loginForm(page).submit.click();
    const link = onBaseUrl(await waitForMagicLink(mailDir, AGENT_EMAIL, since), baseUrl);
    await page.goto(link);
    await page.waitForURL('**/inbox', { timeout: 15000 });
    await page.evaluate(() => localStorage.setItem('atendo.tickets.view', 'board'));
    const socketOpened = page.waitForEvent('websocket', { predicate: (ws) => ws.url().includes('/ws/demo/tickets'), timeout: 20000 });
    await page.getByTestId('menu-tickets').first().click();
    await page.waitForURL('**/tickets', { timeout: 15000 });
    await tickets(page).getByTestId('ticket-board').waitFor();
    for (const status of ['new', 'open', 'pending', 'on_hold', 'solved', 'closed']) await column(page, status).waitFor();
    const socket = await socketOpened;
    assert(!socket.url().includes('token='), 'the access token travels in the websocket URL');
    await page.waitForTimeout(300); // the server joins the board groups before accepting; settle anyway
  });

  test('a ticket created elsewhere appears live in the New column', async ({ page }) => {
    const started = Date.now();
    // In the demo's Suporte department, so its SLA policy runs clocks on the ticket.
    const departments = await apiCall(page, 'GET', '/api/v1/departments?page_size=200');
    const support = departments.body.results.find((d) => d.name === 'Suporte');
    assert(support, 'the demo has no Suporte department');
    const created = await apiCall(page, 'POST', '/api/v1/tickets', {
      subject: SUBJECT,
      description: 'Cliente pediu segunda via.',
      priority: 'high',
      department: support.id,
    });
    assert(created.status === 201, `POST /api/v1/tickets answered ${created.status}: ${JSON.stringify(created.body)}`);
    ticketId = created.body.id;
    ticketNumber = created.body.number;
    assert(created.body.status === 'new', `a ticket without a team starts as "${created.body.status}"`);
    await card(page, 'new', ticketId).waitFor({ timeout: LIVE_MS });
    console.log(`    card shown ${Date.now() - started} ms after the API created the ticket`);
    const badge = card(page, 'new', ticketId).getByTestId('sla-badge');
    await badge.waitFor();
    assert(['ok', 'warning'].includes(await badge.getAttribute('data-look')), 'the new ticket shows no running SLA countdown');
    assert((await card(page, 'new', ticketId).getByTestId('ticket-subject').innerText()) === SUBJECT, 'the card does not show the subject');
    await screenshot(page, 'board-desktop');
  });

  test('dragging the card to Open changes its status, and a reload shows it there', async ({ page }) => {
    const answered = statusResponse(page, ticketId);
    await card(page, 'new', ticketId).dragTo(column(page, 'open'));
    await card(page, 'open', ticketId).waitFor({ timeout: LIVE_MS });
    const response = await answered;
    assert(response.status() === 200, `PATCH status answered ${response.status()}`);
    assert((await response.json()).status === 'open', 'the server did not take the new status');
    await tickets(page).locator(`[data-testid="ticket-card"][data-ticket-id="${ticketId}"]:not([aria-busy])`).waitFor();

    await page.reload();
    await tickets(page).getByTestId('ticket-board').waitFor();
    await card(page, 'open', ticketId).waitFor({ timeout: 10000 });
    assert((await card(page, 'new', ticketId).count()) === 0, 'after a reload the ticket is still in New');
    const stored = await apiCall(page, 'GET', `/api/v1/tickets/${ticketId}`);
    assert(stored.body.status === 'open', `the API says "${stored.body.status}"`);
  });

  test('a move the workflow forbids goes back, explained with the server message', async ({ page }) => {
    const answered = statusResponse(page, ticketId);
    await card(page, 'open', ticketId).dragTo(column(page, 'closed'));
    const response = await answered;
    assert(response.status() === 409, `an open → closed move answered ${response.status()}`);
    const { message } = await response.json();
    const alert = tickets(page).getByTestId('move-refused');
    await alert.waitFor({ timeout: LIVE_MS });
    const shown = await alert.innerText();
    assert(shown.includes(message), `the refusal does not show the server's message "${message}": ${shown}`);
    await card(page, 'open', ticketId).waitFor({ timeout: LIVE_MS });
    assert((await card(page, 'closed', ticketId).count()) === 0, 'the refused card stayed in Closed');
  });

  test('the move menu moves a card without dragging', async ({ page }) => {
    await card(page, 'open', ticketId).getByTestId('ticket-move').click();
    const sheet = page.locator('ion-action-sheet');
    await sheet.waitFor();
    const closedOption = sheet.locator('[data-testid="move-to-closed"]');
    assert(await closedOption.isDisabled(), 'Closed is offered from Open');
    const answered = statusResponse(page, ticketId);
    await sheet.locator('[data-testid="move-to-solved"]').click();
    await card(page, 'solved', ticketId).waitFor({ timeout: LIVE_MS });
    assert((await answered).status() === 200, 'the menu move was refused');
  });

  test("the column headers count what the server counts for the agent's scope", async ({ page }) => {
    const counts = (await apiCall(page, 'GET', '/api/v1/tickets/counts')).body.counts;
    for (const status of ['new', 'open', 'solved']) {
      const header = column(page, status).getByTestId('column-count');
      await page.waitForFunction(
        ({ el, expected }) => el.textContent === expected,
        { el: await header.elementHandle(), expected: String(counts[status]) },
        { timeout: LIVE_MS },
      );
    }
    assert(counts.solved >= 1, `the solved ticket is not counted: ${JSON.stringify(counts)}`);
  });

  test('the ticket opens beside the board with SLA timers, history and comments', async ({ page }) => {
    await card(page, 'solved', ticketId).locator('.atendo-tk-card-open').click();
    await page.waitForURL(`**/tickets/${ticketId}`);
    const detail = tickets(page).getByTestId('ticket-detail');
    await detail.waitFor();
    assert((await detail.getByTestId('ticket-detail-subject').innerText()) === SUBJECT, 'the detail shows another subject');
    // Solved: the resolution target is met and the other clocks stopped.
    const timers = detail.getByTestId('sla-timer');
    await timers.first().waitFor();
    const looks = await timers.evaluateAll((els) => els.map((el) => `${el.dataset.target}:${el.dataset.look}`));
    assert(looks.some((l) => l.startsWith('resolution:')), `no resolution timer: ${looks.join(', ')}`);
    assert(!looks.some((l) => l.endsWith(':ok') || l.endsWith(':warning')), `a timer still runs on a solved ticket: ${looks.join(', ')}`);
    await detail.getByTestId('assignment-history').waitFor();
    // the status changes left system notes in the thread
    await detail.locator('[data-testid="ticket-comment"][data-kind="system"]').first().waitFor({ timeout: LIVE_MS });
    await detail.getByTestId('comment-input').fill(COMMENT);
    await detail.getByTestId('comment-send').click();
    await detail.getByTestId('ticket-comments').getByText(COMMENT, { exact: true }).waitFor({ timeout: LIVE_MS });
    assert(await tickets(page).getByTestId('ticket-board').isVisible(), 'the board is not beside the open ticket on desktop');
    await screenshot(page, 'detail-desktop');
  });

  test('the agent takes the ticket, then gives it back to the queue', async ({ page }) => {
    const detail = tickets(page).getByTestId('ticket-detail');
    await detail.getByTestId('ticket-assign-me').click();
    await detail.getByTestId('ticket-unassign').waitFor({ timeout: LIVE_MS });
    await detail.getByTestId('ticket-unassign').click();
    await detail.getByTestId('ticket-assign-me').waitFor({ timeout: LIVE_MS });
    const stored = (await apiCall(page, 'GET', `/api/v1/tickets/${ticketId}`)).body;
    assert(stored.assignee === null, `the ticket is still held by ${JSON.stringify(stored.assignee)}`);
    const last = stored.assignments.at(-1);
    assert(last.assignee === null && last.ended_at === null, `the history does not end with "nobody": ${JSON.stringify(last)}`);
    assert(JSON.stringify(stored.allowed_statuses) === JSON.stringify(['open', 'closed']), `a solved ticket allows ${stored.allowed_statuses}`);
  });

  test('at 360 px the ticket and the board are stacked screens', async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    const detail = tickets(page).getByTestId('ticket-detail');
    await detail.waitFor();
    // The layout follows the viewport on the next media-query change: give it that moment.
    await tickets(page).getByTestId('ticket-board').waitFor({ state: 'hidden', timeout: LIVE_MS }).catch(() => undefined);
    assert(!(await tickets(page).getByTestId('ticket-board').isVisible()), 'the board shows beside the ticket at 360 px');
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert(width <= 360, `the page scrolls sideways at 360 px (${width} px wide)`);
    await screenshot(page, 'phone-detail');
    await detail.getByTestId('ticket-back').click();
    await tickets(page).getByTestId('ticket-board').waitFor();
    await card(page, 'solved', ticketId).waitFor();
    await screenshot(page, 'phone-board');
    await page.setViewportSize(DESKTOP);
  });

  test('the tickets screen has no untranslated keys in pt-BR, en and es', async ({ page }) => {
    await page.goto(`/tickets/${ticketId}`);
    await tickets(page).getByTestId('ticket-detail').waitFor();
    for (const lng of LANGUAGES) {
      await page.getByTestId(`language-${lng}`).click();
      await page.waitForFunction((l) => document.documentElement.lang === l, lng);
      await tickets(page).locator('ion-title').getByText(text(lng, 'tickets', 'title'), { exact: true }).waitFor();
      await tickets(page).getByText(text(lng, 'tickets', 'detail.sla'), { exact: true }).first().waitFor();
      const shown = await tickets(page).evaluate((root) =>
        [
          root.innerText,
          ...[...root.querySelectorAll('[placeholder], [aria-label], [title]')].map(
            (el) => `${el.getAttribute('placeholder') ?? ''} ${el.getAttribute('aria-label') ?? ''} ${el.getAttribute('title') ?? ''}`,
          ),
        ].join('\n'),
      );
      const keys = shown.match(/\b(?:status|priority|view|filters|fields|list|board|move|sla|detail|history|comments|actions|assign|transfer|create|connection)\.[a-zA-Z_.]+\b/g) ?? [];
      assert(keys.length === 0, `${lng}: untranslated keys on the tickets screen: ${[...new Set(keys)].join(', ')}`);
    }
    assert(ticketNumber !== null, 'no ticket number');
  });
}

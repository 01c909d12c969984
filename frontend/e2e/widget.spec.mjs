// Web Chat widget against a real backend (E2E_BASE_URL) with the demo tenant loaded: a visitor on
// the demo shop page (/demo/widget) chats with an agent who signs in through the API and watches
// the tenant inbox stream. The widget lives in an open shadow root; Playwright locators pierce it.
import { assert, waitForMagicLink } from './helpers.mjs';

const AGENT_EMAIL = 'agent@demo.atendo.local';
const VISITOR = { name: 'Maria Cliente', email: 'maria@example.test', phone: '+55 11 99999-0000' };
const FIRST = 'Olá, preciso de ajuda <script>alert(1)</script>';
const SECOND = `Meu pedido ${Date.now().toString(36)} não chegou <b>ainda</b>`;
const REPLY = 'Oi Maria! Como posso ajudar?';
const LATENCY_MS = 2000;

/** The visitor's bubble (or the agent's) whose text is exactly `text`. */
function bubble(page, text) {
  return page.getByTestId('widget-message').filter({ has: page.getByTestId('widget-message-text').getByText(text, { exact: true }) });
}

async function openPanel(page) {
  const panel = page.getByTestId('widget-panel');
  await page.getByTestId('widget-launcher').waitFor({ state: 'attached', timeout: 15000 });
  if (!(await panel.isVisible())) await page.getByTestId('widget-launcher').click();
  await panel.waitFor({ state: 'visible' });
  // the conversation, or the pre-chat form when the account asks for data first
  await page.locator('[data-testid="widget-input"], [data-testid="widget-prechat"]').first().waitFor();
}

async function sendAsVisitor(page, text) {
  await page.getByTestId('widget-input').fill(text);
  await page.getByTestId('widget-send').click();
}

async function widgetState(page) {
  return page.evaluate(() => {
    const token = window.AtendoWidgetConfig?.token ?? document.querySelector('script[data-token]')?.getAttribute('data-token');
    return { token, apiBase: window.AtendoWidgetConfig?.apiBase ?? '', session: token ? localStorage.getItem(`atendo:${token}:session`) : null };
  });
}

/** fetch() inside the agent's page (same origin as the API), JSON in and out. */
async function api(agentPage, method, path, { body, access } = {}) {
  return agentPage.evaluate(
    async ({ method, path, body, access }) => {
      const headers = { Accept: 'application/json' };
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      if (access) Object.assign(headers, { Authorization: `Bearer ${access}`, 'X-Tenant': 'demo' });
      const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let json;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: res.status, json };
    },
    { method, path, body, access },
  );
}

export default function ({ test }) {
  const dialogs = [];
  let agentContext = null;
  let agentPage = null;
  let access = '';
  let conversationId = '';
  let sessionBefore = '';

  test('visitor: launcher, pre-chat form, and a message with markup shown literally', async ({ page }) => {
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto('/demo/widget');
    await openPanel(page);
    if (await page.getByTestId('widget-prechat').isVisible()) {
      const inputs = page.getByTestId('widget-prechat').locator('input');
      for (let i = 0; i < (await inputs.count()); i++) {
        const input = inputs.nth(i);
        const name = await input.getAttribute('name');
        const type = await input.getAttribute('type');
        const value =
          name === 'name' ? VISITOR.name : name === 'email' || type === 'email' ? VISITOR.email : name === 'phone' || type === 'tel' ? VISITOR.phone : 'E2E';
        if (name === 'name' || name === 'email' || (await input.getAttribute('required')) !== null) await input.fill(value);
      }
      await page.getByTestId('prechat-submit').click();
    }
    await page.getByTestId('widget-input').waitFor();
    await sendAsVisitor(page, FIRST);
    const mine = bubble(page, FIRST);
    await mine.waitFor();
    await page.waitForFunction(
      (text) => {
        const root = document.querySelector('atendo-widget')?.shadowRoot;
        return [...(root?.querySelectorAll('[data-testid="widget-message"][data-direction="in"]') ?? [])].some(
          (el) => el.dataset.status === 'sent' && el.querySelector('[data-testid="widget-message-text"]')?.textContent === text,
        );
      },
      FIRST,
      { timeout: 10000 },
    );
    assert((await mine.count()) === 1, `${await mine.count()} bubbles for one message`);
    const scripts = await page.evaluate(() => document.querySelector('atendo-widget').shadowRoot.querySelectorAll('script').length);
    assert(scripts === 0, 'a <script> element was created inside the widget');
    assert(dialogs.length === 0, `a dialog fired: ${dialogs.join(' | ')}`);
    sessionBefore = (await widgetState(page)).session ?? '';
    assert(sessionBefore, 'no visitor session stored in localStorage (atendo:{token}:session)');
  });

  test('agent: the inbox stream delivers the second visitor message within 2 s', async ({ page, browser, baseUrl, mailDir }) => {
    agentContext = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
    agentPage = await agentContext.newPage();
    await agentPage.goto('/api/v1/config'); // any page on the Atendo origin, for same-origin fetch
    const since = Date.now();
    const requested = await api(agentPage, 'POST', '/api/v1/auth/magic-link', { body: { email: AGENT_EMAIL } });
    assert(requested.status < 300, `magic-link answered ${requested.status} ${JSON.stringify(requested.json)}`);
    const link = await waitForMagicLink(mailDir, AGENT_EMAIL, since);
    const token = new URL(link).searchParams.get('token');
    const signedIn = await api(agentPage, 'POST', '/api/v1/auth/token', { body: { token } });
    assert(signedIn.status === 200 && signedIn.json?.access, `auth/token answered ${signedIn.status} ${JSON.stringify(signedIn.json)}`);
    access = signedIn.json.access;

    const config = await api(agentPage, 'GET', '/api/v1/config');
    const wsBase = (config.json?.websocket_url || baseUrl.replace(/^http/, 'ws')).replace(/\/+$/, '');
    await agentPage.evaluate(
      (url) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`inbox websocket did not open: ${url.replace(/token=.*/, 'token=…')}`)), 10000);
          const ws = new WebSocket(url);
          window.__inbox = { ws, frames: [] };
          ws.onmessage = (e) => {
            try {
              window.__inbox.frames.push({ at: Date.now(), frame: JSON.parse(e.data) });
            } catch {
              // not JSON: ignore
            }
          };
          ws.onopen = () => {
            clearTimeout(timer);
            resolve();
          };
          ws.onclose = (e) => {
            clearTimeout(timer);
            reject(new Error(`inbox websocket closed with ${e.code}`));
          };
        }),
      `${wsBase}/ws/demo/inbox?token=${encodeURIComponent(access)}`,
    );
    await agentPage.waitForTimeout(300); // let the server finish joining the tenant's groups

    const started = Date.now();
    await sendAsVisitor(page, SECOND);
    const handle = await agentPage
      .waitForFunction(
        (body) => window.__inbox.frames.find((f) => f.frame.event === 'message.created' && f.frame.message?.body === body) ?? null,
        SECOND,
        { timeout: LATENCY_MS + 3000, polling: 20 },
      )
      .catch(async () => {
        const seen = await agentPage.evaluate(() => window.__inbox.frames.map((f) => f.frame.event));
        throw new Error(`no message.created frame with the second text on the inbox stream; frames seen: ${JSON.stringify(seen)}`);
      });
    const { at, frame } = await handle.jsonValue();
    const latency = at - started;
    console.log(`    inbox latency ${latency} ms`);
    assert(latency < LATENCY_MS, `inbox frame after ${latency} ms (limit ${LATENCY_MS})`);
    assert(frame.message.direction === 'in', `direction ${frame.message.direction}`);

    conversationId = frame.conversation?.id ?? frame.message?.conversation_id ?? frame.conversation_id ?? '';
    if (!conversationId) {
      // Not in the frame: ask the widget API, resuming the visitor's own session.
      const { token: widgetToken, apiBase, session } = await widgetState(page);
      conversationId = await page.evaluate(
        async ({ widgetToken, apiBase, session }) => {
          const res = await fetch(`${apiBase}/api/v1/widget/${widgetToken}/sessions`, {
            method: 'POST',
            mode: 'cors',
            credentials: 'omit',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ session_token: session }),
          });
          return (await res.json()).conversation_id ?? '';
        },
        { widgetToken, apiBase, session },
      );
    }
    assert(conversationId, 'could not learn the conversation id (inbox frame or widget session)');
    await bubble(page, SECOND).waitFor();
  });

  test('agent reply reaches the visitor within 2 s and survives a reload', async ({ page }) => {
    const started = Date.now();
    const sent = await api(agentPage, 'POST', `/api/v1/conversations/${conversationId}/messages`, { body: { body: REPLY }, access });
    assert(sent.status === 201, `reply answered ${sent.status} ${JSON.stringify(sent.json)}`);
    const reply = bubble(page, REPLY);
    await reply.waitFor({ timeout: LATENCY_MS + 3000 });
    const latency = Date.now() - started;
    console.log(`    reply latency ${latency} ms`);
    assert(latency < LATENCY_MS, `agent reply shown after ${latency} ms (limit ${LATENCY_MS})`);
    assert((await reply.getAttribute('data-direction')) === 'out', 'reply not shown as an agent message');

    await page.reload();
    await openPanel(page);
    assert(!(await page.getByTestId('widget-prechat').isVisible()), 'pre-chat form asked again after a reload');
    for (const text of [FIRST, SECOND, REPLY]) await bubble(page, text).waitFor({ timeout: 10000 });
    for (const text of [FIRST, SECOND, REPLY]) assert((await bubble(page, text).count()) === 1, `"${text}" listed ${await bubble(page, text).count()} times`);
    const { session } = await widgetState(page);
    assert(session === sessionBefore, 'the visitor session changed across the reload');
    assert(dialogs.length === 0, `a dialog fired: ${dialogs.join(' | ')}`);
  });

  test('at 360 px the open panel is full-screen', async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await openPanel(page);
    await page.waitForFunction(() => {
      const panel = document.querySelector('atendo-widget')?.shadowRoot?.querySelector('[data-testid="widget-panel"]');
      const r = panel?.getBoundingClientRect();
      return r && Math.round(r.width) === window.innerWidth && Math.round(r.height) === window.innerHeight;
    });
    const box = await page.getByTestId('widget-panel').boundingBox();
    assert(box && Math.abs(box.x) < 1 && Math.abs(box.y) < 1 && Math.abs(box.width - 360) < 1 && Math.abs(box.height - 740) < 1, `panel box ${JSON.stringify(box)}`);
    assert(await page.getByTestId('widget-input').isVisible(), 'composer not visible at 360 px');
    assert(!(await page.getByTestId('widget-launcher').isVisible()), 'launcher still shown over the full-screen panel');
    await page.getByTestId('widget-input').focus();
    await page.keyboard.press('Escape');
    await page.getByTestId('widget-panel').waitFor({ state: 'hidden' });
    await page.getByTestId('widget-launcher').waitFor({ state: 'visible' });
    await agentContext?.close();
  });
}

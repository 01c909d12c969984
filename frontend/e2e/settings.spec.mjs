// Settings against a real backend (E2E_BASE_URL) with the demo tenant loaded: the demo owner sees
// every admin section, creates a department with its business hours, connects a Web Chat and
// gets a working embed snippet (the script it names is served), sees an e-mail connection's
// validation and activation errors on the right fields, and the settings work at 360 px;
// the demo agent sees none of the admin sections, and neither Automations nor Analytics.
// What the spec creates it removes or switches off at the end, so later specs see the demo as it was.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, LANGUAGES, loginForm, onBaseUrl, text, waitForMagicLink } from './helpers.mjs';

const OWNER_EMAIL = 'owner@demo.atendo.local';
const AGENT_EMAIL = 'agent@demo.atendo.local';
const RUN = Date.now().toString(36);
const DEPARTMENT = `Zz E2E Pós-venda ${RUN}`;
const WEBCHAT = `Zz E2E Site ${RUN}`;
const MAILBOX = `Zz E2E Mailbox ${RUN}`;
const ADMIN_SECTIONS = ['workspace', 'members', 'departments', 'sla', 'channels'];
// Sections every member has: their profile and their quick replies.
const MEMBER_SECTIONS = ['profile', 'quick-replies'];
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-results');

/** The live settings page (Ionic keeps a leaving page in the DOM during transitions). */
function settings(page) {
  return page.locator('.ion-page:not(.ion-page-hidden)[data-testid="page-settings"]').first();
}

async function signIn(page, email, baseUrl, mailDir) {
  await page.goto('/login');
  await loginForm(page).email.locator('input').fill(email);
  const since = Date.now();
  await loginForm(page).submit.click();
  const link = onBaseUrl(await waitForMagicLink(mailDir, email, since), baseUrl);
  await page.goto(link);
  await page.waitForURL('**/inbox', { timeout: 15000 });
}

/** The section ids listed in the settings navigation. */
async function listedSections(page) {
  const nav = settings(page).getByTestId('settings-nav');
  await nav.waitFor();
  await page.waitForFunction(() => !document.querySelector('.atendo-settings-nav-note'), null, { timeout: 10000 });
  return nav.locator('[data-testid^="settings-nav-"]').evaluateAll((els) => els.map((el) => el.dataset.testid.replace('settings-nav-', '')));
}

async function assertNoSidewaysScroll(locator, what) {
  const overflow = await locator.evaluate((el) => el.scrollWidth - el.clientWidth);
  assert(overflow <= 1, `${what} scrolls sideways at 360 px (${overflow} px)`);
}

async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `settings-${name}.png`) });
}

export default function ({ test }) {
  let embedCode = '';

  test('the owner signs in and sees every settings section, Automations and Analytics', async ({ page, baseUrl, mailDir, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    await page.setViewportSize({ width: 1280, height: 800 });
    await signIn(page, OWNER_EMAIL, baseUrl, mailDir);
    await page.getByTestId('language-en').click();
    await page.getByTestId('menu-settings').click();
    await page.waitForURL('**/settings');
    const listed = await listedSections(page);
    assert(JSON.stringify(listed) === JSON.stringify([...MEMBER_SECTIONS, ...ADMIN_SECTIONS]), `the owner sees ${listed.join(', ')}`);
    await settings(page).getByTestId('profile-form').waitFor(); // desktop: the first section beside the list
    assert(await page.getByTestId('menu-automations').isVisible(), 'no Automations entry in the owner menu');
    await page.getByTestId('menu-analytics').click();
    await page.waitForURL('**/analytics');
    const soon = page.locator('.ion-page:not(.ion-page-hidden)[data-testid="page-analytics"]').getByTestId('coming-soon');
    await soon.getByText(text('en', 'common', 'comingSoon.title'), { exact: true }).waitFor();
    await page.getByTestId('menu-settings').click();
    await settings(page).getByTestId('settings-nav').waitFor();
  });

  test('the owner creates a department with its business hours', async ({ page }) => {
    await settings(page).getByTestId('settings-nav-departments').click();
    await page.waitForURL('**/settings/departments');
    const section = settings(page).getByTestId('settings-section-departments');
    await section.getByTestId('department-new').click();
    const form = section.getByTestId('department-form');
    await form.getByTestId('department-name').fill(DEPARTMENT);
    await form.getByTestId('department-description').fill('Trocas e devoluções');
    // Monday to Friday 08:00–18:00 comes preset; add a Saturday morning. Closing before opening
    // first: the server's translated message shows on that very row.
    await form.getByTestId('department-hours-sat-open').check();
    await form.getByTestId('department-hours-sat-end').fill('07:00');
    await form.getByTestId('department-save').click();
    const rowError = form.getByTestId('department-hours-sat-0-error');
    await rowError.waitFor({ timeout: 10000 });
    const said = await rowError.innerText();
    assert(said === 'The opening time must be before the closing time.', `Saturday's row says ${JSON.stringify(said)}`);
    assert((await form.getByTestId('department-hours-mon-0-error').count()) === 0, 'a valid day shows an error');
    await form.getByTestId('department-hours-sat-end').fill('12:00');
    await screenshot(page, 'department-form');
    await form.getByTestId('department-save').click();
    const row = section.locator(`[data-testid="department-row"][data-name="${DEPARTMENT}"]`);
    await row.waitFor({ timeout: 10000 });
    const summary = await row.locator('.atendo-settings-row-head').innerText();
    assert(summary.includes('Sat'), `the department's summary misses Saturday: ${summary}`);

    // It is really stored: the API lists it with the hours typed.
    const departments = await page.evaluate(async () => {
      const auth = JSON.parse(localStorage.getItem('atendo.auth') ?? '{}').state;
      const response = await fetch('/api/v1/departments?page_size=200', { headers: { Authorization: `Bearer ${auth.access}`, 'X-Tenant': auth.tenantSlug } });
      return (await response.json()).results;
    });
    const stored = departments.find((d) => d.name === DEPARTMENT);
    assert(stored, 'the new department is not in GET /departments');
    assert(JSON.stringify(stored.business_hours.weekly.sat) === JSON.stringify([['08:00', '12:00']]), `Saturday stored as ${JSON.stringify(stored.business_hours.weekly.sat)}`);
    assert(stored.business_hours.weekly.mon?.length === 1, 'Monday hours were not stored');
    assert(stored.business_hours.timezone === 'America/Sao_Paulo', `hours in ${stored.business_hours.timezone}, not the tenant's zone`);
  });

  test('the owner connects a Web Chat and gets its embed snippet', async ({ page, baseUrl }) => {
    await settings(page).getByTestId('settings-nav-channels').click();
    await page.waitForURL('**/settings/channels');
    const section = settings(page).getByTestId('settings-section-channels');
    await section.getByTestId('channel-add-webchat').click();
    const form = section.getByTestId('webchat-form');
    // An origin without a scheme is refused by the API, on the origins field.
    await form.getByTestId('webchat-name').fill(WEBCHAT);
    await form.getByTestId('webchat-origins').fill('www.example.com');
    await form.getByTestId('webchat-save').click();
    await form.getByTestId('webchat-origins-error').waitFor({ timeout: 10000 });
    await form.getByTestId('webchat-origins').fill(`${baseUrl}\nhttps://www.example.com`);
    await form.getByTestId('webchat-greeting').fill('Olá! Como podemos ajudar?');
    // New conversations of this chat start in Vendas (the same picker as the transfers).
    await form.getByTestId('webchat-routing-department').click();
    await page.locator('ion-popover ion-radio, ion-popover ion-item').filter({ hasText: 'Vendas' }).first().click();
    await form.getByTestId('webchat-save').click();

    const card = section.locator(`[data-testid="webchat-card"][data-name="${WEBCHAT}"]`);
    await card.waitFor({ timeout: 10000 });
    await card.getByTestId('webchat-routing-summary').getByText('Vendas', { exact: false }).waitFor();
    embedCode = (await card.getByTestId('webchat-embed').innerText()).trim();
    const src = embedCode.match(/<script src="([^"]+\/widget\/[^"]+\.js)" async><\/script>/)?.[1];
    assert(src, `unexpected embed snippet: ${embedCode}`);
    // The snippet is real: the script it names is served by the backend.
    const loader = await page.request.get(onBaseUrl(src, baseUrl));
    assert(loader.ok(), `the embed script answers ${loader.status()}`);
    assert((loader.headers()['content-type'] ?? '').includes('javascript'), 'the embed script is not JavaScript');

    await card.getByTestId('webchat-embed-copy').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="webchat-embed-copy"][data-state="copied"]'));
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert(copied.trim() === embedCode, `the clipboard holds ${JSON.stringify(copied)}`);
    await screenshot(page, 'channels-desktop');
  });

  test("an e-mail connection shows the API's validation and activation errors on its fields", async ({ page }) => {
    const section = settings(page).getByTestId('settings-section-channels');
    await section.getByTestId('channel-add-email').click();
    const form = section.getByTestId('connect-form-email');
    await form.getByTestId('connect-name').fill(MAILBOX);
    // A mailbox nobody listens on: the server refuses the connection at once.
    await form.getByTestId('credential-imap_host').fill('127.0.0.1');
    await form.getByTestId('credential-imap_port').fill('1');
    await form.getByTestId('credential-imap_security').selectOption('none');
    await form.getByTestId('credential-username').fill(`e2e-${RUN}@example.test`);
    await form.getByTestId('credential-password').fill('not-the-password');
    await form.getByTestId('connect-submit').click();
    // Validation: the API answers per credential; the missing SMTP server's message lands on it.
    const smtpError = form.getByTestId('credential-smtp_host-error');
    await smtpError.waitFor({ timeout: 10000 });
    assert((await smtpError.innerText()) === 'This credential is required.', `smtp_host error: ${await smtpError.innerText()}`);
    assert((await form.getByTestId('credential-imap_host-error').count()) === 0, 'an error shows on a field that is fine');

    await form.getByTestId('credential-smtp_host').fill('127.0.0.1');
    await form.getByTestId('credential-smtp_port').fill('1');
    await form.getByTestId('credential-smtp_security').selectOption('none');
    await form.getByTestId('connect-submit').click();
    // Activation: the connector and account exist; nobody listens on the IMAP port, so the
    // server's refusal shows on the IMAP server and port.
    const refusal = form.getByTestId('credential-imap_port-error');
    await refusal.waitFor({ timeout: 20000 });
    assert(/IMAP/.test(await refusal.innerText()), `activation error: ${await refusal.innerText()}`);
    assert((await form.getByTestId('credential-password-error').count()) === 0, 'the refusal shows on the password too');
    await form.getByTestId('connect-retry-hint').waitFor();
    assert(await form.getByTestId('connect-external-id').evaluate((el) => el.readOnly), 'the account id stays editable after the account exists');

    const card = section.locator(`[data-testid="connector-card"][data-name="${MAILBOX}"]`);
    const account = card.getByTestId('account-row');
    assert((await account.getAttribute('data-status')) === 'error', `account status ${await account.getAttribute('data-status')}`);
    assert((await account.getByTestId('account-last-error').innerText()).includes('IMAP'), 'no last_error on the account');
    assert((await card.getByTestId('webhook-url').count()) === 0, 'an e-mail connection shows a webhook URL');
    await screenshot(page, 'email-refused');

    // Activating again from the list reports the refusal on the account itself.
    await form.getByText(text('en', 'settings', 'common.close'), { exact: true }).click();
    await account.getByTestId('account-activate').click();
    await account.getByTestId('account-error').waitFor({ timeout: 20000 });
    assert((await account.getByTestId('account-error').innerText()).includes('IMAP'), 'the refusal on the account lacks the reason');

    // The account is renamed and routed to Suporte, then deleted (it is not active).
    await account.getByTestId('account-edit').click();
    const accountForm = account.getByTestId('account-form');
    await accountForm.getByTestId('account-name').fill(`${MAILBOX} 2`);
    await accountForm.getByTestId('account-routing-department').click();
    await page.locator('ion-popover ion-radio, ion-popover ion-item').filter({ hasText: 'Suporte' }).first().click();
    await accountForm.getByTestId('account-save').click();
    const renamed = card.locator(`[data-testid="account-row"][data-name="${MAILBOX} 2"]`);
    await renamed.getByTestId('account-routing-summary').getByText('Suporte', { exact: false }).waitFor({ timeout: 10000 });
    await renamed.getByTestId('account-delete').click();
    await renamed.getByTestId('account-delete-confirm').click();
    await renamed.waitFor({ state: 'detached', timeout: 10000 });
    await card.getByTestId('connector-remove').click();
    await card.getByTestId('connector-remove-confirm').click();
    await card.waitFor({ state: 'detached', timeout: 10000 });
  });

  test('at 360 px the section list and a section are stacked screens', async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto('/settings');
    const nav = settings(page).getByTestId('settings-nav');
    await nav.waitFor();
    assert(!(await settings(page).locator('[data-testid^="settings-section-"]').count()), 'a section shows beside the list at 360 px');
    await screenshot(page, 'phone-list');
    await nav.getByTestId('settings-nav-channels').click();
    const section = settings(page).getByTestId('settings-section-channels');
    await section.locator(`[data-testid="webchat-card"][data-name="${WEBCHAT}"]`).waitFor();
    assert(!(await settings(page).getByTestId('settings-nav').isVisible()), 'the list stays beside the section at 360 px');
    await assertNoSidewaysScroll(section, 'the channels section');
    await screenshot(page, 'phone-channels');
    // The widest forms fit too: e-mail credentials, business hours.
    await section.getByTestId('channel-add-email').click();
    await section.getByTestId('connect-form-email').waitFor();
    await assertNoSidewaysScroll(section, 'the e-mail form');
    await screenshot(page, 'phone-email-form');
    await settings(page).getByTestId('settings-back').click();
    await settings(page).getByTestId('settings-nav-departments').click();
    const departments = settings(page).getByTestId('settings-section-departments');
    await departments.getByTestId('department-new').click();
    await departments.getByTestId('department-hours').waitFor();
    await assertNoSidewaysScroll(departments, 'the department form');
    await screenshot(page, 'phone-department-form');
    await settings(page).getByTestId('settings-back').click();
    await settings(page).getByTestId('settings-nav').waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('the settings screens have no untranslated keys in pt-BR, en and es', async ({ page }) => {
    await page.goto('/settings/channels');
    await settings(page).getByTestId('webchats').waitFor();
    for (const lng of LANGUAGES) {
      await page.getByTestId(`language-${lng}`).click();
      await page.waitForFunction((l) => document.documentElement.lang === l, lng);
      await settings(page).getByText(text(lng, 'settings', 'channels.webchatTitle'), { exact: true }).first().waitFor();
      const shown = await settings(page).evaluate((root) => root.innerText);
      const keys = shown.match(/\b(?:sections|common|errors|profile|workspace|members|departments|teams|hours|sla|channels)\.[a-zA-Z_.]+\b/g) ?? [];
      assert(keys.length === 0, `${lng}: untranslated keys on the settings screen: ${[...new Set(keys)].join(', ')}`);
    }
    await page.getByTestId('language-en').click();
  });

  test('the owner switches the Web Chat off, deletes it, and deletes the department again', async ({ page }) => {
    await page.goto('/settings/channels');
    const card = settings(page).locator(`[data-testid="webchat-card"][data-name="${WEBCHAT}"]`);
    await card.getByTestId('webchat-deactivate').click();
    await card.getByTestId('webchat-activate').waitFor({ timeout: 10000 });
    await card.getByTestId('webchat-delete').click();
    await card.getByTestId('webchat-delete-confirm').click();
    await card.waitFor({ state: 'detached', timeout: 10000 });

    await settings(page).getByTestId('settings-nav-departments').click();
    const row = settings(page).locator(`[data-testid="department-row"][data-name="${DEPARTMENT}"]`);
    await row.getByTestId('department-edit').click();
    await row.getByTestId('department-delete').click();
    await row.getByTestId('department-delete-confirm').click();
    await row.waitFor({ state: 'detached', timeout: 10000 });
  });

  test('an agent sees no admin section, and no Automations or Analytics', async ({ browser, baseUrl, mailDir }) => {
    const agentContext = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
    try {
      const agent = await agentContext.newPage();
      await signIn(agent, AGENT_EMAIL, baseUrl, mailDir);
      await agent.getByTestId('menu-settings').click();
      await agent.waitForURL('**/settings');
      const listed = await listedSections(agent);
      assert(JSON.stringify(listed) === JSON.stringify(MEMBER_SECTIONS), `the agent sees ${listed.join(', ')}`);
      assert((await agent.getByTestId('menu-automations').count()) === 0, 'the agent has an Automations entry');
      assert((await agent.getByTestId('menu-analytics').count()) === 0, 'the agent has an Analytics entry');
      // Every member has quick replies: the demo's shared ones are read-only to an agent, who
      // keeps personal ones.
      await settings(agent).getByTestId('settings-nav-quick-replies').click();
      const shared = settings(agent).locator('[data-testid="quick-reply-row"][data-shortcut="ola"]');
      await shared.waitFor({ timeout: 10000 });
      await shared.getByTestId('quick-reply-readonly').waitFor();
      assert((await shared.getByTestId('quick-reply-edit').count()) === 0, 'the agent may edit a shared quick reply');
      await settings(agent).getByTestId('quick-reply-new').click();
      const form = settings(agent).getByTestId('quick-reply-form');
      assert(await form.getByTestId('quick-reply-shared').isDisabled(), 'the agent may create a shared quick reply');
      await form.getByTestId('quick-reply-shortcut').fill(`e2e-${RUN}`);
      await form.getByTestId('quick-reply-title').fill('Assinatura');
      await form.getByTestId('quick-reply-body').fill('Abraço, ');
      await form.getByTestId('quick-reply-insert-agent.first_name').click();
      await form.getByTestId('quick-reply-save').click();
      const mine = settings(agent).locator(`[data-testid="quick-reply-row"][data-shortcut="e2e-${RUN}"]`);
      await mine.waitFor({ timeout: 10000 });
      assert((await mine.innerText()).includes('Abraço, {{agent.first_name}}'), 'the placeholder was not inserted into the body');
      await mine.getByTestId('quick-reply-edit').click();
      await mine.getByTestId('quick-reply-delete').click();
      await mine.getByTestId('quick-reply-delete-confirm').click();
      await mine.waitFor({ state: 'detached', timeout: 10000 });
      // Typing the address of an admin section shows a refusal, not the section.
      await agent.goto('/settings/channels');
      await settings(agent).getByTestId('settings-forbidden').waitFor();
      assert((await settings(agent).getByTestId('webchats').count()) === 0, 'the agent sees the channels');
      await screenshot(agent, 'agent');
    } finally {
      await agentContext.close();
    }
  });
}

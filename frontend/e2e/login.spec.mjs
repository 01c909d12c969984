// Magic-link login against a real backend (E2E_BASE_URL) with the demo tenant loaded;
// the backend writes each outgoing e-mail as an .eml file into E2E_MAIL_DIR.
import { assert, LANGUAGES, loginForm, onBaseUrl, text, waitForMagicLink } from './helpers.mjs';

const EMAIL = 'owner@demo.atendo.local';
const TENANT_NAME = 'Demo';

async function uiLanguage(page) {
  const lang = await page.evaluate(() => document.documentElement.lang);
  assert(LANGUAGES.includes(lang), `unexpected <html lang="${lang}">`);
  return lang;
}

async function menuLabels(page) {
  return page.evaluate(() =>
    ['menu-inbox', 'menu-tickets', 'menu-settings'].map(
      (id) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? '',
    ),
  );
}

async function expectMenuIn(page, lng) {
  const expected = ['inbox', 'tickets', 'settings'].map((k) => text(lng, 'common', `menu.${k}`));
  await page.waitForFunction(
    (labels) =>
      labels.every((label, i) => {
        const id = ['menu-inbox', 'menu-tickets', 'menu-settings'][i];
        return document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() === label;
      }),
    expected,
    { timeout: 10000 },
  ).catch(async () => {
    throw new Error(`menu in ${lng}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(await menuLabels(page))}`);
  });
}

async function splitPaneVisible(page) {
  return page.locator('ion-split-pane').evaluate((el) => el.classList.contains('split-pane-visible'));
}

export default function ({ test }) {
  let magicLink = '';
  let since = 0;

  test('login page asks for an e-mail and confirms the link was sent', async ({ page }) => {
    await page.goto('/inbox'); // signed out: any app route redirects to /login
    await page.waitForURL('**/login');
    // <html lang> starts as index.html's default; read it once the translated form is shown.
    await loginForm(page).email.waitFor();
    const lng = await uiLanguage(page);
    await loginForm(page).email.locator('input').fill(EMAIL);
    since = Date.now();
    await loginForm(page).submit.click();
    await page.getByText(text(lng, 'auth', 'login.sentTitle')).waitFor();
    await page.getByText(EMAIL, { exact: false }).first().waitFor();
  });

  test('the e-mailed link signs in and lands on the inbox with user and tenant', async ({ page, baseUrl, mailDir }) => {
    magicLink = onBaseUrl(await waitForMagicLink(mailDir, EMAIL, since), baseUrl);
    await page.goto(magicLink);
    await page.waitForURL('**/inbox', { timeout: 15000 });
    await page.getByTestId('page-inbox').waitFor();
    const me = await page.evaluate(async () => {
      const { state } = JSON.parse(localStorage.getItem('atendo.auth') ?? '{}');
      const res = await fetch('/api/v1/users/me', { headers: { Authorization: `Bearer ${state.access}` } });
      return res.json();
    });
    assert(me.email === EMAIL, `users/me answered ${JSON.stringify(me)}`);
    const shownName = (await page.locator('ion-router-outlet .ion-page:not(.ion-page-hidden) [data-testid="user-name"]').first().innerText()).trim();
    assert(shownName === (me.name || me.email), `header shows "${shownName}", expected "${me.name}"`);
    await page.locator('.ion-page:not(.ion-page-hidden) [data-testid="tenant-switcher"]').getByText(TENANT_NAME, { exact: true }).first().waitFor();
    // The user's preferred language is applied after login.
    assert((await uiLanguage(page)) === me.preferred_language, `UI not in preferred_language ${me.preferred_language}`);
  });

  test('switching the UI language translates the menu (en, es)', async ({ page }) => {
    for (const lng of ['en', 'es']) {
      await page.getByTestId(`language-${lng}`).click();
      await expectMenuIn(page, lng);
      assert((await uiLanguage(page)) === lng, `<html lang> is not ${lng}`);
    }
  });

  test('at 1280 px the split pane shows the menu beside the content', async ({ page }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForFunction(() => document.querySelector('ion-split-pane')?.classList.contains('split-pane-visible'));
    assert(await page.getByTestId('menu-inbox').isVisible(), 'menu item hidden at 1280 px');
    assert(!(await page.locator('.ion-page:not(.ion-page-hidden) [data-testid="menu-button"]').first().isVisible()), 'menu button shown at 1280 px');
  });

  test('at 360 px the menu collapses behind the menu button', async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.waitForFunction(() => !document.querySelector('ion-split-pane')?.classList.contains('split-pane-visible'));
    assert(!(await splitPaneVisible(page)), 'split pane still visible at 360 px');
    assert(!(await page.getByTestId('menu-inbox').isVisible()), 'menu visible at 360 px before opening it');
    const menuButton = page.locator('.ion-page:not(.ion-page-hidden) [data-testid="menu-button"]').first();
    await menuButton.waitFor({ state: 'visible' });
    await menuButton.click();
    await page.getByTestId('menu-tickets').waitFor({ state: 'visible' });
    await page.getByTestId('menu-tickets').click();
    await page.waitForURL('**/tickets');
    await page.getByTestId('page-tickets').waitFor();
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test('logging out returns to /login', async ({ page }) => {
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    // Ionic keeps the page being left in the DOM while it animates out: wait for the live one.
    await page.locator('.ion-page:not(.ion-page-hidden) [data-testid="login-form"]').first().waitFor();
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('atendo.auth') ?? '{}').state);
    assert(!stored?.refresh && !stored?.access, 'tokens still stored after logout');
    await page.goto('/settings');
    await page.waitForURL('**/login');
  });

  test('opening the same link again says it was already used', async ({ page }) => {
    await page.goto(magicLink);
    const error = page.getByTestId('verify-error');
    await error.waitFor();
    const lng = await uiLanguage(page);
    assert((await error.getAttribute('data-code')) === 'token_used', `code ${await error.getAttribute('data-code')}`);
    const shown = (await error.innerText()).trim();
    assert(shown === text(lng, 'auth', 'verify.token_used'), `message "${shown}"`);
    await page.getByTestId('verify-back').click();
    await page.waitForURL('**/login');
  });
}

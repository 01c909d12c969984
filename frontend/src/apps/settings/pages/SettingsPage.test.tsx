import { IonApp, setupIonicReact } from '@ionic/react';
import { render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppMenu } from '../../../components/AppMenu';
import type { User } from '../../../shared/api/types';
import { useAuthStore } from '../../../shared/auth/store';
import { fakeApi } from '../../../test/fakeApi';
import { TENANT } from '../../../test/factories';
import { setupTestI18n } from '../../../test/i18n';
import { userWith } from '../../../test/settings';
import SettingsPage from './SettingsPage';

setupIonicReact();

function signIn(user: User) {
  useAuthStore.setState({ access: 'a', refresh: 'r', user, tenantSlug: TENANT.slug });
}

function renderAt(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <SettingsPage />
    </MemoryRouter>,
  );
}

const navIds = () => screen.queryAllByTestId(/^settings-nav-/).map((el) => el.dataset.testid?.replace('settings-nav-', ''));

describe('SettingsPage', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });
  beforeEach(() => {
    fakeApi();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('lists only the profile and quick replies to an agent', () => {
    signIn(userWith([{ slug: 'agent' }]));
    renderAt('/settings');
    expect(navIds()).toEqual(['profile', 'quick-replies']);
  });

  it('lists every admin section to an owner', async () => {
    signIn(userWith([{ slug: 'owner' }]));
    renderAt('/settings');
    await waitFor(() => expect(navIds()).toEqual(['profile', 'quick-replies', 'workspace', 'members', 'departments', 'sla', 'channels']));
  });

  it('gives a supervisor (member.invite) the members section only', async () => {
    signIn(userWith([{ slug: 'supervisor' }]));
    renderAt('/settings');
    await waitFor(() => expect(navIds()).toEqual(['profile', 'quick-replies', 'members']));
  });

  it('does not count a role scoped to one department as administration', () => {
    signIn(userWith([{ slug: 'agent' }, { slug: 'admin', scope_type: 'department', scope_id: 'd-1' }]));
    renderAt('/settings');
    expect(navIds()).toEqual(['profile', 'quick-replies']);
  });

  it('follows the permissions /users/me lists, not the role names', () => {
    const user = userWith([{ slug: 'agent' }]);
    const [membership] = user.memberships;
    if (membership) user.memberships[0] = { ...membership, permissions: { tenant_wide: ['channel.manage'], scoped: [] } };
    signIn(user);
    renderAt('/settings');
    expect(navIds()).toEqual(['profile', 'quick-replies', 'channels']);
  });

  it('refuses an admin section opened by address, without asking any API', async () => {
    signIn(userWith([{ slug: 'agent' }]));
    const api = fakeApi();
    renderAt('/settings/channels');
    expect(await screen.findByTestId('settings-forbidden')).toBeTruthy();
    expect(screen.getByText(/Your role does not allow changing this/)).toBeTruthy();
    expect(api.calls).toEqual([]);
  });

  it('opens a section as its own screen with a back button on phones', async () => {
    signIn(userWith([{ slug: 'agent' }]));
    renderAt('/settings/profile');
    expect(await screen.findByTestId('profile-form')).toBeTruthy();
    expect(screen.getByTestId('settings-back')).toBeTruthy();
    expect(screen.queryByTestId('settings-nav')).toBeNull();
  });
});

describe('AppMenu', () => {
  beforeAll(async () => {
    await setupTestI18n('en');
  });
  beforeEach(() => {
    fakeApi();
  });

  function renderMenu() {
    return render(
      <IonApp>
        <MemoryRouter initialEntries={['/inbox']}>
          <AppMenu />
          <div id="main" />
        </MemoryRouter>
      </IonApp>,
    );
  }

  it('shows Automations and Analytics to an owner only', async () => {
    signIn(userWith([{ slug: 'owner' }]));
    const owner = renderMenu();
    await screen.findByTestId('menu-automations');
    expect(screen.getByTestId('menu-analytics')).toBeTruthy();
    owner.unmount();

    signIn(userWith([{ slug: 'agent' }]));
    renderMenu();
    expect(screen.queryByTestId('menu-automations')).toBeNull();
    expect(screen.queryByTestId('menu-analytics')).toBeNull();
    expect(screen.getByTestId('menu-settings')).toBeTruthy();
  });
});

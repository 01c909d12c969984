import { setupIonicReact } from '@ionic/react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelAccount, DepartmentDetail, MemberDetail, TeamDetail, TenantDomain, TenantProfile, WebChatAccount } from '../../../shared/api/types';
import { useAuthStore } from '../../../shared/auth/store';
import { HttpError, fakeApi } from '../../../test/fakeApi';
import { TENANT } from '../../../test/factories';
import { setupTestI18n } from '../../../test/i18n';
import { ROLES, TENANT_ID, makeConnector, page, userWith } from '../../../test/settings';
import { useChannelsStore } from '../store/channelsStore';
import { useMembersStore } from '../store/membersStore';
import { useOrgStore } from '../store/orgStore';
import { useWorkspaceStore } from '../store/workspaceStore';
import { ChannelsSection } from './ChannelsSection';
import { DepartmentsSection } from './DepartmentsSection';
import { MembersSection } from './MembersSection';
import { SlaSection } from './SlaSection';
import { WorkspaceSection } from './WorkspaceSection';

setupIonicReact();

const type = (testId: string, value: string, index = 0) =>
  fireEvent.change(screen.getAllByTestId(testId)[index] as HTMLElement, { target: { value } });
const errorOf = (testId: string) => screen.queryByTestId(`${testId}-error`)?.textContent ?? null;
/** Chooses in an IonSelect the way its popover does: an ionChange with the value. */
const pick = (select: HTMLElement, value: string) =>
  act(() => {
    select.dispatchEvent(new CustomEvent('ionChange', { detail: { value }, bubbles: true }));
  });
const team = (id: string, departmentId: string, name: string): TeamDetail => ({
  id,
  name,
  department: departmentId,
  auto_assign: false,
  max_open_per_agent: 5,
  members: [],
  created_at: '2026-01-01T00:00:00Z',
});

const tenant: TenantProfile = {
  id: TENANT_ID,
  slug: 'demo',
  name: 'Demo',
  timezone: 'America/Sao_Paulo',
  locale: 'pt-BR',
  status: 'active',
  reopen_window_hours: 72,
  created_at: '2026-01-01T00:00:00Z',
};

function department(overrides: Partial<DepartmentDetail> = {}): DepartmentDetail {
  return {
    id: 'd-new',
    name: 'Vendas',
    description: '',
    active: true,
    business_hours: { timezone: 'America/Sao_Paulo', weekly: { mon: [['08:00', '18:00']] }, holidays: [] },
    default_sla_policy: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

beforeAll(async () => {
  await setupTestI18n('en');
});

beforeEach(() => {
  useAuthStore.setState({ access: 'a', refresh: 'r', user: userWith([{ slug: 'owner' }]), tenantSlug: TENANT.slug });
  for (const store of [useOrgStore, useMembersStore, useWorkspaceStore, useChannelsStore]) store.getState().reset();
});

describe('DepartmentsSection', () => {
  function serve() {
    return fakeApi()
      .on('GET', /\/departments$/, () => page([]))
      .on('GET', /\/teams$/, () => page([]))
      .on('GET', /\/sla-policies$/, () => page([]))
      .on('GET', /\/tenants\/demo\/members$/, () => page([]))
      .on('GET', new RegExp(`/tenants/${TENANT_ID}$`), () => tenant)
      .on('GET', new RegExp(`/tenants/${TENANT_ID}/domains$`), () => page([]));
  }

  it('sends the hours as typed, shows API errors on their fields, then creates the department', async () => {
    const api = serve();
    render(<DepartmentsSection tenant="demo" tenantId={TENANT_ID} />);
    fireEvent.click(await screen.findByTestId('department-new'));
    type('department-name', 'Vendas');
    type('department-hours-mon-end', '00:00'); // midnight
    fireEvent.click(screen.getByTestId('department-hours-sat-open'));
    api.on('POST', /\/departments$/, () => {
      throw new HttpError(409, { code: 'name_taken', message: 'This name is already used.', fields: { name: ['Already taken.'] } });
    });
    fireEvent.submit(screen.getByTestId('department-form'));
    await waitFor(() => expect(errorOf('department-name')).toBe('Already taken.'));
    expect(screen.getByTestId('department-error').textContent).toBe('This name is already used.');
    const sent = api.calls.find((c) => c.method === 'POST')?.body as { business_hours: { timezone: string; weekly: Record<string, string[][]> } };
    expect(sent.business_hours.timezone).toBe('America/Sao_Paulo'); // the tenant's zone
    expect(sent.business_hours.weekly.mon).toEqual([['08:00', '24:00']]);
    expect(sent.business_hours.weekly.sat).toEqual([['08:00', '18:00']]);
    expect(sent.business_hours.weekly.sun).toEqual([]);

    api.on('POST', /\/departments$/, ({ body }) => department({ name: (body as { name: string }).name }));
    type('department-name', 'Vendas 2');
    fireEvent.submit(screen.getByTestId('department-form'));
    const row = await screen.findByTestId('department-row');
    expect(row.dataset.name).toBe('Vendas 2');
    expect(await within(row).findByTestId('teams')).toBeTruthy(); // opened, ready for teams
  }, 15_000); // the first render of the section pays for loading Ionic's components

  it("shows the server's business-hours messages on the day, row, zone and date they are about", async () => {
    const api = serve().on('POST', /\/departments$/, () => {
      throw new HttpError(400, {
        code: 'invalid',
        message: 'Some fields are not valid.',
        fields: {
          business_hours: {
            timezone: ['Unknown time zone.'],
            weekly: {
              tue: { '1': ['This interval overlaps 08:00–18:00.'] },
              wed: { '0': ['The opening time must be before the closing time.'] },
            },
            holidays: { '0': ['Use a date like 2026-12-25.'] },
            color: ['Unknown field.'],
          },
        },
      });
    });
    render(<DepartmentsSection tenant="demo" tenantId={TENANT_ID} />);
    fireEvent.click(await screen.findByTestId('department-new'));
    type('department-name', 'Suporte');
    fireEvent.click(within(screen.getByTestId('department-hours-tue')).getByLabelText('Add an interval on Tuesday'));
    type('department-hours-holiday', '2026-12-25');
    fireEvent.click(screen.getByText('Add date'));
    fireEvent.submit(screen.getByTestId('department-form'));

    await waitFor(() => expect(errorOf('department-hours-tue-1')).toBe('This interval overlaps 08:00–18:00.'));
    // The rows went in the order shown, so the server's positions are the editor's rows.
    const sent = api.calls.find((c) => c.method === 'POST')?.body as { business_hours: { weekly: Record<string, string[][]> } };
    expect(sent.business_hours.weekly.tue).toEqual([['08:00', '18:00'], ['13:00', '18:00']]);
    expect(errorOf('department-hours-tue-0')).toBeNull();
    expect(screen.getByTestId('department-hours-tue').className).toContain('is-invalid');
    expect(screen.getByTestId('department-hours-mon').className).not.toContain('is-invalid');
    expect(errorOf('department-hours-wed-0')).toBe('The opening time must be before the closing time.');
    expect(errorOf('department-hours-timezone')).toBe('Unknown time zone.');
    expect(screen.getByTestId('department-hours-holidays-error').textContent).toBe('Use a date like 2026-12-25.');
    expect(errorOf('department-hours')).toBe('Unknown field.'); // claimed by no row: under the editor
  });
});

describe('MembersSection', () => {
  const me: MemberDetail = {
    id: 'member-me',
    user_id: 'u-me',
    email: 'me@demo.test',
    display_name: 'Me',
    status: 'active',
    roles: [{ id: 'role-owner', slug: 'owner', name: 'Owner', scope_type: null, scope_id: null }],
    joined_at: null,
    created_at: '2026-01-01T00:00:00Z',
  };

  it('invites with a scoped role and shows nested role errors on the right row', async () => {
    const api = fakeApi()
      .on('GET', /\/tenants\/demo\/members$/, () => page([me]))
      .on('GET', /\/tenants\/demo\/roles$/, () => page(ROLES))
      .on('GET', /\/departments$/, () => page([department({ id: 'd-1', name: 'Vendas' })]))
      .on('GET', /\/teams$/, () => page([]))
      .on('GET', /\/sla-policies$/, () => page([]))
      .on('POST', /\/tenants\/demo\/members$/, () => {
        throw new HttpError(400, {
          code: 'invalid',
          message: 'Some fields are not valid.',
          fields: { email: ['Enter a valid email address.'], roles: [{}, { scope_id: ['Give both scope_type and scope_id, or neither.'] }] },
        });
      });
    render(<MembersSection tenant="demo" canInvite canManage />);
    expect((await screen.findByTestId('member-row')).dataset.email).toBe('me@demo.test');
    fireEvent.click(screen.getByTestId('member-invite-open'));
    type('invite-email', 'nova');
    fireEvent.click(screen.getByTestId('invite-grants-add'));
    type('invite-grants-role', 'supervisor', 1);
    type('invite-grants-scope', 'department:d-1', 1);
    fireEvent.submit(screen.getByTestId('invite-form'));

    await waitFor(() => expect(errorOf('invite-email')).toBe('Enter a valid email address.'));
    const rows = screen.getAllByTestId('invite-grants-row');
    expect(rows[1]?.textContent).toContain('Give both scope_type and scope_id, or neither.');
    expect(rows[0]?.textContent).not.toContain('Give both');
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({
      email: 'nova',
      display_name: '',
      roles: [
        { role: 'agent', scope_type: null, scope_id: null },
        { role: 'supervisor', scope_type: 'department', scope_id: 'd-1' },
      ],
    });
  });
});

describe('ChannelsSection', () => {
  const created: WebChatAccount = {
    id: 'wc-1',
    name: 'Site',
    status: 'active',
    widget_token: 'tok123',
    settings: { allowed_origins: ['https://www.example.com'], primary_color: '#128C7E', greeting: 'Olá!', prechat_fields: [], require_identity: false },
    identity_secret: 'shh',
    embed_code: '<script src="https://atendo.example.com/widget/tok123.js" async></script>',
    default_department: null,
    default_team: null,
    created_at: '2026-01-01T00:00:00Z',
  };

  it('creates a Web Chat and shows its embed snippet; origin errors land on the origins field', async () => {
    const api = fakeApi()
      .on('GET', /\/channels\/(webchat|connectors|accounts)$/, () => page([]))
      .on('GET', /\/(departments|teams|sla-policies)$/, () => page([]))
      .on('POST', /\/channels\/webchat$/, () => {
        throw new HttpError(400, { code: 'invalid', message: 'Some fields are not valid.', fields: { settings: { allowed_origins: ['Give an origin like https://www.example.com.'] } } });
      });
    render(<ChannelsSection tenant="demo" />);
    fireEvent.click(await screen.findByTestId('channel-add-webchat'));
    type('webchat-name', 'Site');
    type('webchat-origins', 'www.example.com');
    type('webchat-greeting', 'Olá!');
    fireEvent.submit(screen.getByTestId('webchat-form'));
    await waitFor(() => expect(errorOf('webchat-origins')).toBe('Give an origin like https://www.example.com.'));

    api.on('POST', /\/channels\/webchat$/, () => created);
    type('webchat-origins', 'https://www.example.com');
    fireEvent.submit(screen.getByTestId('webchat-form'));
    const card = await screen.findByTestId('webchat-card');
    expect(within(card).getByTestId('webchat-embed').textContent).toBe(created.embed_code);
    expect(within(card).getByTestId('webchat-embed-copy')).toBeTruthy();
    expect(api.calls.at(-1)?.body).toEqual({
      name: 'Site',
      settings: { allowed_origins: ['https://www.example.com'], primary_color: '#128C7E', greeting: 'Olá!' },
      default_department: null,
      default_team: null,
    });
  });

  it("routes a Web Chat's new conversations to a department and team", async () => {
    const api = fakeApi()
      .on('GET', /\/channels\/webchat$/, () => page([created]))
      .on('GET', /\/channels\/(connectors|accounts)$/, () => page([]))
      .on('GET', /\/departments$/, () => page([department({ id: 'd-1', name: 'Vendas' })]))
      .on('GET', /\/teams$/, () => page([team('tm-1', 'd-1', 'N1')]))
      .on('GET', /\/sla-policies$/, () => page([]))
      .on('PATCH', /\/channels\/webchat\/wc-1$/, ({ body }) => ({ ...created, ...(body as object) }));
    render(<ChannelsSection tenant="demo" />);
    const card = await screen.findByTestId('webchat-card');
    fireEvent.click(within(card).getByTestId('webchat-edit'));
    pick(within(card).getByTestId('webchat-routing-department'), 'd-1');
    pick(await within(card).findByTestId('webchat-routing-team'), 'tm-1');
    fireEvent.submit(within(card).getByTestId('webchat-form'));
    await waitFor(() => expect(within(screen.getByTestId('webchat-card')).getByTestId('webchat-routing-summary').textContent).toBe('New conversations go to Vendas · N1'));
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({ default_department: 'd-1', default_team: 'tm-1' });
  });

  it('deletes a Web Chat only once it is switched off', async () => {
    const api = fakeApi()
      .on('GET', /\/channels\/webchat$/, () => page([created]))
      .on('GET', /\/channels\/(connectors|accounts)$/, () => page([]))
      .on('GET', /\/(departments|teams|sla-policies)$/, () => page([]))
      .on('PATCH', /\/channels\/webchat\/wc-1$/, ({ body }) => ({ ...created, ...(body as object) }))
      .on('DELETE', /\/channels\/webchat\/wc-1$/, () => undefined);
    render(<ChannelsSection tenant="demo" />);
    const card = await screen.findByTestId('webchat-card');
    expect(within(card).queryByTestId('webchat-delete')).toBeNull(); // live: switch it off first
    fireEvent.click(within(card).getByTestId('webchat-deactivate'));
    fireEvent.click(await within(screen.getByTestId('webchat-card')).findByTestId('webchat-delete'));
    fireEvent.click(within(screen.getByTestId('webchat-card')).getByTestId('webchat-delete-confirm'));
    await waitFor(() => expect(screen.queryByTestId('webchat-card')).toBeNull());
    expect(api.calls.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/v1/channels/webchat/wc-1' });
  });

  it('edits an account (name, routing) and deletes it only once deactivated', async () => {
    const account: ChannelAccount = {
      id: 'acc-1',
      connector: 'conn-1',
      kind: 'telegram',
      name: 'Bot',
      external_id: '123',
      status: 'active',
      last_error: '',
      default_department: null,
      default_team: null,
      created_at: '2026-01-01T00:00:00Z',
    };
    const api = fakeApi()
      .on('GET', /\/channels\/webchat$/, () => page([]))
      .on('GET', /\/channels\/connectors$/, () => page([makeConnector({ kind: 'telegram', name: 'Telegram' })]))
      .on('GET', /\/channels\/accounts$/, () => page([account]))
      .on('GET', /\/departments$/, () => page([department({ id: 'd-1', name: 'Vendas' })]))
      .on('GET', /\/(teams|sla-policies)$/, () => page([]))
      .on('PATCH', /\/channels\/accounts\/acc-1$/, ({ body }) => ({ ...account, ...(body as object) }))
      .on('POST', /\/channels\/accounts\/acc-1\/deactivate$/, () => ({ ...account, name: 'Bot SP', default_department: 'd-1', status: 'disabled' }))
      .on('DELETE', /\/channels\/accounts\/acc-1$/, () => undefined);
    render(<ChannelsSection tenant="demo" />);
    const row = await screen.findByTestId('account-row');
    expect(within(row).queryByTestId('account-delete')).toBeNull(); // active: deactivate first
    fireEvent.click(within(row).getByTestId('account-edit'));
    type('account-name', 'Bot SP');
    pick(within(row).getByTestId('account-routing-department'), 'd-1');
    fireEvent.submit(within(row).getByTestId('account-form'));
    await waitFor(() => expect(within(screen.getByTestId('account-row')).getByTestId('account-routing-summary').textContent).toBe('New conversations go to Vendas'));
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toEqual({ name: 'Bot SP', default_department: 'd-1', default_team: null });
    expect(screen.queryByTestId('account-form')).toBeNull();

    fireEvent.click(within(screen.getByTestId('account-row')).getByTestId('account-deactivate'));
    fireEvent.click(await within(screen.getByTestId('account-row')).findByTestId('account-delete'));
    fireEvent.click(within(screen.getByTestId('account-row')).getByTestId('account-delete-confirm'));
    await waitFor(() => expect(screen.queryByTestId('account-row')).toBeNull());
    expect(api.calls.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/v1/channels/accounts/acc-1' });
  });
});

describe('WorkspaceSection', () => {
  const domain: TenantDomain = {
    id: 'dom-1',
    hostname: 'atendimento.example.com',
    is_verified: false,
    is_primary: false,
    verification_record: { type: 'TXT', name: '_atendo.atendimento.example.com', value: 'atendo-verification=abc' },
    verified_at: null,
    created_at: '2026-01-01T00:00:00Z',
  };

  it('shows the TXT record to publish and why verification failed, then verifies', async () => {
    const api = fakeApi()
      .on('GET', new RegExp(`/tenants/${TENANT_ID}$`), () => tenant)
      .on('GET', new RegExp(`/tenants/${TENANT_ID}/domains$`), () => page([domain]))
      .on('POST', /\/verify$/, () => {
        throw new HttpError(400, { code: 'domain_not_verified', message: 'We could not find the verification record.', fields: { hostname: ['Verification record not found.'] } });
      });
    render(<WorkspaceSection tenantId={TENANT_ID} canManage canManageDomains />);
    const row = await screen.findByTestId('domain-row');
    expect(within(row).getByTestId('domain-record-name').textContent).toBe('_atendo.atendimento.example.com');
    expect(within(row).getByTestId('domain-record-value').textContent).toBe('atendo-verification=abc');
    fireEvent.click(within(row).getByTestId('domain-verify'));
    expect((await within(row).findByTestId('domain-error')).textContent).toMatch(/TXT record was not found yet/);

    api.on('POST', /\/verify$/, () => ({ ...domain, is_verified: true, verified_at: '2026-01-02T00:00:00Z' }));
    fireEvent.click(within(row).getByTestId('domain-verify'));
    await within(screen.getByTestId('domain-row')).findByTestId('domain-verified');
    expect(screen.queryByTestId('domain-dns')).toBeNull();
  });

  it('shows the tenant form read-only without tenant.manage', async () => {
    fakeApi()
      .on('GET', new RegExp(`/tenants/${TENANT_ID}$`), () => tenant)
      .on('GET', new RegExp(`/tenants/${TENANT_ID}/domains$`), () => page([]));
    render(<WorkspaceSection tenantId={TENANT_ID} canManage={false} canManageDomains />);
    expect(((await screen.findByTestId('tenant-name')) as HTMLInputElement).readOnly).toBe(true);
    expect(screen.queryByTestId('tenant-save')).toBeNull();
    expect(screen.getByTestId('domain-form')).toBeTruthy();
  });
});

describe('SlaSection', () => {
  it('sends targets in minutes and shows errors that belong to no field', async () => {
    const api = fakeApi()
      .on('GET', /\/(departments|teams|sla-policies)$/, () => page([]))
      .on('POST', /\/sla-policies$/, () => {
        throw new HttpError(400, { code: 'invalid', message: 'Some fields are not valid.', fields: { non_field_errors: ['Set at least one target.'], warning_percent: ['Ensure this value is less than or equal to 99.'] } });
      });
    render(<SlaSection tenant="demo" />);
    fireEvent.click(await screen.findByTestId('sla-new'));
    type('sla-name', 'Padrão');
    type('sla-first-response', '30');
    type('sla-first-response-unit', 'minutes');
    type('sla-resolution', '2');
    type('sla-resolution-unit', 'days');
    type('sla-warning', '120');
    fireEvent.submit(screen.getByTestId('sla-form'));
    await waitFor(() => expect(errorOf('sla-warning')).toBe('Ensure this value is less than or equal to 99.'));
    expect(screen.getByTestId('sla-error').textContent).toContain('Set at least one target.');
    expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({
      name: 'Padrão',
      department: null,
      priority: '',
      first_response_minutes: 30,
      next_response_minutes: null,
      resolution_minutes: 2880,
      calendar_minutes: false,
      warning_percent: 120,
    });
  });
});

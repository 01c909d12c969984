import { setupIonicReact } from '@ionic/react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DepartmentDetail, QuickReply } from '../../../shared/api/types';
import { useAuthStore } from '../../../shared/auth/store';
import { useQuickReplyStore } from '../../../shared/quickReplies/store';
import { makeQuickReply } from '../../../shared/quickReplies/testing';
import { HttpError, fakeApi } from '../../../test/fakeApi';
import { TENANT } from '../../../test/factories';
import { setupTestI18n } from '../../../test/i18n';
import { page, userWith } from '../../../test/settings';
import { useOrgStore } from '../store/orgStore';
import { useQuickRepliesStore } from '../store/quickRepliesStore';
import { QuickRepliesSection, sharedReplyScope } from './QuickRepliesSection';

setupIonicReact();


function department(id: string, name: string): DepartmentDetail {
  return {
    id,
    name,
    description: '',
    active: true,
    business_hours: { timezone: 'America/Sao_Paulo', weekly: {} },
    default_sla_policy: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  };
}
const DEPARTMENTS = [department('d-vendas', 'Vendas'), department('d-suporte', 'Suporte')];

const SHARED = makeQuickReply({ shortcut: 'horario', title: 'Horário', body: 'Das 8h às 18h.', department: 'd-vendas' });
const MINE = makeQuickReply({ shortcut: 'assinatura', title: 'Assinatura', body: '— {{agent.name}}', personal: true, can_edit: true });

const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });

function serve(rows: QuickReply[] = [SHARED, MINE]) {
  return fakeApi()
    .on('GET', /\/departments$/, () => page(DEPARTMENTS))
    .on('GET', /\/teams$/, () => page([]))
    .on('GET', /\/sla-policies$/, () => page([]))
    .on('GET', /\/quick-replies$/, ({ url }) => {
      const q = url.searchParams.get('q');
      return page(q ? rows.filter((r) => r.shortcut.includes(q)) : rows);
    });
}

function signIn(roles: Parameters<typeof userWith>[0]) {
  useAuthStore.setState({ access: 'a', refresh: 'r', user: userWith(roles), tenantSlug: TENANT.slug });
}

beforeAll(async () => {
  await setupTestI18n('en');
});

beforeEach(() => {
  for (const store of [useOrgStore, useQuickRepliesStore, useQuickReplyStore]) store.getState().reset();
});

describe('sharedReplyScope', () => {
  it('reads where the member holds knowledge.manage', () => {
    const scoped = userWith([{ slug: 'agent' }, { slug: 'supervisor', scope_type: 'department', scope_id: 'd-vendas' }]).memberships[0]!;
    expect(sharedReplyScope(scoped)).toEqual({ everywhere: false, departments: ['d-vendas'] });
    const wide = userWith([{ slug: 'supervisor' }]).memberships[0]!;
    expect(sharedReplyScope(wide)).toEqual({ everywhere: true, departments: [] });
    expect(sharedReplyScope(userWith([{ slug: 'agent' }]).memberships[0]!)).toEqual({ everywhere: false, departments: [] });
    expect(sharedReplyScope({ ...wide, status: 'disabled' })).toEqual({ everywhere: false, departments: [] });
  });
});

describe('QuickRepliesSection', () => {
  it('shows an agent shared replies read-only and lets them keep personal ones', async () => {
    signIn([{ slug: 'agent' }]);
    const api = serve();
    render(<QuickRepliesSection tenant="demo" />);
    const rows = await screen.findAllByTestId('quick-reply-row');
    expect(rows.map((r) => r.dataset.shortcut)).toEqual(['horario', 'assinatura']);
    const shared = rows[0]!;
    expect(within(shared).getByTestId('quick-reply-readonly')).toBeTruthy();
    expect(within(shared).queryByTestId('quick-reply-edit')).toBeNull();
    await waitFor(() => expect(within(shared).getByText('Shared · Vendas')).toBeTruthy());
    expect(within(rows[1]!).getByText('Personal')).toBeTruthy();

    fireEvent.click(screen.getByTestId('quick-reply-new'));
    const personal = screen.getByTestId('quick-reply-personal') as HTMLInputElement;
    const sharedOption = screen.getByTestId('quick-reply-shared') as HTMLInputElement;
    expect(personal.checked).toBe(true);
    expect(sharedOption.disabled).toBe(true);
    expect(screen.getByText(/Only members allowed to manage quick replies/)).toBeTruthy();

    type('quick-reply-shortcut', 'assinatura');
    type('quick-reply-title', 'Outra');
    type('quick-reply-body', 'Abraço');
    api.on('POST', /\/quick-replies$/, () => {
      throw new HttpError(400, {
        code: 'shortcut_taken',
        message: 'You already have a personal quick reply with this shortcut.',
        fields: { shortcut: ['You already have a personal quick reply with this shortcut.'] },
      });
    });
    fireEvent.submit(screen.getByTestId('quick-reply-form'));
    await waitFor(() => expect(screen.getByTestId('quick-reply-shortcut-error').textContent).toBe('You already have a personal quick reply with this shortcut.'));
    expect(api.calls.find((c) => c.method === 'POST')?.body).toEqual({ shortcut: 'assinatura', title: 'Outra', body: 'Abraço', personal: true, department: null });

    useQuickReplyStore.setState({ tenant: 'demo', status: 'ready', loadedAt: Date.now() });
    api.on('POST', /\/quick-replies$/, ({ body }) =>
      makeQuickReply({ ...(body as Partial<QuickReply>), id: 'qr-new', personal: true, can_edit: true }),
    );
    type('quick-reply-shortcut', 'abraco');
    fireEvent.submit(screen.getByTestId('quick-reply-form'));
    await waitFor(() => expect(screen.queryByTestId('quick-reply-form')).toBeNull());
    expect(screen.getAllByTestId('quick-reply-row').map((r) => r.dataset.shortcut)).toEqual(['abraco', 'assinatura', 'horario']);
    expect(useQuickReplyStore.getState().loadedAt).toBe(0); // the composer reloads its list
  });

  it('lets a supervisor share a reply with the whole workspace or one department', async () => {
    signIn([{ slug: 'supervisor' }]);
    const api = serve([]);
    render(<QuickRepliesSection tenant="demo" />);
    expect((await screen.findByTestId('quick-replies-empty')).textContent).toContain('No quick replies yet');
    fireEvent.click(screen.getByTestId('quick-reply-new'));
    expect((screen.getByTestId('quick-reply-shared') as HTMLInputElement).checked).toBe(true);
    await waitFor(() => expect(screen.getByRole('option', { name: 'Suporte' })).toBeTruthy());
    const select = screen.getByTestId('quick-reply-department') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['The whole workspace', 'Suporte', 'Vendas']);
    fireEvent.change(select, { target: { value: 'd-suporte' } });
    type('quick-reply-shortcut', 'garantia');
    type('quick-reply-title', 'Garantia');
    api.on('POST', /\/quick-replies$/, ({ body }) => makeQuickReply({ ...(body as Partial<QuickReply>), id: 'qr-g', can_edit: true }));
    fireEvent.submit(screen.getByTestId('quick-reply-form'));
    await screen.findByTestId('quick-reply-row');
    expect(api.calls.find((c) => c.method === 'POST')?.body).toMatchObject({ shortcut: 'garantia', personal: false, department: 'd-suporte' });
  });

  it('offers a department supervisor only their departments', async () => {
    signIn([{ slug: 'agent' }, { slug: 'supervisor', scope_type: 'department', scope_id: 'd-vendas' }]);
    serve([]);
    render(<QuickRepliesSection tenant="demo" />);
    fireEvent.click(await screen.findByTestId('quick-reply-new'));
    await waitFor(() => expect(screen.getByRole('option', { name: 'Vendas' })).toBeTruthy());
    const select = screen.getByTestId('quick-reply-department') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['d-vendas']);
  });

  it('inserts placeholders at the caret and previews the text with a sample contact', async () => {
    signIn([{ slug: 'agent' }]);
    serve([]);
    render(<QuickRepliesSection tenant="demo" />);
    fireEvent.click(await screen.findByTestId('quick-reply-new'));
    const body = screen.getByTestId('quick-reply-body') as HTMLTextAreaElement;
    type('quick-reply-body', 'Olá, !');
    body.setSelectionRange(5, 5);
    fireEvent.click(screen.getByTestId('quick-reply-insert-contact.first_name'));
    expect(body.value).toBe('Olá, {{contact.first_name}}!');
    expect(screen.getByTestId('quick-reply-preview').textContent).toContain('Olá, Ana!');
  });

  it('edits and deletes a personal reply', async () => {
    signIn([{ slug: 'agent' }]);
    const api = serve();
    render(<QuickRepliesSection tenant="demo" />);
    const mine = (await screen.findAllByTestId('quick-reply-row')).find((r) => r.dataset.shortcut === 'assinatura')!;
    fireEvent.click(within(mine).getByTestId('quick-reply-edit'));
    type('quick-reply-title', 'Assinatura nova');
    api.on('PATCH', /\/quick-replies\/qr-assinatura$/, ({ body }) => ({ ...MINE, ...(body as object) }));
    fireEvent.submit(screen.getByTestId('quick-reply-form'));
    await waitFor(() => expect(screen.getByText('Assinatura nova')).toBeTruthy());
    expect(api.calls.find((c) => c.method === 'PATCH')?.body).toMatchObject({ title: 'Assinatura nova', personal: true, department: null });

    const row = screen.getAllByTestId('quick-reply-row').find((r) => r.dataset.shortcut === 'assinatura')!;
    fireEvent.click(within(row).getByTestId('quick-reply-edit'));
    api.on('DELETE', /\/quick-replies\/qr-assinatura$/, () => undefined);
    fireEvent.click(screen.getByTestId('quick-reply-delete'));
    fireEvent.click(screen.getByTestId('quick-reply-delete-confirm'));
    await waitFor(() => expect(screen.getAllByTestId('quick-reply-row').map((r) => r.dataset.shortcut)).toEqual(['horario']));
  });

  it('searches on the server as the member types', async () => {
    signIn([{ slug: 'agent' }]);
    const api = serve();
    render(<QuickRepliesSection tenant="demo" />);
    await screen.findAllByTestId('quick-reply-row');
    await act(async () => {
      fireEvent.change(screen.getByTestId('quick-replies-search'), { target: { value: 'hor' } });
    });
    await waitFor(() => expect(screen.getAllByTestId('quick-reply-row').map((r) => r.dataset.shortcut)).toEqual(['horario']));
    expect(api.calls.some((c) => c.path.includes('/quick-replies?') && c.path.includes('q=hor'))).toBe(true);
    fireEvent.change(screen.getByTestId('quick-replies-search'), { target: { value: 'zzz' } });
    expect((await screen.findByTestId('quick-replies-empty')).textContent).toBe('No quick reply matches this search.');
  });
});

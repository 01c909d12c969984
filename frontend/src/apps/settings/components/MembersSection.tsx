import { IonButton } from '@ionic/react';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DepartmentDetail, MemberDetail, RoleDefinition, RoleGrant, TeamDetail } from '../../../shared/api/types';
import { selectCurrentMembership, useAuthStore } from '../../../shared/auth/store';
import { useMembersStore } from '../store/membersStore';
import { useOrgStore } from '../store/orgStore';
import { ConfirmButton } from './ConfirmButton';
import { FormError, InputField, SelectField, errorsFor, useApiForm } from './form';
import { GrantsEditor } from './GrantsEditor';
import { SectionStatus } from './SectionStatus';
import { StatusChip } from './StatusChip';

interface MembersSectionProps {
  tenant: string;
  canInvite: boolean;
  canManage: boolean;
}

interface Directory {
  roles: RoleDefinition[];
  departments: DepartmentDetail[];
  teams: TeamDetail[];
}

/** Who works in the tenant, with which roles where; invitations waiting for an answer. */
export function MembersSection({ tenant, canInvite, canManage }: MembersSectionProps) {
  const { t } = useTranslation('settings');
  const status = useMembersStore((s) => (s.tenant === tenant ? s.status : 'idle'));
  const error = useMembersStore((s) => s.error);
  const members = useMembersStore((s) => s.members);
  const roles = useMembersStore((s) => s.roles);
  const departments = useOrgStore((s) => s.departments);
  const teams = useOrgStore((s) => s.teams);
  const [inviting, setInviting] = useState(false);

  useEffect(() => {
    void useMembersStore.getState().load(tenant);
    void useOrgStore.getState().load(tenant); // scopes name departments and teams
  }, [tenant]);

  if (status !== 'ready') {
    return <SectionStatus status={status} error={error} onRetry={() => void useMembersStore.getState().load(tenant, { force: true })} />;
  }
  const directory: Directory = { roles, departments, teams };
  const joined = members.filter((m) => m.status !== 'invited');
  const invited = members.filter((m) => m.status === 'invited');

  return (
    <>
      {canInvite && (
        <div className="atendo-settings-toolbar">
          {!inviting && (
            <IonButton onClick={() => setInviting(true)} data-testid="member-invite-open">
              {t('members.invite')}
            </IonButton>
          )}
        </div>
      )}
      {inviting && <InviteForm directory={directory} onDone={() => setInviting(false)} />}
      <section className="atendo-settings-card" aria-labelledby="members-title" data-testid="members">
        <h2 id="members-title">{t('members.title')}</h2>
        <ul className="atendo-settings-list">
          {joined.map((member) => (
            <MemberRow key={member.id} member={member} directory={directory} canManage={canManage} />
          ))}
        </ul>
      </section>
      <section className="atendo-settings-card" aria-labelledby="invitations-title" data-testid="invitations">
        <h2 id="invitations-title">{t('members.invitations')}</h2>
        {invited.length === 0 && <p className="atendo-settings-empty">{t('members.noInvitations')}</p>}
        <ul className="atendo-settings-list">
          {invited.map((member) => (
            <InvitationRow key={member.id} member={member} directory={directory} canInvite={canInvite} canManage={canManage} />
          ))}
        </ul>
      </section>
    </>
  );
}

function useGrantLabel(directory: Directory) {
  const { t } = useTranslation('settings');
  return (grant: { slug: string; name: string; scope_type: string | null; scope_id: string | null }) => {
    const role = directory.roles.find((r) => r.slug === grant.slug)?.name ?? grant.name;
    if (grant.scope_type === 'department') {
      const unit = directory.departments.find((d) => d.id === grant.scope_id)?.name ?? t('members.unknownUnit');
      return t('members.roleIn', { role, unit });
    }
    if (grant.scope_type === 'team') {
      const unit = directory.teams.find((x) => x.id === grant.scope_id)?.name ?? t('members.unknownUnit');
      return t('members.roleIn', { role, unit });
    }
    return role;
  };
}

function RoleChips({ member, directory }: { member: MemberDetail; directory: Directory }) {
  const label = useGrantLabel(directory);
  return (
    <span className="atendo-settings-chips" data-testid="member-roles">
      {member.roles.map((grant, index) => (
        <StatusChip key={`${grant.slug}-${grant.scope_id ?? ''}-${index}`} tone="medium">
          {label(grant)}
        </StatusChip>
      ))}
    </span>
  );
}

function MemberRow({ member, directory, canManage }: { member: MemberDetail; directory: Directory; canManage: boolean }) {
  const { t } = useTranslation('settings');
  const myId = useAuthStore((s) => selectCurrentMembership(s)?.id);
  const [editing, setEditing] = useState(false);
  return (
    <li className="atendo-settings-row" data-testid="member-row" data-email={member.email}>
      <div className="atendo-settings-row-head">
        <span className="atendo-settings-row-title">
          <strong>{member.display_name || member.email}</strong>
          {member.id === myId && <span className="atendo-settings-muted"> {t('members.you')}</span>}
          <span className="atendo-settings-muted atendo-settings-ellipsis">{member.email}</span>
        </span>
        {member.status === 'disabled' && <StatusChip tone="danger">{t('members.status.disabled')}</StatusChip>}
      </div>
      <RoleChips member={member} directory={directory} />
      {canManage && !editing && (
        <div className="atendo-settings-row-actions">
          <IonButton size="small" fill="outline" onClick={() => setEditing(true)} data-testid="member-edit">
            {t('common.edit')}
          </IonButton>
        </div>
      )}
      {editing && <MemberEditor member={member} directory={directory} onDone={() => setEditing(false)} />}
    </li>
  );
}

function grantsOf(member: MemberDetail): RoleGrant[] {
  // The model's scope_type may be blank in the schema; a grant knows only a scope or none (null).
  return member.roles.map((r) => ({ role: r.slug, scope_type: r.scope_type || null, scope_id: r.scope_id }));
}

function MemberEditor({ member, directory, onDone }: { member: MemberDetail; directory: Directory; onDone: () => void }) {
  const { t } = useTranslation('settings');
  const [name, setName] = useState(member.display_name);
  const [status, setStatus] = useState<'active' | 'disabled'>(member.status === 'disabled' ? 'disabled' : 'active');
  const [grants, setGrants] = useState<RoleGrant[]>(grantsOf(member));
  const form = useApiForm();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const ok = await form.run(() =>
      useMembersStore.getState().update(member.id, { display_name: name.trim(), status, roles: grants }),
    );
    if (ok) onDone();
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-settings-form atendo-settings-subform" data-testid="member-form">
      <InputField
        label={t('members.displayName')}
        value={name}
        onChange={setName}
        maxLength={150}
        errors={errorsFor(form.fields, 'display_name')}
        testId="member-name"
      />
      <SelectField
        label={t('members.statusLabel')}
        value={status}
        onChange={(value) => setStatus(value === 'disabled' ? 'disabled' : 'active')}
        options={[
          { value: 'active', label: t('members.status.active') },
          { value: 'disabled', label: t('members.status.disabled') },
        ]}
        hint={t('members.disableHint')}
        errors={errorsFor(form.fields, 'status')}
        testId="member-status"
      />
      <GrantsEditor grants={grants} onChange={setGrants} fields={form.fields} testId="member-grants" {...directory} />
      <FormError form={form} shown={['display_name', 'status', 'roles']} testId="member-error" />
      <div className="atendo-settings-actions">
        <IonButton type="submit" disabled={form.busy} data-testid="member-save">
          {form.busy ? t('common.saving') : t('common.save')}
        </IonButton>
        <IonButton fill="clear" color="medium" onClick={onDone}>
          {t('common.cancel')}
        </IonButton>
        <span className="atendo-settings-spacer" />
        <ConfirmButton
          question={t('members.removeQuestion', { name: member.display_name || member.email })}
          confirmLabel={t('common.remove')}
          onConfirm={() => void form.run(() => useMembersStore.getState().remove(member.id))}
          testId="member-remove"
        >
          {t('members.remove')}
        </ConfirmButton>
      </div>
    </form>
  );
}

function InvitationRow({
  member,
  directory,
  canInvite,
  canManage,
}: {
  member: MemberDetail;
  directory: Directory;
  canInvite: boolean;
  canManage: boolean;
}) {
  const { t } = useTranslation('settings');
  const form = useApiForm();
  const [resent, setResent] = useState(false);
  return (
    <li className="atendo-settings-row" data-testid="invitation-row" data-email={member.email}>
      <div className="atendo-settings-row-head">
        <span className="atendo-settings-row-title">
          <strong className="atendo-settings-ellipsis">{member.email}</strong>
          {member.display_name && <span className="atendo-settings-muted">{member.display_name}</span>}
        </span>
        <StatusChip tone="warning">{t('members.status.invited')}</StatusChip>
      </div>
      <RoleChips member={member} directory={directory} />
      <FormError form={form} />
      {resent && (
        <p className="atendo-settings-saved" role="status">
          {t('members.resent')}
        </p>
      )}
      <div className="atendo-settings-row-actions">
        {canInvite && (
          <IonButton
            size="small"
            fill="outline"
            disabled={form.busy}
            onClick={() => {
              setResent(false);
              void form.run(() => useMembersStore.getState().resendInvitation(member.id)).then(setResent);
            }}
            data-testid="invitation-resend"
          >
            {t('members.resend')}
          </IonButton>
        )}
        {canManage && (
          <ConfirmButton
            question={t('members.revokeQuestion', { email: member.email })}
            confirmLabel={t('members.revoke')}
            onConfirm={() => void form.run(() => useMembersStore.getState().remove(member.id))}
            testId="invitation-revoke"
          >
            {t('members.revoke')}
          </ConfirmButton>
        )}
      </div>
    </li>
  );
}

function InviteForm({ directory, onDone }: { directory: Directory; onDone: () => void }) {
  const { t } = useTranslation('settings');
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [grants, setGrants] = useState<RoleGrant[]>([{ role: 'agent', scope_type: null, scope_id: null }]);
  const form = useApiForm();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const ok = await form.run(() =>
      useMembersStore.getState().invite({ email: email.trim(), display_name: name.trim(), roles: grants }),
    );
    if (ok) onDone();
  }

  return (
    <section className="atendo-settings-card" aria-labelledby="invite-title">
      <h2 id="invite-title">{t('members.inviteTitle')}</h2>
      <p className="atendo-settings-intro">{t('members.inviteIntro')}</p>
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-settings-form" data-testid="invite-form">
        <InputField
          label={t('members.email')}
          type="email"
          value={email}
          onChange={setEmail}
          autoComplete="off"
          maxLength={254}
          errors={errorsFor(form.fields, 'email')}
          testId="invite-email"
        />
        <InputField
          label={t('members.displayNameOptional')}
          value={name}
          onChange={setName}
          maxLength={150}
          errors={errorsFor(form.fields, 'display_name')}
          testId="invite-name"
        />
        <GrantsEditor grants={grants} onChange={setGrants} fields={form.fields} testId="invite-grants" {...directory} />
        <FormError form={form} shown={['email', 'display_name', 'roles']} testId="invite-error" />
        <div className="atendo-settings-actions">
          <IonButton type="submit" disabled={form.busy || !email.trim()} data-testid="invite-submit">
            {t('members.sendInvitation')}
          </IonButton>
          <IonButton fill="clear" color="medium" onClick={onDone}>
            {t('common.cancel')}
          </IonButton>
        </div>
      </form>
    </section>
  );
}

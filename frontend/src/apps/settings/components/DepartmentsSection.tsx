import { IonButton } from '@ionic/react';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DepartmentDetail, TeamDetail } from '../../../shared/api/types';
import { defaultHours, fromDraft, openDays, toDraft } from '../businessHours';
import { useMembersStore } from '../store/membersStore';
import { useOrgStore } from '../store/orgStore';
import { useWorkspaceStore } from '../store/workspaceStore';
import { BusinessHoursEditor } from './BusinessHoursEditor';
import { ConfirmButton } from './ConfirmButton';
import { CheckboxField, FormError, InputField, SelectField, TextAreaField, errorsFor, useApiForm } from './form';
import { SectionStatus } from './SectionStatus';
import { StatusChip } from './StatusChip';

interface DepartmentsSectionProps {
  tenant: string;
  tenantId: string;
}

/** Departments with their business hours and default SLA, and the teams inside each. */
export function DepartmentsSection({ tenant, tenantId }: DepartmentsSectionProps) {
  const { t } = useTranslation('settings');
  const status = useOrgStore((s) => (s.tenant === tenant ? s.status : 'idle'));
  const error = useOrgStore((s) => s.error);
  const departments = useOrgStore((s) => s.departments);
  // New calendars start in the tenant's time zone: wait for it (a failure falls back to the browser's).
  const zoneKnown = useWorkspaceStore((s) => s.tenantId === tenantId && (s.status === 'ready' || s.status === 'error'));
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);

  useEffect(() => {
    void useOrgStore.getState().load(tenant);
    void useMembersStore.getState().load(tenant); // team members are picked from them
    void useWorkspaceStore.getState().load(tenantId); // the tenant's time zone for new calendars
  }, [tenant, tenantId]);

  if (status !== 'ready' || !zoneKnown) {
    return (
      <SectionStatus
        status={status === 'ready' ? 'loading' : status}
        error={error}
        onRetry={() => void useOrgStore.getState().load(tenant, { force: true })}
      />
    );
  }
  return (
    <>
      <div className="atendo-settings-toolbar">
        {!creating && (
          <IonButton onClick={() => setCreating(true)} data-testid="department-new">
            {t('departments.new')}
          </IonButton>
        )}
      </div>
      {creating && (
        <section className="atendo-settings-card" aria-labelledby="department-new-title">
          <h2 id="department-new-title">{t('departments.newTitle')}</h2>
          <DepartmentForm
            onDone={(created) => {
              setCreating(false);
              if (created) setOpenId(created.id);
            }}
          />
        </section>
      )}
      <section className="atendo-settings-card" aria-labelledby="departments-title" data-testid="departments">
        <h2 id="departments-title">{t('departments.title')}</h2>
        {departments.length === 0 && <p className="atendo-settings-empty">{t('departments.empty')}</p>}
        <ul className="atendo-settings-list">
          {departments.map((department) => (
            <DepartmentRow
              key={department.id}
              department={department}
              open={openId === department.id}
              onToggle={() => setOpenId(openId === department.id ? null : department.id)}
            />
          ))}
        </ul>
      </section>
    </>
  );
}

function DepartmentRow({ department, open, onToggle }: { department: DepartmentDetail; open: boolean; onToggle: () => void }) {
  const { t } = useTranslation('settings');
  const allTeams = useOrgStore((s) => s.teams);
  const teams = allTeams.filter((team) => team.department === department.id);
  const days = openDays(department.business_hours);
  return (
    <li className="atendo-settings-row" data-testid="department-row" data-name={department.name}>
      <div className="atendo-settings-row-head">
        <span className="atendo-settings-row-title">
          <strong>{department.name}</strong>
          <span className="atendo-settings-muted">
            {t('departments.summary', {
              days: days.length ? days.map((d) => t(`hours.short.${d}`)).join(', ') : t('hours.closed'),
              count: teams.length,
            })}
          </span>
        </span>
        {!department.active && <StatusChip tone="medium">{t('departments.inactive')}</StatusChip>}
        <IonButton size="small" fill="outline" onClick={onToggle} aria-expanded={open} data-testid="department-edit">
          {open ? t('common.close') : t('common.edit')}
        </IonButton>
      </div>
      {open && (
        <div className="atendo-settings-expanded">
          <DepartmentForm department={department} onDone={onToggle} />
          <TeamsPanel department={department} teams={teams} />
        </div>
      )}
    </li>
  );
}

function DepartmentForm({ department, onDone }: { department?: DepartmentDetail; onDone: (created?: DepartmentDetail) => void }) {
  const { t } = useTranslation('settings');
  const policies = useOrgStore((s) => s.policies);
  const tenantZone = useWorkspaceStore((s) => s.tenant?.timezone);
  const [name, setName] = useState(department?.name ?? '');
  const [description, setDescription] = useState(department?.description ?? '');
  const [active, setActive] = useState(department?.active ?? true);
  const [policy, setPolicy] = useState(department?.default_sla_policy ?? '');
  const [hours, setHours] = useState(() =>
    toDraft(department?.business_hours ?? defaultHours(tenantZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone)),
  );
  const form = useApiForm();
  const usable = policies.filter((p) => p.department === null || p.department === department?.id);

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = {
      name: name.trim(),
      description: description.trim(),
      business_hours: fromDraft(hours),
      default_sla_policy: policy || null,
      active,
    };
    let saved: DepartmentDetail | undefined;
    const store = useOrgStore.getState();
    const ok = await form.run(async () => {
      saved = department ? await store.updateDepartment(department.id, input) : await store.createDepartment(input);
    });
    if (ok) onDone(department ? undefined : saved);
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-settings-form" data-testid="department-form">
      <InputField
        label={t('departments.name')}
        value={name}
        onChange={setName}
        maxLength={80}
        errors={errorsFor(form.fields, 'name')}
        testId="department-name"
      />
      <TextAreaField
        label={t('departments.description')}
        value={description}
        onChange={setDescription}
        maxLength={500}
        rows={2}
        errors={errorsFor(form.fields, 'description')}
        testId="department-description"
      />
      <SelectField
        label={t('departments.defaultSla')}
        value={policy}
        onChange={setPolicy}
        options={[{ value: '', label: t('departments.noSla') }, ...usable.map((p) => ({ value: p.id, label: p.name }))]}
        hint={t('departments.defaultSlaHint')}
        errors={errorsFor(form.fields, 'default_sla_policy')}
        testId="department-sla"
      />
      {department && (
        <CheckboxField
          label={t('departments.active')}
          hint={t('departments.activeHint')}
          checked={active}
          onChange={setActive}
          errors={errorsFor(form.fields, 'active')}
          testId="department-active"
        />
      )}
      <BusinessHoursEditor
        value={hours}
        onChange={setHours}
        errors={form.fields}
        testId="department-hours"
      />
      <FormError form={form} shown={['name', 'description', 'default_sla_policy', 'active', 'business_hours']} testId="department-error" />
      <div className="atendo-settings-actions">
        <IonButton type="submit" disabled={form.busy} data-testid="department-save">
          {form.busy ? t('common.saving') : department ? t('common.save') : t('departments.create')}
        </IonButton>
        <IonButton fill="clear" color="medium" onClick={() => onDone()}>
          {t('common.cancel')}
        </IonButton>
        <span className="atendo-settings-spacer" />
        {department && (
          <ConfirmButton
            question={t('departments.deleteQuestion', { name: department.name })}
            confirmLabel={t('common.delete')}
            onConfirm={() => void form.run(() => useOrgStore.getState().deleteDepartment(department.id))}
            testId="department-delete"
          >
            {t('common.delete')}
          </ConfirmButton>
        )}
      </div>
    </form>
  );
}

function TeamsPanel({ department, teams }: { department: DepartmentDetail; teams: TeamDetail[] }) {
  const { t } = useTranslation('settings');
  const [adding, setAdding] = useState(false);
  return (
    <section className="atendo-settings-teams" aria-label={t('teams.title', { department: department.name })} data-testid="teams">
      <h3>{t('teams.title', { department: department.name })}</h3>
      {teams.length === 0 && <p className="atendo-settings-empty">{t('teams.empty')}</p>}
      <ul className="atendo-settings-list">
        {teams.map((team) => (
          <TeamRow key={team.id} team={team} />
        ))}
      </ul>
      {adding ? (
        <TeamForm departmentId={department.id} onDone={() => setAdding(false)} />
      ) : (
        <IonButton size="small" fill="outline" onClick={() => setAdding(true)} data-testid="team-new">
          {t('teams.new')}
        </IonButton>
      )}
    </section>
  );
}

function TeamRow({ team }: { team: TeamDetail }) {
  const { t } = useTranslation('settings');
  const allMembers = useMembersStore((s) => s.members);
  const [editing, setEditing] = useState(false);
  const [picked, setPicked] = useState('');
  const form = useApiForm();
  const candidates = allMembers.filter((m) => m.status === 'active' && !team.members.some((x) => x.id === m.id));

  return (
    <li className="atendo-settings-row" data-testid="team-row" data-name={team.name}>
      <div className="atendo-settings-row-head">
        <span className="atendo-settings-row-title">
          <strong>{team.name}</strong>
          <span className="atendo-settings-muted">
            {team.auto_assign ? t('teams.autoAssignOn', { max: team.max_open_per_agent }) : t('teams.autoAssignOff')}
          </span>
        </span>
        {!editing && (
          <IonButton size="small" fill="outline" onClick={() => setEditing(true)} data-testid="team-edit">
            {t('common.edit')}
          </IonButton>
        )}
      </div>
      {editing && <TeamForm team={team} departmentId={team.department} onDone={() => setEditing(false)} />}
      <div className="atendo-settings-team-members">
        <span className="atendo-settings-label">{t('teams.members')}</span>
        {team.members.length === 0 && <span className="atendo-settings-muted">{t('teams.noMembers')}</span>}
        <ul className="atendo-settings-chips">
          {team.members.map((member) => (
            <li key={member.id} className="atendo-settings-chip is-medium" data-testid="team-member">
              <span>{member.display_name}</span>
              <button
                type="button"
                className="atendo-settings-chip-remove"
                aria-label={t('teams.removeMember', { name: member.display_name })}
                disabled={form.busy}
                onClick={() => void form.run(() => useOrgStore.getState().removeTeamMember(team.id, member.id))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
        {candidates.length > 0 && (
          <div className="atendo-settings-inline">
            <SelectField
              label={t('teams.addMember')}
              value={picked}
              onChange={setPicked}
              options={[{ value: '', label: t('teams.pickMember') }, ...candidates.map((m) => ({ value: m.id, label: m.display_name || m.email }))]}
              errors={errorsFor(form.fields, 'member')}
              testId="team-member-pick"
            />
            <IonButton
              size="small"
              disabled={!picked || form.busy}
              onClick={() =>
                void form.run(() => useOrgStore.getState().addTeamMember(team.id, picked)).then((ok) => ok && setPicked(''))
              }
              data-testid="team-member-add"
            >
              {t('common.add')}
            </IonButton>
          </div>
        )}
      </div>
      <FormError form={form} shown={['member']} />
    </li>
  );
}

function TeamForm({ team, departmentId, onDone }: { team?: TeamDetail; departmentId: string; onDone: () => void }) {
  const { t } = useTranslation('settings');
  const [name, setName] = useState(team?.name ?? '');
  const [autoAssign, setAutoAssign] = useState(team?.auto_assign ?? false);
  const [max, setMax] = useState(String(team?.max_open_per_agent ?? 10));
  const form = useApiForm();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = {
      name: name.trim(),
      department: departmentId,
      auto_assign: autoAssign,
      max_open_per_agent: max.trim() === '' ? Number.NaN : Number(max),
    };
    const store = useOrgStore.getState();
    const ok = await form.run(() => (team ? store.updateTeam(team.id, input) : store.createTeam(input)));
    if (ok) onDone();
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-settings-form atendo-settings-subform" data-testid="team-form">
      <InputField label={t('teams.name')} value={name} onChange={setName} maxLength={80} errors={errorsFor(form.fields, 'name')} testId="team-name" />
      <CheckboxField
        label={t('teams.autoAssign')}
        hint={t('teams.autoAssignHint')}
        checked={autoAssign}
        onChange={setAutoAssign}
        errors={errorsFor(form.fields, 'auto_assign')}
        testId="team-auto-assign"
      />
      {autoAssign && (
        <InputField
          label={t('teams.maxOpen')}
          type="number"
          inputMode="numeric"
          min={1}
          max={500}
          value={max}
          onChange={setMax}
          errors={errorsFor(form.fields, 'max_open_per_agent')}
          testId="team-max-open"
        />
      )}
      <FormError form={form} shown={['name', 'auto_assign', 'max_open_per_agent', 'department']} testId="team-error" />
      <div className="atendo-settings-actions">
        <IonButton type="submit" disabled={form.busy} data-testid="team-save">
          {team ? t('common.save') : t('teams.create')}
        </IonButton>
        <IonButton fill="clear" color="medium" onClick={onDone}>
          {t('common.cancel')}
        </IonButton>
        <span className="atendo-settings-spacer" />
        {team && (
          <ConfirmButton
            question={t('teams.deleteQuestion', { name: team.name })}
            confirmLabel={t('common.delete')}
            onConfirm={() => void form.run(() => useOrgStore.getState().deleteTeam(team.id))}
            testId="team-delete"
          >
            {t('common.delete')}
          </ConfirmButton>
        )}
      </div>
    </form>
  );
}

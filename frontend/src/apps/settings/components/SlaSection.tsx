import { IonButton } from '@ionic/react';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Priority, SlaPolicy } from '../../../shared/api/types';
import { useOrgStore } from '../store/orgStore';
import { ConfirmButton } from './ConfirmButton';
import { CheckboxField, FieldFrame, FormError, InputField, SelectField, errorsFor, useApiForm } from './form';
import { SectionStatus } from './SectionStatus';
import { StatusChip } from './StatusChip';

const PRIORITIES: readonly Priority[] = ['low', 'normal', 'high', 'urgent'];
const TARGETS = ['first_response_minutes', 'next_response_minutes', 'resolution_minutes'] as const;
type Target = (typeof TARGETS)[number];

type Unit = 'minutes' | 'hours' | 'days';
const UNIT_MINUTES: Record<Unit, number> = { minutes: 1, hours: 60, days: 1440 };

/** The largest unit that writes the value exactly: 90 → 90 minutes, 120 → 2 hours. */
export function splitMinutes(total: number | null): { amount: string; unit: Unit } {
  if (total === null) return { amount: '', unit: 'hours' };
  if (total % 1440 === 0) return { amount: String(total / 1440), unit: 'days' };
  if (total % 60 === 0) return { amount: String(total / 60), unit: 'hours' };
  return { amount: String(total), unit: 'minutes' };
}

export function toMinutes(amount: string, unit: Unit): number | null {
  const trimmed = amount.trim().replace(',', '.');
  if (trimmed === '') return null;
  return Math.round(Number(trimmed) * UNIT_MINUTES[unit]);
}

/** SLA policies: response and resolution targets per department and priority. */
export function SlaSection({ tenant }: { tenant: string }) {
  const { t } = useTranslation('settings');
  const status = useOrgStore((s) => (s.tenant === tenant ? s.status : 'idle'));
  const error = useOrgStore((s) => s.error);
  const policies = useOrgStore((s) => s.policies);
  const [creating, setCreating] = useState(false);

  useEffect(() => {
    void useOrgStore.getState().load(tenant);
  }, [tenant]);

  if (status !== 'ready') {
    return <SectionStatus status={status} error={error} onRetry={() => void useOrgStore.getState().load(tenant, { force: true })} />;
  }
  return (
    <>
      <p className="atendo-settings-intro">{t('sla.intro')}</p>
      <div className="atendo-settings-toolbar">
        {!creating && (
          <IonButton onClick={() => setCreating(true)} data-testid="sla-new">
            {t('sla.new')}
          </IonButton>
        )}
      </div>
      {creating && (
        <section className="atendo-settings-card" aria-labelledby="sla-new-title">
          <h2 id="sla-new-title">{t('sla.newTitle')}</h2>
          <SlaPolicyForm onDone={() => setCreating(false)} />
        </section>
      )}
      <section className="atendo-settings-card" aria-labelledby="sla-title" data-testid="sla-policies">
        <h2 id="sla-title">{t('sla.title')}</h2>
        {policies.length === 0 && <p className="atendo-settings-empty">{t('sla.empty')}</p>}
        <ul className="atendo-settings-list">
          {policies.map((policy) => (
            <SlaPolicyRow key={policy.id} policy={policy} />
          ))}
        </ul>
      </section>
    </>
  );
}

const INTL_UNIT: Record<Unit, string> = { minutes: 'minute', hours: 'hour', days: 'day' };

/** "2 hours", "2 horas", "2 horas": plural rules and unit names from the browser's Intl. */
function useDuration() {
  const { i18n } = useTranslation('settings');
  return (minutes: number | null) => {
    if (minutes === null) return null;
    const { amount, unit } = splitMinutes(minutes);
    return new Intl.NumberFormat(i18n.language, { style: 'unit', unit: INTL_UNIT[unit], unitDisplay: 'long' }).format(Number(amount));
  };
}

function SlaPolicyRow({ policy }: { policy: SlaPolicy }) {
  const { t } = useTranslation('settings');
  const departments = useOrgStore((s) => s.departments);
  const duration = useDuration();
  const [editing, setEditing] = useState(false);
  const department = policy.department ? (departments.find((d) => d.id === policy.department)?.name ?? '') : t('sla.anyDepartment');
  const priority = policy.priority ? t(`sla.priority.${policy.priority}`) : t('sla.anyPriority');
  const targets = TARGETS.filter((target) => policy[target] !== null).map((target) =>
    t(`sla.targetSummary.${target}`, { duration: duration(policy[target]) }),
  );
  return (
    <li className="atendo-settings-row" data-testid="sla-row" data-name={policy.name}>
      <div className="atendo-settings-row-head">
        <span className="atendo-settings-row-title">
          <strong>{policy.name}</strong>
          <span className="atendo-settings-muted">
            {department} · {priority} · {policy.calendar_minutes ? t('sla.calendarTime') : t('sla.businessTime')}
          </span>
          <span className="atendo-settings-muted">{targets.join(' · ')}</span>
        </span>
        {!policy.active && <StatusChip tone="medium">{t('sla.inactive')}</StatusChip>}
        {!editing && (
          <IonButton size="small" fill="outline" onClick={() => setEditing(true)} data-testid="sla-edit">
            {t('common.edit')}
          </IonButton>
        )}
      </div>
      {editing && <SlaPolicyForm policy={policy} onDone={() => setEditing(false)} />}
    </li>
  );
}

function DurationField({
  label,
  value,
  onChange,
  errors,
  testId,
}: {
  label: string;
  value: { amount: string; unit: Unit };
  onChange: (value: { amount: string; unit: Unit }) => void;
  errors?: string[];
  testId: string;
}) {
  const { t } = useTranslation('settings');
  return (
    <FieldFrame label={label} errors={errors} errorTestId={`${testId}-error`}>
      {({ id, describedBy, invalid }) => (
        <div className="atendo-settings-inline">
          <input
            id={id}
            type="number"
            inputMode="decimal"
            min={0}
            step="any"
            value={value.amount}
            placeholder={t('sla.noTarget')}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            data-testid={testId}
            onChange={(e) => onChange({ ...value, amount: e.target.value })}
          />
          <select
            value={value.unit}
            aria-label={t('sla.unit', { target: label })}
            data-testid={`${testId}-unit`}
            onChange={(e) => onChange({ ...value, unit: e.target.value as Unit })}
          >
            {(['minutes', 'hours', 'days'] as const).map((unit) => (
              <option key={unit} value={unit}>
                {t(`sla.units.${unit}`)}
              </option>
            ))}
          </select>
        </div>
      )}
    </FieldFrame>
  );
}

function SlaPolicyForm({ policy, onDone }: { policy?: SlaPolicy; onDone: () => void }) {
  const { t } = useTranslation('settings');
  const departments = useOrgStore((s) => s.departments);
  const [name, setName] = useState(policy?.name ?? '');
  const [department, setDepartment] = useState(policy?.department ?? '');
  const [priority, setPriority] = useState<string>(policy?.priority ?? '');
  const [targets, setTargets] = useState<Record<Target, { amount: string; unit: Unit }>>(() => ({
    first_response_minutes: splitMinutes(policy ? policy.first_response_minutes : 60),
    next_response_minutes: splitMinutes(policy?.next_response_minutes ?? null),
    resolution_minutes: splitMinutes(policy ? policy.resolution_minutes : 480),
  }));
  const [calendar, setCalendar] = useState(policy?.calendar_minutes ?? false);
  const [warning, setWarning] = useState(String(policy?.warning_percent ?? 80));
  const [active, setActive] = useState(policy?.active ?? true);
  const form = useApiForm();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = {
      name: name.trim(),
      department: department || null,
      priority: priority as Priority | '',
      first_response_minutes: toMinutes(targets.first_response_minutes.amount, targets.first_response_minutes.unit),
      next_response_minutes: toMinutes(targets.next_response_minutes.amount, targets.next_response_minutes.unit),
      resolution_minutes: toMinutes(targets.resolution_minutes.amount, targets.resolution_minutes.unit),
      calendar_minutes: calendar,
      warning_percent: warning.trim() === '' ? Number.NaN : Number(warning),
      active,
    };
    const store = useOrgStore.getState();
    const ok = await form.run(() => (policy ? store.updatePolicy(policy.id, input) : store.createPolicy(input)));
    if (ok) onDone();
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-settings-form" data-testid="sla-form">
      <InputField label={t('sla.name')} value={name} onChange={setName} maxLength={80} errors={errorsFor(form.fields, 'name')} testId="sla-name" />
      <SelectField
        label={t('sla.department')}
        value={department}
        onChange={setDepartment}
        options={[{ value: '', label: t('sla.anyDepartment') }, ...departments.map((d) => ({ value: d.id, label: d.name }))]}
        errors={errorsFor(form.fields, 'department')}
        testId="sla-department"
      />
      <SelectField
        label={t('sla.priorityLabel')}
        value={priority}
        onChange={setPriority}
        options={[{ value: '', label: t('sla.anyPriority') }, ...PRIORITIES.map((p) => ({ value: p, label: t(`sla.priority.${p}`) }))]}
        errors={errorsFor(form.fields, 'priority')}
        testId="sla-priority"
      />
      <fieldset className="atendo-settings-fieldset">
        <legend>{t('sla.targets')}</legend>
        <p className="atendo-settings-hint">{t('sla.targetsHint')}</p>
        {TARGETS.map((target) => (
          <DurationField
            key={target}
            label={t(`sla.target.${target}`)}
            value={targets[target]}
            onChange={(value) => setTargets({ ...targets, [target]: value })}
            errors={errorsFor(form.fields, target)}
            testId={`sla-${target.replace(/_minutes$/, '').replace(/_/g, '-')}`}
          />
        ))}
      </fieldset>
      <CheckboxField
        label={t('sla.calendarMinutes')}
        hint={t('sla.calendarMinutesHint')}
        checked={calendar}
        onChange={setCalendar}
        errors={errorsFor(form.fields, 'calendar_minutes')}
        testId="sla-calendar"
      />
      <InputField
        label={t('sla.warningPercent')}
        type="number"
        inputMode="numeric"
        min={1}
        max={99}
        value={warning}
        onChange={setWarning}
        hint={t('sla.warningPercentHint')}
        errors={errorsFor(form.fields, 'warning_percent')}
        testId="sla-warning"
      />
      {policy && <CheckboxField label={t('sla.active')} checked={active} onChange={setActive} errors={errorsFor(form.fields, 'active')} />}
      <FormError form={form} shown={['name', 'department', 'priority', ...TARGETS, 'calendar_minutes', 'warning_percent', 'active']} testId="sla-error" />
      <div className="atendo-settings-actions">
        <IonButton type="submit" disabled={form.busy} data-testid="sla-save">
          {form.busy ? t('common.saving') : policy ? t('common.save') : t('sla.create')}
        </IonButton>
        <IonButton fill="clear" color="medium" onClick={onDone}>
          {t('common.cancel')}
        </IonButton>
        <span className="atendo-settings-spacer" />
        {policy && (
          <ConfirmButton
            question={t('sla.deleteQuestion', { name: policy.name })}
            confirmLabel={t('common.delete')}
            onConfirm={() => void form.run(() => useOrgStore.getState().deletePolicy(policy.id))}
            testId="sla-delete"
          >
            {t('common.delete')}
          </ConfirmButton>
        )}
      </div>
    </form>
  );
}

import { IonButton } from '@ionic/react';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TenantDomain, TenantProfile } from '../../../shared/api/types';
import { LANGUAGE_NAMES, SUPPORTED_LANGUAGES, isLanguage } from '../../../shared/i18n';
import { useWorkspaceStore } from '../store/workspaceStore';
import { timeZoneOptions } from '../timezones';
import { ConfirmButton } from './ConfirmButton';
import { CopyButton } from './CopyButton';
import { CheckboxField, FormError, InputField, SelectField, errorsFor, useApiForm } from './form';
import { SectionStatus } from './SectionStatus';
import { StatusChip } from './StatusChip';

interface WorkspaceSectionProps {
  tenantId: string;
  canManage: boolean;
  canManageDomains: boolean;
}

/** The tenant's name, time zone and locale, and its own domains with DNS verification. */
export function WorkspaceSection({ tenantId, canManage, canManageDomains }: WorkspaceSectionProps) {
  const { t } = useTranslation('settings');
  const status = useWorkspaceStore((s) => (s.tenantId === tenantId ? s.status : 'idle'));
  const error = useWorkspaceStore((s) => s.error);
  const tenant = useWorkspaceStore((s) => s.tenant);
  const domains = useWorkspaceStore((s) => s.domains);

  useEffect(() => {
    void useWorkspaceStore.getState().load(tenantId);
  }, [tenantId]);

  if (status !== 'ready' || !tenant) {
    return <SectionStatus status={status} error={error} onRetry={() => void useWorkspaceStore.getState().load(tenantId, { force: true })} />;
  }
  return (
    <>
      <section className="atendo-settings-card" aria-labelledby="workspace-profile-title">
        <h2 id="workspace-profile-title">{t('workspace.profileTitle')}</h2>
        <TenantForm key={tenant.id} tenant={tenant} canManage={canManage} />
      </section>
      <section className="atendo-settings-card" aria-labelledby="workspace-domains-title" data-testid="domains">
        <h2 id="workspace-domains-title">{t('workspace.domains.title')}</h2>
        <p className="atendo-settings-intro">{t('workspace.domains.intro')}</p>
        {domains.length === 0 && <p className="atendo-settings-empty">{t('workspace.domains.empty')}</p>}
        <ul className="atendo-settings-list">
          {domains.map((domain) => (
            <DomainRow key={domain.id} domain={domain} canManage={canManageDomains} />
          ))}
        </ul>
        {canManageDomains && <AddDomainForm />}
      </section>
    </>
  );
}

function TenantForm({ tenant, canManage }: { tenant: TenantProfile; canManage: boolean }) {
  const { t } = useTranslation('settings');
  const [name, setName] = useState(tenant.name);
  const [timezone, setTimezone] = useState(tenant.timezone);
  const [locale, setLocale] = useState<string>(tenant.locale);
  const [reopen, setReopen] = useState(String(tenant.reopen_window_hours));
  const [saved, setSaved] = useState(false);
  const form = useApiForm();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const changes = {
      name: name.trim(),
      timezone,
      ...(isLanguage(locale) ? { locale } : {}),
      reopen_window_hours: reopen.trim() === '' ? Number.NaN : Number(reopen),
    };
    const ok = await form.run(() => useWorkspaceStore.getState().saveTenant(changes));
    setSaved(ok);
  }

  const readOnly = !canManage;
  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-settings-form" data-testid="tenant-form">
      <InputField
        label={t('workspace.name')}
        value={name}
        onChange={setName}
        maxLength={120}
        readOnly={readOnly}
        errors={errorsFor(form.fields, 'name')}
        testId="tenant-name"
      />
      <InputField label={t('workspace.slug')} value={tenant.slug} onChange={() => undefined} readOnly hint={t('workspace.slugHint')} />
      <SelectField
        label={t('workspace.timezone')}
        value={timezone}
        onChange={setTimezone}
        options={timeZoneOptions(timezone)}
        disabled={readOnly}
        hint={t('workspace.timezoneHint')}
        errors={errorsFor(form.fields, 'timezone')}
        testId="tenant-timezone"
      />
      <SelectField
        label={t('workspace.locale')}
        value={locale}
        onChange={setLocale}
        options={SUPPORTED_LANGUAGES.map((lng) => ({ value: lng, label: LANGUAGE_NAMES[lng] }))}
        disabled={readOnly}
        hint={t('workspace.localeHint')}
        errors={errorsFor(form.fields, 'locale')}
        testId="tenant-locale"
      />
      <InputField
        label={t('workspace.reopenWindow')}
        type="number"
        inputMode="numeric"
        min={0}
        max={2160}
        value={reopen}
        onChange={setReopen}
        readOnly={readOnly}
        hint={t('workspace.reopenWindowHint')}
        errors={errorsFor(form.fields, 'reopen_window_hours')}
        testId="tenant-reopen"
      />
      <FormError form={form} shown={['name', 'timezone', 'locale', 'reopen_window_hours']} testId="tenant-error" />
      {saved && (
        <p className="atendo-settings-saved" role="status" data-testid="tenant-saved">
          {t('common.saved')}
        </p>
      )}
      {canManage && (
        <div className="atendo-settings-actions">
          <IonButton type="submit" disabled={form.busy} data-testid="tenant-save">
            {form.busy ? t('common.saving') : t('common.save')}
          </IonButton>
        </div>
      )}
    </form>
  );
}

function DomainRow({ domain, canManage }: { domain: TenantDomain; canManage: boolean }) {
  const { t } = useTranslation('settings');
  const form = useApiForm();
  const record = domain.verification_record;
  return (
    <li className="atendo-settings-row" data-testid="domain-row" data-hostname={domain.hostname}>
      <div className="atendo-settings-row-head">
        <strong className="atendo-settings-row-title">{domain.hostname}</strong>
        {domain.is_primary && <StatusChip tone="primary">{t('workspace.domains.primary')}</StatusChip>}
        {domain.is_verified ? (
          <StatusChip tone="success" testId="domain-verified">
            {t('workspace.domains.verified')}
          </StatusChip>
        ) : (
          <StatusChip tone="warning" testId="domain-unverified">
            {t('workspace.domains.unverified')}
          </StatusChip>
        )}
      </div>
      {!domain.is_verified && (
        <div className="atendo-settings-dns" data-testid="domain-dns">
          <p>{t('workspace.domains.instructions', { hostname: domain.hostname })}</p>
          <dl>
            <div>
              <dt>{t('workspace.domains.recordType')}</dt>
              <dd>
                <code>{record.type}</code>
              </dd>
            </div>
            <div>
              <dt>{t('workspace.domains.recordName')}</dt>
              <dd>
                <code data-testid="domain-record-name">{record.name}</code>
                <CopyButton text={record.name} label={t('workspace.domains.copyName')} />
              </dd>
            </div>
            <div>
              <dt>{t('workspace.domains.recordValue')}</dt>
              <dd>
                <code data-testid="domain-record-value">{record.value}</code>
                <CopyButton text={record.value} label={t('workspace.domains.copyValue')} />
              </dd>
            </div>
          </dl>
          <p className="atendo-settings-hint">{t('workspace.domains.propagation')}</p>
        </div>
      )}
      <FormError form={form} testId="domain-error" shown={['hostname']} />
      {canManage && (
        <div className="atendo-settings-row-actions">
          {!domain.is_verified && (
            <IonButton
              size="small"
              disabled={form.busy}
              onClick={() => void form.run(() => useWorkspaceStore.getState().verifyDomain(domain.id))}
              data-testid="domain-verify"
            >
              {form.busy ? t('workspace.domains.verifying') : t('workspace.domains.verify')}
            </IonButton>
          )}
          <ConfirmButton
            question={t('workspace.domains.removeQuestion', { hostname: domain.hostname })}
            confirmLabel={t('common.remove')}
            disabled={form.busy}
            onConfirm={() => void form.run(() => useWorkspaceStore.getState().removeDomain(domain.id))}
            testId="domain-remove"
          >
            {t('common.remove')}
          </ConfirmButton>
        </div>
      )}
    </li>
  );
}

function AddDomainForm() {
  const { t } = useTranslation('settings');
  const [hostname, setHostname] = useState('');
  const [primary, setPrimary] = useState(false);
  const form = useApiForm();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const ok = await form.run(() =>
      useWorkspaceStore.getState().addDomain({ hostname: hostname.trim().toLowerCase(), is_primary: primary }),
    );
    if (ok) {
      setHostname('');
      setPrimary(false);
    }
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-settings-form atendo-settings-subform" data-testid="domain-form">
      <h3>{t('workspace.domains.addTitle')}</h3>
      <InputField
        label={t('workspace.domains.hostname')}
        value={hostname}
        onChange={setHostname}
        placeholder={t('workspace.domains.hostnamePlaceholder')}
        inputMode="url"
        autoComplete="off"
        errors={errorsFor(form.fields, 'hostname')}
        testId="domain-hostname"
      />
      <CheckboxField label={t('workspace.domains.makePrimary')} checked={primary} onChange={setPrimary} errors={errorsFor(form.fields, 'is_primary')} />
      <FormError form={form} shown={['hostname', 'is_primary']} />
      <div className="atendo-settings-actions">
        <IonButton type="submit" disabled={form.busy || !hostname.trim()} data-testid="domain-add">
          {t('workspace.domains.add')}
        </IonButton>
      </div>
    </form>
  );
}

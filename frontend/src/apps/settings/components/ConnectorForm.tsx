import { IonButton } from '@ionic/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldErrors } from '../../../shared/api';
import type { ChannelConnector, ConnectorKind } from '../../../shared/api/types';
import { CREDENTIALS, type CredentialSpec, randomToken, telegramBotId } from '../channelKinds';
import { ConnectError, type ConnectProgress, filledCredentials, useChannelsStore } from '../store/channelsStore';
import { useOrgStore } from '../store/orgStore';
import { FormError, InputField, SelectField, errorsFor, useApiForm } from './form';
import { WebhookUrl } from './WebhookUrl';

/**
 * The API answers credential errors per key (`fields.credentials.<key>`, dotted by the client):
 * each input shows its own; what is about the credentials as a whole (`non_field_errors`, a
 * provider's refusal it could not pin down) or names a key this form has no input for goes
 * above the block.
 */
export function splitCredentialErrors(fields: FieldErrors, keys: readonly string[]) {
  const perKey: Record<string, string[]> = {};
  const general: string[] = [...(fields.credentials ?? [])];
  for (const [path, messages] of Object.entries(fields)) {
    if (!path.startsWith('credentials.')) continue;
    const key = path.slice('credentials.'.length);
    if (keys.includes(key)) perKey[key] = messages;
    else general.push(...(key === 'non_field_errors' ? messages : messages.map((m) => `${key}: ${m}`)));
  }
  return { perKey, general };
}

interface CredentialInputsProps {
  kind: ConnectorKind;
  values: Record<string, string>;
  onChange: (values: Record<string, string>) => void;
  /** Keys already stored on the server: blank means "keep". */
  storedKeys: readonly string[];
  fields: FieldErrors;
}

function CredentialInputs({ kind, values, onChange, storedKeys, fields }: CredentialInputsProps) {
  const { t } = useTranslation('settings');
  const specs = CREDENTIALS[kind];
  const { perKey, general } = splitCredentialErrors(
    fields,
    specs.map((s) => s.key),
  );
  const set = (key: string) => (value: string) => onChange({ ...values, [key]: value });

  function field(spec: CredentialSpec) {
    const stored = storedKeys.includes(spec.key);
    const label = `${t(`channels.credentials.${spec.key}`)}${spec.required && !stored ? ' *' : ''}`;
    const hint = stored && spec.secret ? t('channels.keepSecret') : t(`channels.credentialHints.${spec.key}`, { defaultValue: '' }) || undefined;
    const testId = `credential-${spec.key}`;
    if (spec.input === 'security') {
      return (
        <SelectField
          key={spec.key}
          label={label}
          value={values[spec.key] ?? ''}
          onChange={set(spec.key)}
          options={[
            { value: '', label: stored ? t('channels.security.keep') : t(`channels.security.default_${spec.key}`) },
            { value: 'ssl', label: t('channels.security.ssl') },
            { value: 'starttls', label: t('channels.security.starttls') },
            { value: 'none', label: t('channels.security.none') },
          ]}
          errors={perKey[spec.key]}
          testId={testId}
        />
      );
    }
    return (
      <InputField
        key={spec.key}
        label={label}
        type={spec.secret ? 'password' : spec.input === 'number' ? 'number' : 'text'}
        inputMode={spec.input === 'number' ? 'numeric' : undefined}
        value={values[spec.key] ?? ''}
        onChange={set(spec.key)}
        placeholder={stored ? t('channels.storedPlaceholder') : spec.placeholder}
        autoComplete={spec.secret ? 'new-password' : 'off'}
        hint={hint}
        errors={perKey[spec.key]}
        testId={testId}
      />
    );
  }

  return (
    <fieldset className="atendo-settings-fieldset" data-testid="credentials">
      <legend>{t('channels.credentialsTitle')}</legend>
      <p className="atendo-settings-hint">{t(`channels.kinds.${kind}.credentialsIntro`)}</p>
      {general.length > 0 && (
        <div className="atendo-settings-form-error" data-testid="credentials-error">
          {general.map((message) => (
            <p key={message}>{message}</p>
          ))}
        </div>
      )}
      <div className={kind === 'email' ? 'atendo-settings-grid' : undefined}>{specs.map(field)}</div>
    </fieldset>
  );
}

function initialCredentials(kind: ConnectorKind): Record<string, string> {
  return kind === 'whatsapp' ? { verify_token: randomToken() } : {};
}

interface ConnectFormProps {
  kind: ConnectorKind;
  onDone: () => void;
}

/**
 * A new WhatsApp, Telegram or e-mail channel: the connector (credentials), its account, then
 * activation with the provider. A step refused by the API shows its messages on the fields it
 * names; what was created stays, so fixing a credential and submitting again continues.
 */
export function ConnectForm({ kind, onDone }: ConnectFormProps) {
  const { t } = useTranslation('settings');
  const departments = useOrgStore((s) => s.departments);
  const teams = useOrgStore((s) => s.teams);
  const [name, setName] = useState('');
  const [credentials, setCredentials] = useState<Record<string, string>>(() => initialCredentials(kind));
  const [externalId, setExternalId] = useState('');
  const [externalTouched, setExternalTouched] = useState(false);
  const [department, setDepartment] = useState('');
  const [team, setTeam] = useState('');
  const [progress, setProgress] = useState<ConnectProgress>({ connector: null, account: null });
  const [failedStep, setFailedStep] = useState<ConnectError['step'] | null>(null);
  /** Credentials the server holds since the connector was created or last updated. */
  const [sent, setSent] = useState<Record<string, string>>({});
  const form = useApiForm();

  // The account id usually follows from the credentials: keep suggesting it until typed by hand.
  const suggested = kind === 'telegram' ? telegramBotId(credentials.bot_token ?? '') : kind === 'email' && (credentials.username ?? '').includes('@') ? (credentials.username ?? '') : '';
  const shownExternalId = externalTouched ? externalId : externalId || suggested;
  const storedKeys = progress.connector?.credential_keys ?? [];

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    setFailedStep(null);
    const typed = filledCredentials(credentials);
    const ok = await form.run(async () => {
      try {
        await useChannelsStore.getState().connect(
          {
            kind,
            name,
            // Once the connector exists, only what changed since it was stored goes out again.
            credentials: progress.connector ? changedSince(typed, sent) : typed,
            external_id: shownExternalId,
            default_department: department || null,
            default_team: team || null,
          },
          progress,
        );
      } catch (error) {
        if (!(error instanceof ConnectError)) throw error;
        setProgress(error.progress);
        setFailedStep(error.step);
        if (error.step !== 'connector') setSent(typed);
        throw error.error;
      }
    });
    if (ok) onDone();
  }

  const teamsShown = teams.filter((x) => x.department === department);
  const accountCreated = Boolean(progress.account);

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-settings-form" data-testid={`connect-form-${kind}`}>
      <p className="atendo-settings-intro">{t(`channels.kinds.${kind}.intro`)}</p>
      <InputField
        label={t('channels.connectionName')}
        value={name}
        onChange={setName}
        maxLength={120}
        placeholder={t(`channels.kinds.${kind}.namePlaceholder`)}
        errors={errorsFor(form.fields, 'name')}
        testId="connect-name"
      />
      <CredentialInputs kind={kind} values={credentials} onChange={setCredentials} storedKeys={storedKeys} fields={form.fields} />
      <InputField
        label={t(`channels.kinds.${kind}.externalId`)}
        hint={accountCreated ? t('channels.externalIdLocked') : t(`channels.kinds.${kind}.externalIdHint`)}
        value={shownExternalId}
        onChange={(value) => {
          setExternalTouched(true);
          setExternalId(value);
        }}
        readOnly={accountCreated}
        type={kind === 'email' ? 'email' : 'text'}
        maxLength={200}
        errors={errorsFor(form.fields, 'external_id')}
        testId="connect-external-id"
      />
      <SelectField
        label={t('channels.defaultDepartment')}
        value={department}
        onChange={(value) => {
          setDepartment(value);
          setTeam('');
        }}
        options={[{ value: '', label: t('channels.noDefault') }, ...departments.map((d) => ({ value: d.id, label: d.name }))]}
        hint={t('channels.defaultDepartmentHint')}
        disabled={accountCreated}
        errors={errorsFor(form.fields, 'default_department')}
        testId="connect-department"
      />
      {teamsShown.length > 0 && (
        <SelectField
          label={t('channels.defaultTeam')}
          value={team}
          onChange={setTeam}
          options={[{ value: '', label: t('channels.wholeDepartment') }, ...teamsShown.map((x) => ({ value: x.id, label: x.name }))]}
          disabled={accountCreated}
          errors={errorsFor(form.fields, 'default_team')}
          testId="connect-team"
        />
      )}
      {progress.connector && <ConnectorNextSteps connector={progress.connector} verifyToken={credentials.verify_token} />}
      <FormError
        form={form}
        shown={['name', 'credentials', 'external_id', 'default_department', 'default_team']}
        testId="connect-error"
      />
      {failedStep === 'activate' && (
        <p className="atendo-settings-hint" data-testid="connect-retry-hint">
          {t('channels.retryHint')}
        </p>
      )}
      <div className="atendo-settings-actions">
        <IonButton type="submit" disabled={form.busy} data-testid="connect-submit">
          {form.busy ? t('channels.connecting') : failedStep ? t('channels.retry') : t('channels.connect')}
        </IonButton>
        <IonButton fill="clear" color="medium" onClick={onDone}>
          {progress.connector ? t('common.close') : t('common.cancel')}
        </IonButton>
      </div>
    </form>
  );
}

function changedSince(typed: Record<string, string>, sent: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(typed).filter(([key, value]) => sent[key] !== value));
}

/** What to do at the provider once the connector exists (WhatsApp: paste the webhook and the token). */
function ConnectorNextSteps({ connector, verifyToken }: { connector: ChannelConnector; verifyToken?: string }) {
  const { t } = useTranslation('settings');
  if (!connector.webhook_url) return null;
  return (
    <div className="atendo-settings-callout" data-testid="connect-webhook">
      <WebhookUrl url={connector.webhook_url} />
      <p className="atendo-settings-hint">{t(`channels.kinds.${connector.kind}.webhookHint`, { token: verifyToken ?? '' })}</p>
    </div>
  );
}

/** New credential values for an existing connector (blank inputs keep what is stored). */
export function CredentialsForm({ connector, onDone }: { connector: ChannelConnector; onDone: () => void }) {
  const { t } = useTranslation('settings');
  const [name, setName] = useState(connector.name);
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const form = useApiForm();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const filled = filledCredentials(credentials);
    const changes = {
      ...(name.trim() !== connector.name ? { name: name.trim() } : {}),
      ...(Object.keys(filled).length ? { credentials: filled } : {}),
    };
    const ok = await form.run(() => useChannelsStore.getState().updateConnector(connector.id, changes));
    if (ok) onDone();
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-settings-form atendo-settings-subform" data-testid="credentials-form">
      <InputField
        label={t('channels.connectionName')}
        value={name}
        onChange={setName}
        maxLength={120}
        errors={errorsFor(form.fields, 'name')}
        testId="connector-name"
      />
      <CredentialInputs
        kind={connector.kind}
        values={credentials}
        onChange={setCredentials}
        storedKeys={connector.credential_keys}
        fields={form.fields}
      />
      <FormError form={form} shown={['name', 'credentials']} testId="credentials-form-error" />
      <p className="atendo-settings-hint">{t('channels.afterUpdateHint')}</p>
      <div className="atendo-settings-actions">
        <IonButton type="submit" disabled={form.busy} data-testid="credentials-save">
          {form.busy ? t('common.saving') : t('common.save')}
        </IonButton>
        <IonButton fill="clear" color="medium" onClick={onDone}>
          {t('common.cancel')}
        </IonButton>
      </div>
    </form>
  );
}

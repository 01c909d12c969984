import { IonButton } from '@ionic/react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelAccount, ChannelAccountStatus, ChannelConnector } from '../../../shared/api/types';
import { useChannelsStore } from '../store/channelsStore';
import { ConfirmButton } from './ConfirmButton';
import { CredentialsForm } from './ConnectorForm';
import { FormError, InputField, errorsFor, useApiForm } from './form';
import { type Routing, RoutingFields, routingInput, useRoutingLabel } from './RoutingFields';
import { type ChipTone, StatusChip } from './StatusChip';
import { WebhookUrl } from './WebhookUrl';

const STATUS_TONE: Record<ChannelAccountStatus, ChipTone> = {
  pending: 'warning',
  active: 'success',
  disabled: 'medium',
  error: 'danger',
};

/** A WhatsApp, Telegram or e-mail connection: its webhook, its credentials (names only) and accounts. */
export function ConnectorCard({ connector, accounts }: { connector: ChannelConnector; accounts: ChannelAccount[] }) {
  const { t } = useTranslation('settings');
  const [editing, setEditing] = useState(false);
  const form = useApiForm();
  return (
    <li className="atendo-settings-row" data-testid="connector-card" data-kind={connector.kind} data-name={connector.name}>
      <div className="atendo-settings-row-head">
        <span className="atendo-settings-row-title">
          <strong>{connector.name}</strong>
          <span className="atendo-settings-muted">{t(`channels.kinds.${connector.kind}.label`)}</span>
        </span>
      </div>
      {connector.webhook_url && <WebhookUrl url={connector.webhook_url} />}
      <p className="atendo-settings-muted" data-testid="connector-credential-keys">
        {t('channels.credentialsSet', {
          keys: connector.credential_keys.map((key) => t(`channels.credentials.${key}`, { defaultValue: key })).join(', ') || '—',
        })}
      </p>
      {accounts.length === 0 && <p className="atendo-settings-empty">{t('channels.noAccounts')}</p>}
      <ul className="atendo-settings-list atendo-settings-accounts">
        {accounts.map((account) => (
          <AccountRow key={account.id} account={account} />
        ))}
      </ul>
      <FormError form={form} testId="connector-error" />
      {editing ? (
        <CredentialsForm connector={connector} onDone={() => setEditing(false)} />
      ) : (
        <div className="atendo-settings-row-actions">
          <IonButton size="small" fill="outline" onClick={() => setEditing(true)} data-testid="connector-edit">
            {t('channels.updateCredentials')}
          </IonButton>
          <ConfirmButton
            question={t('channels.removeQuestion', { name: connector.name })}
            confirmLabel={t('common.remove')}
            onConfirm={() => void form.run(() => useChannelsStore.getState().deleteConnector(connector.id))}
            testId="connector-remove"
          >
            {t('channels.removeConnection')}
          </ConfirmButton>
        </div>
      )}
    </li>
  );
}

/**
 * One account of a connection: its status and routing, activation, editing (name and routing;
 * credentials are the connection's) and deletion once deactivated (its conversations stay).
 */
function AccountRow({ account }: { account: ChannelAccount }) {
  const { t } = useTranslation('settings');
  const form = useApiForm();
  const [editing, setEditing] = useState(false);
  const routesTo = useRoutingLabel(account.default_department, account.default_team);
  const canActivate = account.status !== 'active';
  return (
    <li className="atendo-settings-account" data-testid="account-row" data-status={account.status} data-name={account.name}>
      <div className="atendo-settings-row-head">
        <span className="atendo-settings-row-title">
          <strong>{account.name}</strong>
          <span className="atendo-settings-muted atendo-settings-ellipsis">{account.external_id}</span>
          {routesTo && (
            <span className="atendo-settings-muted" data-testid="account-routing-summary">
              {routesTo}
            </span>
          )}
        </span>
        <StatusChip tone={STATUS_TONE[account.status]} testId="account-status">
          {t(`channels.status.${account.status}`)}
        </StatusChip>
      </div>
      {account.status === 'error' && account.last_error && !form.error && (
        <p className="atendo-settings-form-error" data-testid="account-last-error">
          {t('channels.lastError', { error: account.last_error })}
        </p>
      )}
      <FormError form={form} shown={['credentials']} testId="account-error" />
      {editing && <AccountForm account={account} onDone={() => setEditing(false)} />}
      <div className="atendo-settings-row-actions">
        {canActivate ? (
          <IonButton
            size="small"
            disabled={form.busy}
            onClick={() => void form.run(() => useChannelsStore.getState().activate(account.id))}
            data-testid="account-activate"
          >
            {form.busy ? t('channels.activating') : t('channels.activate')}
          </IonButton>
        ) : (
          <IonButton
            size="small"
            fill="outline"
            color="danger"
            disabled={form.busy}
            onClick={() => void form.run(() => useChannelsStore.getState().deactivate(account.id))}
            data-testid="account-deactivate"
          >
            {t('channels.deactivate')}
          </IonButton>
        )}
        {!editing && (
          <IonButton size="small" fill="outline" onClick={() => setEditing(true)} data-testid="account-edit">
            {t('common.edit')}
          </IonButton>
        )}
        {/* An active account keeps receiving messages: it is deactivated first (the API insists). */}
        {account.status !== 'active' && (
          <ConfirmButton
            question={t('channels.deleteAccountQuestion', { name: account.name })}
            confirmLabel={t('common.delete')}
            disabled={form.busy}
            onConfirm={() => void form.run(() => useChannelsStore.getState().deleteAccount(account.id))}
            testId="account-delete"
          >
            {t('channels.deleteAccount')}
          </ConfirmButton>
        )}
      </div>
    </li>
  );
}

/** Name and routing of an account (new conversations start in its department and team). */
function AccountForm({ account, onDone }: { account: ChannelAccount; onDone: () => void }) {
  const { t } = useTranslation('settings');
  const [name, setName] = useState(account.name);
  const [routing, setRouting] = useState<Routing>({ department: account.default_department ?? '', team: account.default_team ?? '' });
  const form = useApiForm();

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    const ok = await form.run(() =>
      useChannelsStore.getState().updateAccount(account.id, { name: name.trim(), ...routingInput(routing) }),
    );
    if (ok) onDone();
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate className="atendo-settings-form atendo-settings-subform" data-testid="account-form">
      <InputField
        label={t('channels.accountName')}
        value={name}
        onChange={setName}
        maxLength={120}
        errors={errorsFor(form.fields, 'name')}
        testId="account-name"
      />
      <RoutingFields
        value={routing}
        onChange={setRouting}
        errors={errorsFor(form.fields, 'default_department', 'default_team')}
        testIdPrefix="account-routing"
      />
      <FormError form={form} shown={['name', 'default_department', 'default_team']} testId="account-form-error" />
      <div className="atendo-settings-actions">
        <IonButton type="submit" disabled={form.busy} data-testid="account-save">
          {form.busy ? t('common.saving') : t('common.save')}
        </IonButton>
        <IonButton fill="clear" color="medium" onClick={onDone}>
          {t('common.cancel')}
        </IonButton>
      </div>
    </form>
  );
}

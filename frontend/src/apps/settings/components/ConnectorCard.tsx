import { IonButton } from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChannelAccount, ChannelAccountStatus, ChannelConnector } from '../../../shared/api/types';
import { useChannelsStore } from '../store/channelsStore';
import { useOrgStore } from '../store/orgStore';
import { ConfirmButton } from './ConfirmButton';
import { CredentialsForm } from './ConnectorForm';
import { FormError, useApiForm } from './form';
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

function AccountRow({ account }: { account: ChannelAccount }) {
  const { t } = useTranslation('settings');
  const departments = useOrgStore((s) => s.departments);
  const form = useApiForm();
  const department = departments.find((d) => d.id === account.default_department)?.name;
  const canActivate = account.status !== 'active';
  return (
    <li className="atendo-settings-account" data-testid="account-row" data-status={account.status}>
      <div className="atendo-settings-row-head">
        <span className="atendo-settings-row-title">
          <strong>{account.name}</strong>
          <span className="atendo-settings-muted atendo-settings-ellipsis">{account.external_id}</span>
          {department && <span className="atendo-settings-muted">{t('channels.routesTo', { department })}</span>}
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
      </div>
    </li>
  );
}

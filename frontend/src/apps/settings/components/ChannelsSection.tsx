import { IonButton, IonIcon } from '@ionic/react';
import { addOutline } from 'ionicons/icons';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectorKind } from '../../../shared/api/types';
import { CONNECTOR_KINDS } from '../channelKinds';
import { useChannelsStore } from '../store/channelsStore';
import { useOrgStore } from '../store/orgStore';
import { ConnectForm } from './ConnectorForm';
import { ConnectorCard } from './ConnectorCard';
import { SectionStatus } from './SectionStatus';
import { WebChatCard, WebChatForm } from './WebChatPanel';

type Adding = ConnectorKind | 'webchat' | null;

/** Web Chat widgets with their embed snippet; WhatsApp, Telegram and e-mail connections. */
export function ChannelsSection({ tenant }: { tenant: string }) {
  const { t } = useTranslation('settings');
  const status = useChannelsStore((s) => (s.tenant === tenant ? s.status : 'idle'));
  const error = useChannelsStore((s) => s.error);
  const webchats = useChannelsStore((s) => s.webchats);
  const connectors = useChannelsStore((s) => s.connectors);
  const accounts = useChannelsStore((s) => s.accounts);
  const [adding, setAdding] = useState<Adding>(null);
  const [createdId, setCreatedId] = useState<string | null>(null);

  useEffect(() => {
    void useChannelsStore.getState().load(tenant);
    void useOrgStore.getState().load(tenant); // default department and team of new accounts
  }, [tenant]);

  if (status !== 'ready') {
    return <SectionStatus status={status} error={error} onRetry={() => void useChannelsStore.getState().load(tenant, { force: true })} />;
  }

  return (
    <>
      <p className="atendo-settings-intro">{t('channels.intro')}</p>
      {adding === null ? (
        <div className="atendo-settings-kinds" role="group" aria-labelledby="channel-connect-label">
          <span id="channel-connect-label" className="atendo-settings-label">
            {t('channels.connectTitle')}
          </span>
          <div className="atendo-settings-toolbar">
            {(['webchat', ...CONNECTOR_KINDS] as const).map((kind) => (
              <IonButton key={kind} fill="outline" onClick={() => setAdding(kind)} data-testid={`channel-add-${kind}`}>
                <IonIcon slot="start" icon={addOutline} aria-hidden="true" />
                {t(`channels.kinds.${kind}.add`)}
              </IonButton>
            ))}
          </div>
        </div>
      ) : (
        <section className="atendo-settings-card" aria-labelledby="channel-new-title">
          <h2 id="channel-new-title">{t(`channels.kinds.${adding}.addTitle`)}</h2>
          {adding === 'webchat' ? (
            <WebChatForm
              onDone={(saved) => {
                setAdding(null);
                if (saved) setCreatedId(saved.id);
              }}
            />
          ) : (
            <ConnectForm key={adding} kind={adding} onDone={() => setAdding(null)} />
          )}
        </section>
      )}

      <section className="atendo-settings-card" aria-labelledby="webchats-title" data-testid="webchats">
        <h2 id="webchats-title">{t('channels.webchatTitle')}</h2>
        {webchats.length === 0 && <p className="atendo-settings-empty">{t('channels.noWebchats')}</p>}
        <ul className="atendo-settings-list">
          {webchats.map((account) => (
            <WebChatCard key={account.id} account={account} highlight={account.id === createdId} />
          ))}
        </ul>
      </section>

      <section className="atendo-settings-card" aria-labelledby="connectors-title" data-testid="connectors">
        <h2 id="connectors-title">{t('channels.connectorsTitle')}</h2>
        {connectors.length === 0 && <p className="atendo-settings-empty">{t('channels.noConnectors')}</p>}
        <ul className="atendo-settings-list">
          {connectors.map((connector) => (
            <ConnectorCard key={connector.id} connector={connector} accounts={accounts.filter((a) => a.connector === connector.id)} />
          ))}
        </ul>
      </section>
    </>
  );
}

import { IonButton, IonIcon, IonSpinner, IonText } from '@ionic/react';
import { close } from 'ionicons/icons';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../shared/i18n/errors';
import { Avatar } from '../components/Avatar';
import { formatDateTime } from '../format';
import { ContactConversations } from './ContactConversations';
import { ContactDetails } from './ContactDetails';
import { useContactStore } from './contactStore';
import { IdentityList } from './IdentityList';
import './contactPanel.css';

export interface ContactPanelProps {
  contactId: string;
  conversationId: string;
  onClose: () => void;
  onOpenConversation: (conversationId: string) => void;
}

/**
 * Who the agent is talking to: identities on each channel, editable details and custom
 * attributes, and the contact's other conversations. Fetched again whenever it opens or the
 * conversation changes, since contact edits elsewhere are not pushed over the socket.
 */
export default function ContactPanel({ contactId, conversationId, onClose, onOpenConversation }: ContactPanelProps) {
  const { t, i18n } = useTranslation('inbox');
  const entry = useContactStore((s) => s.byId[contactId]);

  useEffect(() => {
    void useContactStore.getState().open(contactId);
  }, [contactId, conversationId]);

  const contact = entry?.contact;
  const name = contact?.name || t('list.unnamedContact');

  return (
    <aside className="atendo-contact-panel" aria-label={t('contact.title')} data-testid="contact-panel" data-contact-id={contactId}>
      <header className="atendo-contact-panel-header">
        <h2>{t('contact.title')}</h2>
        <IonButton fill="clear" size="small" onClick={onClose} aria-label={t('contact.close')} data-testid="contact-panel-close">
          <IonIcon slot="icon-only" icon={close} aria-hidden="true" />
        </IonButton>
      </header>
      <div className="atendo-contact-panel-body">
        {(!entry || entry.status === 'loading') && (
          <div className="atendo-center" data-testid="contact-loading">
            <IonSpinner aria-label={t('contact.loading')} />
          </div>
        )}
        {entry?.status === 'error' && !contact && (
          <div className="atendo-empty" role="alert">
            <IonText color="medium">
              <p>{describeError(t, entry.error)}</p>
            </IonText>
            <IonButton fill="outline" size="small" onClick={() => void useContactStore.getState().open(contactId)}>
              {t('list.retry')}
            </IonButton>
          </div>
        )}
        {contact && (
          <>
            <div className="atendo-contact-profile">
              <Avatar id={contact.id} name={name} imageUrl={contact.avatar_url || undefined} />
              <div>
                <p className="atendo-contact-name" data-testid="contact-name">
                  {name}
                </p>
                <p className="atendo-contact-muted">
                  {t('contact.since', { date: formatDateTime(contact.created_at, i18n.language) })}
                </p>
                {contact.blocked && <span className="atendo-status-chip is-blocked">{t('contact.blocked')}</span>}
              </div>
            </div>
            <IdentityList contact={contact} />
            <ContactDetails contact={contact} />
          </>
        )}
        {entry && (
          <ContactConversations
            entry={entry}
            currentConversationId={conversationId}
            onOpenConversation={onOpenConversation}
            onLoadMore={() => void useContactStore.getState().loadMoreConversations(contactId)}
            onRetry={() => void useContactStore.getState().open(contactId)}
          />
        )}
      </div>
    </aside>
  );
}

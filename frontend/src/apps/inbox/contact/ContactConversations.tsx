import { IonButton, IonSpinner } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import type { Conversation } from '../../../shared/api/types';
import { describeError } from '../../../shared/i18n/errors';
import { ChannelIcon } from '../components/ChannelIcon';
import { formatListTime } from '../format';
import { useConversationListStore } from '../store/listStore';
import { useThreadStore } from '../store/threadStore';
import type { ContactEntry } from './contactStore';

interface ContactConversationsProps {
  entry: ContactEntry;
  currentConversationId: string;
  onOpenConversation: (id: string) => void;
  onLoadMore: () => void;
  onRetry: () => void;
}

/** The newer of two renderings of one conversation (the inbox's live copies move on). */
function fresher(fetched: Conversation, live: Conversation | null | undefined): Conversation {
  return live && live.updated_at >= fetched.updated_at ? live : fetched;
}

/** The contact's conversations the member may see, newest first; one click opens any of them. */
export function ContactConversations({
  entry,
  currentConversationId,
  onOpenConversation,
  onLoadMore,
  onRetry,
}: ContactConversationsProps) {
  const { t, i18n } = useTranslation('inbox');
  const listed = useConversationListStore((s) => s.byId);
  const threads = useThreadStore((s) => s.threads);

  return (
    <section className="atendo-contact-section" aria-labelledby="contact-conversations-title">
      <h3 id="contact-conversations-title">{t('contact.conversations')}</h3>
      {entry.conversationsStatus === 'loading' && (
        <div className="atendo-center">
          <IonSpinner name="dots" aria-label={t('contact.loadingConversations')} />
        </div>
      )}
      {entry.conversationsStatus === 'error' && (
        <div role="alert" className="atendo-contact-error">
          {describeError(t, entry.conversationsError)}{' '}
          <IonButton size="small" fill="clear" onClick={onRetry}>
            {t('list.retry')}
          </IonButton>
        </div>
      )}
      {entry.conversationsStatus === 'ready' && entry.conversations.length === 0 && (
        <p className="atendo-contact-muted">{t('contact.noConversations')}</p>
      )}
      <ul className="atendo-contact-conversations">
        {entry.conversations.map((fetched) => {
          const conversation = fresher(fetched, threads[fetched.id]?.conversation ?? listed[fetched.id]);
          const current = conversation.id === currentConversationId;
          return (
            <li key={conversation.id}>
              <button
                type="button"
                className={`atendo-contact-conversation${current ? ' is-current' : ''}`}
                onClick={() => onOpenConversation(conversation.id)}
                aria-current={current ? 'true' : undefined}
                data-testid="contact-conversation"
                data-conversation-id={conversation.id}
                data-status={conversation.status}
              >
                <span className="atendo-conv-line">
                  <ChannelIcon kind={conversation.account.kind} />
                  <span className="atendo-contact-conversation-account">{conversation.account.name}</span>
                  <time className="atendo-conv-time" dateTime={conversation.last_activity_at}>
                    {formatListTime(conversation.last_activity_at, i18n.language)}
                  </time>
                </span>
                <span className="atendo-conv-line">
                  <span className="atendo-conv-preview" data-testid="contact-conversation-preview">
                    {conversation.last_message_preview || t('list.noMessages')}
                  </span>
                  {current && <span className="atendo-contact-current">{t('contact.current')}</span>}
                  <span className={`atendo-status-chip is-${conversation.status}`}>{t(`status.${conversation.status}`)}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
      {entry.nextCursor && (
        <IonButton expand="block" fill="clear" size="small" disabled={entry.loadingMore} onClick={onLoadMore} data-testid="contact-conversations-more">
          {entry.loadingMore ? t('contact.loadingConversations') : t('contact.moreConversations')}
        </IonButton>
      )}
    </section>
  );
}

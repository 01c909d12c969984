import { IonContent, IonPage, IonText } from '@ionic/react';
import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useHistory, useRouteMatch } from 'react-router-dom';
import { AppHeader } from '../../../components/AppHeader';
import { selectCurrentMembership, useAuthStore } from '../../../shared/auth/store';
import { useRealtimeStream } from '../../../shared/realtime';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { ConversationList } from '../components/ConversationList';
import { ContactPanelHost } from '../contact/ContactPanelHost';
import { ConversationPane } from '../components/ConversationPane';
import { FilterBar } from '../components/FilterBar';
import { loadInboxData } from '../data';
import { bindInboxRealtime } from '../realtimeBindings';
import { useConversationListStore } from '../store/listStore';
import { useMediaQuery } from '../useMediaQuery';
import '../inbox.css';

/** Wide enough for the list and the conversation side by side (beside the app menu). */
export const SPLIT_QUERY = '(min-width: 992px)';

/**
 * The inbox: on desktop the list and the open conversation side by side; on phones the list,
 * and the conversation as its own screen (`/inbox/:conversationId`) with a back button.
 */
export default function InboxPage() {
  const { t } = useTranslation('inbox');
  const history = useHistory();
  const conversationId = useRouteMatch<{ conversationId: string }>('/inbox/:conversationId')?.params.conversationId ?? null;
  const split = useMediaQuery(SPLIT_QUERY);
  const tenant = useAuthStore((s) => s.tenantSlug);
  const memberId = useAuthStore((s) => selectCurrentMembership(s)?.id ?? null);
  useInboxData(tenant, memberId);
  const listStream = useRealtimeStream(tenant ? 'inbox' : null, () => useConversationListStore.getState().resync());

  // Phones stack the conversation over the list (back returns to it); the split view just
  // swaps the conversation shown, without piling up history entries.
  const openConversation = useCallback(
    (id: string) => (split ? history.replace(`/inbox/${id}`) : history.push(`/inbox/${id}`, { fromList: true })),
    [history, split],
  );
  const backToList = useCallback(() => {
    const state = history.location.state as { fromList?: boolean } | undefined;
    if (state?.fromList) history.goBack();
    else history.replace('/inbox');
  }, [history]);

  const showList = split || !conversationId;

  return (
    <IonPage data-testid="page-inbox">
      {showList && <AppHeader title={t('title')} />}
      <IonContent scrollY={false}>
        <div className={`atendo-inbox${split ? ' is-split' : ''}`}>
          {showList && (
            <section className="atendo-inbox-list" aria-label={t('list.label')}>
              <FilterBar />
              <ConnectionBanner status={listStream} />
              <ConversationList selectedId={conversationId} onOpen={openConversation} />
            </section>
          )}
          {(split || conversationId) && (
            <section className="atendo-inbox-detail">
              {conversationId && tenant ? (
                <ConversationPane conversationId={conversationId} tenant={tenant} onBack={split ? undefined : backToList} />
              ) : (
                <div className="atendo-empty" data-testid="no-conversation-selected">
                  <IonText color="medium">
                    <p>{t('conversation.none')}</p>
                  </IonText>
                </div>
              )}
            </section>
          )}
          {conversationId && tenant && <ContactPanelHost conversationId={conversationId} onOpenConversation={openConversation} />}
        </div>
      </IonContent>
    </IonPage>
  );
}

/** Loads the list, the directory and the live bindings for the current tenant and member. */
function useInboxData(tenant: string | null, memberId: string | null) {
  useEffect(() => bindInboxRealtime(), []);
  useEffect(() => loadInboxData(tenant, memberId), [tenant, memberId]);
}

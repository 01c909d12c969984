import { IonButton, IonContent, IonSpinner, IonText } from '@ionic/react';
import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../shared/api/types';
import { describeError } from '../../../shared/i18n/errors';
import { useRealtimeStream, type Subscription } from '../../../shared/realtime';
import { markConversationRead, sendTyping } from '../api';
import { memberName, useDirectoryStore } from '../store/directoryStore';
import { useConversationListStore } from '../store/listStore';
import { useThreadStore } from '../store/threadStore';
import { Composer } from './Composer';
import { ConnectionBanner } from './ConnectionBanner';
import { ConversationHeader } from './ConversationHeader';
import { MessageTimeline } from './MessageTimeline';
import { TypingIndicator } from './TypingIndicator';

interface ConversationPaneProps {
  conversationId: string;
  tenant: string;
  onBack?: () => void;
}

/** One conversation: header with actions, the live timeline, and the composer. */
export function ConversationPane({ conversationId, tenant, onBack }: ConversationPaneProps) {
  const { t } = useTranslation('inbox');
  const thread = useThreadStore((s) => s.threads[conversationId]);
  const myMemberId = useConversationListStore((s) => s.myMemberId);
  const subscription = useRef<Subscription | null>(null);
  const rememberSubscription = useCallback((s: Subscription | null) => {
    subscription.current = s;
  }, []);
  const gone = thread?.status === 'gone';
  const streamStatus = useRealtimeStream(
    gone ? null : `conversations/${conversationId}`,
    () => useThreadStore.getState().resync(conversationId),
    rememberSubscription,
  );

  useEffect(() => {
    void useThreadStore.getState().open(conversationId);
  }, [conversationId, tenant]);

  useUnreadReset(conversationId);

  const onTyping = useCallback(
    (typing: boolean) => {
      // The room socket carries typing; without it the REST endpoint does the same.
      if (!subscription.current?.send({ type: 'typing', typing })) void sendTyping(conversationId, typing).catch(() => undefined);
    },
    [conversationId],
  );
  const onSendAgain = useCallback(
    (message: Message) => useThreadStore.getState().retryDelivery(conversationId, message.id),
    [conversationId],
  );
  const onRetry = useCallback((clientId: string) => void useThreadStore.getState().retry(conversationId, clientId), [conversationId]);
  const onDiscard = useCallback((clientId: string) => useThreadStore.getState().discard(conversationId, clientId), [conversationId]);
  const onLoadOlder = useCallback(() => void useThreadStore.getState().loadOlder(conversationId), [conversationId]);
  const members = useDirectoryStore((s) => s.members);
  // The server's snapshot names nobody: fill names in from the member directory.
  const viewers = useMemo(
    () => Object.values(thread?.viewers ?? {}).map((v) => (v.name ? v : { ...v, name: memberName(members, v.memberId) })),
    [thread?.viewers, members],
  );

  if (!thread || thread.status === 'loading') {
    return (
      <div className="atendo-center" data-testid="conversation-loading">
        <IonSpinner aria-label={t('conversation.loading')} />
      </div>
    );
  }
  if (thread.status === 'gone' || (thread.status === 'error' && !thread.conversation)) {
    return (
      <IonContent className="ion-padding">
        <div className="atendo-empty" role="alert" data-testid="conversation-unavailable">
          <IonText color="medium">
            <p>{thread.status === 'gone' ? t('conversation.gone') : describeError(t, thread.error)}</p>
          </IonText>
          {thread.status === 'error' && (
            <IonButton fill="outline" onClick={() => void useThreadStore.getState().resync(conversationId)}>
              {t('list.retry')}
            </IonButton>
          )}
          {onBack && (
            <IonButton fill="clear" onClick={onBack}>
              {t('conversation.backToList')}
            </IonButton>
          )}
        </div>
      </IonContent>
    );
  }
  const conversation = thread.conversation;
  if (!conversation) return null;

  return (
    <div className="atendo-conversation" data-testid="conversation-pane" data-conversation-id={conversationId}>
      <ConversationHeader conversation={conversation} myMemberId={myMemberId} viewers={viewers} onBack={onBack} />
      <ConnectionBanner status={streamStatus} />
      <MessageTimeline
        messages={thread.messages}
        outbox={thread.outbox}
        hasMore={thread.hasMore}
        loadingOlder={thread.loadingOlder}
        onLoadOlder={onLoadOlder}
        onRetry={onRetry}
        onDiscard={onDiscard}
        onSendAgain={onSendAgain}
        footer={<TypingIndicator typing={thread.typing} />}
      />
      <Composer
        key={conversationId}
        tenant={tenant}
        conversationId={conversationId}
        onSend={(request) => void useThreadStore.getState().send(conversationId, request)}
        onTyping={onTyping}
      />
    </div>
  );
}

/**
 * While a conversation is on screen its unread count goes to zero: once when it opens and
 * again whenever the contact writes while the agent is looking (page visible).
 */
function useUnreadReset(conversationId: string) {
  const unread = useConversationListStore((s) => s.byId[conversationId]?.unread_count ?? 0);
  const threadUnread = useThreadStore((s) => s.threads[conversationId]?.conversation?.unread_count ?? 0);
  const pending = unread > 0 || threadUnread > 0;
  const visible = usePageVisible();
  useEffect(() => {
    if (!pending || !visible) return;
    const timer = setTimeout(() => void markConversationRead(conversationId).catch(() => undefined), 400);
    return () => clearTimeout(timer);
  }, [conversationId, pending, visible]);
}

function usePageVisible(): boolean {
  return useSyncExternalStore(
    (notify) => {
      document.addEventListener('visibilitychange', notify);
      return () => document.removeEventListener('visibilitychange', notify);
    },
    () => document.visibilityState !== 'hidden',
    () => true,
  );
}

import { IonIcon, IonSpinner } from '@ionic/react';
import { arrowDown } from 'ionicons/icons';
import { Fragment, type ReactNode, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../shared/api/types';
import { dayKey, formatDay } from '../format';
import type { OutgoingMessage } from '../store/threadStore';
import { MessageBubble } from './MessageBubble';
import { OutgoingBubble } from './OutgoingBubble';

/** Within this many pixels of an edge counts as "at" it. */
const EDGE_PX = 120;

interface MessageTimelineProps {
  messages: Message[];
  outbox: OutgoingMessage[];
  hasMore: boolean;
  loadingOlder: boolean;
  onLoadOlder: () => void;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
  onSendAgain: (message: Message) => Promise<unknown>;
  footer?: ReactNode;
}

/**
 * The conversation, oldest at the top. Scrolling near the top loads older messages without
 * moving what is on screen; new messages scroll into view only when the reader is at the
 * bottom, otherwise a button offers to jump there.
 */
export function MessageTimeline({
  messages,
  outbox,
  hasMore,
  loadingOlder,
  onLoadOlder,
  onRetry,
  onDiscard,
  onSendAgain,
  footer,
}: MessageTimelineProps) {
  const { t, i18n } = useTranslation('inbox');
  const scrollerRef = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  const heightBeforeRef = useRef<{ height: number; top: number; firstId: string | undefined } | null>(null);
  const [unseen, setUnseen] = useState(0);
  const lastId = outbox.at(-1)?.clientId ?? messages.at(-1)?.id;
  const firstId = messages[0]?.id;
  const previousLastId = useRef<string | undefined>(undefined);

  // Older messages were prepended: keep the same message under the reader's eye.
  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    const before = heightBeforeRef.current;
    if (!scroller || !before || before.firstId === firstId) return;
    scroller.scrollTop = before.top + (scroller.scrollHeight - before.height);
    heightBeforeRef.current = null;
  }, [firstId]);

  // Something new at the end: follow it if the reader was at the bottom, else count it.
  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller || lastId === previousLastId.current) return;
    const first = previousLastId.current === undefined;
    previousLastId.current = lastId;
    const mine = outbox.length > 0 && outbox.at(-1)?.clientId === lastId;
    if (first || atBottomRef.current || mine) {
      scroller.scrollTop = scroller.scrollHeight;
      setUnseen(0);
    } else {
      setUnseen((n) => n + 1);
    }
  }, [lastId, outbox]);

  const maybeLoadOlder = useCallback(() => {
    const scroller = scrollerRef.current;
    if (!scroller || !hasMore || loadingOlder || scroller.scrollTop > EDGE_PX) return;
    heightBeforeRef.current = { height: scroller.scrollHeight, top: scroller.scrollTop, firstId };
    onLoadOlder();
  }, [hasMore, loadingOlder, onLoadOlder, firstId]);

  // A short first page may not fill the screen, so no scroll event would ever ask for more.
  useEffect(() => {
    const scroller = scrollerRef.current;
    if (scroller && scroller.scrollHeight > 0 && scroller.scrollHeight <= scroller.clientHeight) maybeLoadOlder();
  }, [maybeLoadOlder, messages.length]);

  const onScroll = () => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    atBottomRef.current = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < EDGE_PX;
    if (atBottomRef.current) setUnseen(0);
    maybeLoadOlder();
  };

  const jumpToBottom = () => {
    const scroller = scrollerRef.current;
    setUnseen(0);
    if (!scroller) return;
    if (typeof scroller.scrollTo === 'function') scroller.scrollTo({ top: scroller.scrollHeight, behavior: 'smooth' });
    else scroller.scrollTop = scroller.scrollHeight;
  };

  return (
    <div className="atendo-timeline-wrap">
      <div ref={scrollerRef} className="atendo-timeline" onScroll={onScroll} data-testid="timeline" role="log" aria-live="polite">
        {loadingOlder && (
          <div className="atendo-timeline-loading">
            <IonSpinner name="dots" aria-label={t('conversation.loadingOlder')} />
          </div>
        )}
        {!hasMore && messages.length > 0 && <div className="atendo-timeline-start">{t('conversation.start')}</div>}
        {messages.map((message, index) => {
          const previous = messages[index - 1];
          const separator = !previous || dayKey(previous.created_at) !== dayKey(message.created_at);
          return (
            <Fragment key={message.id}>
              {separator && <div className="atendo-day">{formatDay(message.created_at, i18n.language)}</div>}
              <MessageBubble message={message} onSendAgain={onSendAgain} />
            </Fragment>
          );
        })}
        {outbox.map((outgoing) => (
          <OutgoingBubble key={outgoing.clientId} outgoing={outgoing} onRetry={onRetry} onDiscard={onDiscard} />
        ))}
        {footer}
      </div>
      {unseen > 0 && (
        <button type="button" className="atendo-jump-bottom" onClick={jumpToBottom} data-testid="jump-to-latest">
          <IonIcon icon={arrowDown} aria-hidden="true" />
          {t('conversation.newMessages', { count: unseen })}
        </button>
      )}
    </div>
  );
}

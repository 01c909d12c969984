import { IonButton, IonIcon } from '@ionic/react';
import { lockClosed } from 'ionicons/icons';
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../shared/api/types';
import { describeError } from '../../../shared/i18n/errors';
import { formatDateTime, formatTime } from '../format';
import { AttachmentView } from './AttachmentView';
import { DeliveryTicks } from './DeliveryTicks';

interface MessageBubbleProps {
  message: Message;
  /** Offered on a reply the provider refused: queues the same message again (it cannot
   * duplicate). Resolves to why the retry was refused, or null. */
  onSendAgain?: (message: Message) => Promise<unknown> | void;
}

/** One message: the contact's on the left, ours on the right, notes in yellow, events centred. */
export const MessageBubble = memo(function MessageBubble({ message, onSendAgain }: MessageBubbleProps) {
  const { t, i18n } = useTranslation('inbox');
  const [retryError, setRetryError] = useState<unknown>(null);
  const time = (
    <time dateTime={message.created_at} title={formatDateTime(message.created_at, i18n.language)}>
      {formatTime(message.created_at, i18n.language)}
    </time>
  );

  if (message.kind === 'system') {
    return (
      <div className="atendo-system-event" data-testid="message" data-kind="system">
        <span>{message.body}</span> {time}
      </div>
    );
  }

  const isNote = message.kind === 'note';
  const side = message.direction === 'in' ? 'in' : 'out';
  const failed = message.delivery_status === 'failed';
  return (
    <div className={`atendo-bubble-row is-${side}`}>
      <div
        className={`atendo-bubble is-${side}${isNote ? ' is-note' : ''}${failed ? ' is-failed' : ''}`}
        data-testid="message"
        data-kind={message.kind}
        data-direction={message.direction}
        data-message-id={message.id}
      >
        {isNote && (
          <div className="atendo-note-label">
            <IonIcon icon={lockClosed} aria-hidden="true" /> {t('message.privateNote')}
          </div>
        )}
        {side === 'out' && message.author && <div className="atendo-bubble-author">{message.author.display_name}</div>}
        {message.attachments.map((attachment) => (
          <AttachmentView key={attachment.id} attachment={attachment} />
        ))}
        {message.body && (
          <div className="atendo-bubble-text" data-testid="message-text">
            {message.body}
          </div>
        )}
        <div className="atendo-bubble-meta">
          {time}
          {message.delivery_status && <DeliveryTicks status={message.delivery_status} />}
        </div>
      </div>
      {failed && (
        <div className="atendo-delivery-error" role="alert" data-testid="delivery-error">
          <span>
            {t('delivery.failedReason', {
              reason: message.error_message || message.error_code || t('delivery.unknownReason'),
            })}
          </span>
          {onSendAgain && (
            <IonButton
              size="small"
              fill="clear"
              onClick={() => void Promise.resolve(onSendAgain(message)).then((refusal) => setRetryError(refusal ?? null))}
              data-testid="send-again"
            >
              {t('delivery.sendAgain')}
            </IonButton>
          )}
          {retryError != null && <span data-testid="send-again-error">{describeError(t, retryError)}</span>}
        </div>
      )}
    </div>
  );
});

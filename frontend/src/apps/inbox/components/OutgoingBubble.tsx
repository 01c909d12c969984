import { IonButton, IonIcon } from '@ionic/react';
import { alertCircle, lockClosed, timeOutline } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../shared/i18n/errors';
import { FILES_LOST, INTERRUPTED, type OutgoingMessage } from '../store/threadStore';

interface OutgoingBubbleProps {
  outgoing: OutgoingMessage;
  onRetry: (clientId: string) => void;
  onDiscard: (clientId: string) => void;
}

/** A message shown before the server confirmed it: sending (with upload progress) or failed. */
export function OutgoingBubble({ outgoing, onRetry, onDiscard }: OutgoingBubbleProps) {
  const { t } = useTranslation('inbox');
  const failed = outgoing.state === 'failed';
  const reason =
    outgoing.error === INTERRUPTED
      ? t('outbox.interrupted')
      : outgoing.error === FILES_LOST
        ? t('outbox.filesLost')
        : describeError(t, outgoing.error);
  const canRetry = failed && !(outgoing.error === FILES_LOST && outgoing.files.length === 0);
  return (
    <div className="atendo-bubble-row is-out">
      <div
        className={`atendo-bubble is-out is-pending${outgoing.private ? ' is-note' : ''}${failed ? ' is-failed' : ''}`}
        data-testid="outgoing-message"
        data-state={outgoing.state}
        data-client-id={outgoing.clientId}
      >
        {outgoing.private && (
          <div className="atendo-note-label">
            <IonIcon icon={lockClosed} aria-hidden="true" /> {t('message.privateNote')}
          </div>
        )}
        {outgoing.files.map((file) => (
          <div key={file.name} className="atendo-attachment">
            {file.name}
          </div>
        ))}
        {outgoing.body && <div className="atendo-bubble-text">{outgoing.body}</div>}
        {outgoing.progress !== null && !failed && (
          <progress className="atendo-upload-progress" value={outgoing.progress} max={1} aria-label={t('outbox.uploading')} />
        )}
        <div className="atendo-bubble-meta">
          <IonIcon
            icon={failed ? alertCircle : timeOutline}
            className={`atendo-ticks ${failed ? 'is-failed' : 'is-queued'}`}
            role="img"
            aria-label={failed ? t('outbox.failed') : t('outbox.sending')}
          />
        </div>
      </div>
      {failed && (
        <div className="atendo-delivery-error" role="alert" data-testid="outgoing-error">
          <span>{t('outbox.notSent', { reason })}</span>
          {canRetry && (
            <IonButton size="small" fill="clear" onClick={() => onRetry(outgoing.clientId)} data-testid="outgoing-retry">
              {t('outbox.retry')}
            </IonButton>
          )}
          <IonButton size="small" fill="clear" color="medium" onClick={() => onDiscard(outgoing.clientId)} data-testid="outgoing-discard">
            {t('outbox.discard')}
          </IonButton>
        </div>
      )}
    </div>
  );
}

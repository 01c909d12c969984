import { IonButton, IonIcon, IonSpinner } from '@ionic/react';
import { lockClosedOutline, send } from 'ionicons/icons';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TicketComment } from '../../../shared/api/types';
import { describeError } from '../../../shared/i18n/errors';
import { SegmentedControl } from '../../inbox/components/SegmentedControl';
import { formatDateTime } from '../../inbox/format';
import { useTicketDetailStore } from '../store/detailStore';

const DRAFT_PREFIX = 'atendo.tickets.draft.';

function readDraft(ticketId: string): string {
  try {
    return localStorage.getItem(DRAFT_PREFIX + ticketId) ?? '';
  } catch {
    return '';
  }
}

function writeDraft(ticketId: string, text: string) {
  try {
    if (text) localStorage.setItem(DRAFT_PREFIX + ticketId, text);
    else localStorage.removeItem(DRAFT_PREFIX + ticketId);
  } catch {
    // Full or private storage: the draft lives as long as the page.
  }
}

function CommentItem({ comment }: { comment: TicketComment }) {
  const { t, i18n } = useTranslation('tickets');
  const when = <time dateTime={comment.created_at}>{formatDateTime(comment.created_at, i18n.language)}</time>;
  if (comment.system) {
    return (
      <li className="atendo-tk-comment is-system" data-testid="ticket-comment" data-kind="system">
        <span>{comment.body}</span> {when}
      </li>
    );
  }
  const kind = comment.internal ? 'internal' : comment.by_requester ? 'requester' : 'public';
  return (
    <li className={`atendo-tk-comment is-${kind}`} data-testid="ticket-comment" data-kind={kind}>
      <div className="atendo-tk-comment-head">
        <strong>{comment.by_requester ? t('comments.requester') : (comment.author?.display_name ?? t('comments.someone'))}</strong>
        {comment.internal && (
          <span className="atendo-tk-comment-note">
            <IonIcon icon={lockClosedOutline} aria-hidden="true" /> {t('comments.internal')}
          </span>
        )}
        {when}
      </div>
      <div className="atendo-tk-comment-body">{comment.body}</div>
    </li>
  );
}

interface CommentThreadProps {
  ticketId: string;
  comments: TicketComment[];
  cut: boolean;
  canWrite: boolean;
}

/** The ticket's conversation: comments, internal notes and status/transfer events, then the composer. */
export function CommentThread({ ticketId, comments, cut, canWrite }: CommentThreadProps) {
  const { t } = useTranslation('tickets');
  const [text, setText] = useState(() => readDraft(ticketId));
  const [internal, setInternal] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => writeDraft(ticketId, text), [ticketId, text]);

  async function submit() {
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    setError(null);
    try {
      await useTicketDetailStore.getState().comment(ticketId, body, internal);
      setText('');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="atendo-tk-comments">
      {cut && <p className="atendo-tk-muted">{t('comments.cut')}</p>}
      {comments.length === 0 ? (
        <p className="atendo-tk-muted">{t('comments.empty')}</p>
      ) : (
        <ol className="atendo-tk-comment-list" data-testid="ticket-comments">
          {comments.map((comment) => (
            <CommentItem key={comment.id} comment={comment} />
          ))}
        </ol>
      )}
      {canWrite && (
        <form
          className={`atendo-tk-composer${internal ? ' is-note' : ''}`}
          onSubmit={(event) => {
            event.preventDefault();
            void submit();
          }}
        >
          <SegmentedControl
            aria-label={t('comments.kind')}
            className="atendo-tk-composer-mode"
            value={internal ? 'internal' : 'public'}
            options={[
              { value: 'public', label: t('comments.public'), testId: 'comment-mode-public' },
              { value: 'internal', label: t('comments.internal'), testId: 'comment-mode-internal' },
            ]}
            onChange={(value) => setInternal(value === 'internal')}
          />
          <textarea
            value={text}
            rows={3}
            maxLength={20_000}
            placeholder={internal ? t('comments.notePlaceholder') : t('comments.placeholder')}
            aria-label={internal ? t('comments.notePlaceholder') : t('comments.placeholder')}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                void submit();
              }
            }}
            data-testid="comment-input"
          />
          {error !== null && (
            <p className="atendo-tk-error" role="alert">
              {describeError(t, error)}
            </p>
          )}
          <div className="atendo-tk-composer-actions">
            <span className="atendo-tk-muted">{t('comments.hint')}</span>
            <IonButton type="submit" size="small" disabled={busy || !text.trim()} data-testid="comment-send">
              {busy ? <IonSpinner name="dots" /> : <IonIcon slot="start" icon={send} aria-hidden="true" />}
              {internal ? t('comments.addNote') : t('comments.send')}
            </IonButton>
          </div>
        </form>
      )}
    </div>
  );
}

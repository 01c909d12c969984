import { IonButton, IonButtons, IonContent, IonHeader, IonIcon, IonSpinner, IonText, IonTitle, IonToolbar } from '@ionic/react';
import { arrowBack, chatbubblesOutline, close, personAddOutline, personRemoveOutline, shareOutline, swapHorizontalOutline } from 'ionicons/icons';
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError } from '../../../shared/api';
import type { TicketComment, TicketDetail as TicketDetailData, TicketSla, TicketTransferRequest } from '../../../shared/api/types';
import { describeError } from '../../../shared/i18n/errors';
import { formatDateTime } from '../../inbox/format';
import { transferTicket } from '../api';
import { useTicketDetailStore } from '../store/detailStore';
import { effectiveTicket, useTicketsStore } from '../store/ticketsStore';
import { AssignModal } from './AssignModal';
import { AssignmentHistory } from './AssignmentHistory';
import { PriorityChip, StatusChip } from './Chips';
import { CommentThread } from './CommentThread';
import { MoveSheet } from './MoveSheet';
import { SlaTimers } from './SlaTimers';
import { TransferModal } from './TransferModal';
import { useMoveTicket } from './useMoveTicket';

interface TicketDetailProps {
  ticketId: string;
  myMemberId: string | null;
  /** Phones: back to the board or list. */
  onBack?: () => void;
  /** Desktop: close the side panel. */
  onClose?: () => void;
}

type Modal = 'none' | 'assign' | 'transfer';

/** One ticket: status, SLA timers, fields, assignment history, comments; assign and transfer. */
export function TicketDetail({ ticketId, myMemberId, onBack, onClose }: TicketDetailProps) {
  const { t } = useTranslation('tickets');
  const thread = useTicketDetailStore((s) => s.threads[ticketId]);

  useEffect(() => {
    void useTicketDetailStore.getState().open(ticketId);
  }, [ticketId]);

  const header = (title: ReactNode) => (
    <IonHeader className="atendo-tk-detail-header">
      <IonToolbar>
        {onBack && (
          <IonButtons slot="start">
            <IonButton onClick={onBack} aria-label={t('detail.back')} data-testid="ticket-back">
              <IonIcon slot="icon-only" icon={arrowBack} aria-hidden="true" />
            </IonButton>
          </IonButtons>
        )}
        <IonTitle>{title}</IonTitle>
        {onClose && (
          <IonButtons slot="end">
            <IonButton onClick={onClose} aria-label={t('detail.close')} data-testid="ticket-close">
              <IonIcon slot="icon-only" icon={close} aria-hidden="true" />
            </IonButton>
          </IonButtons>
        )}
      </IonToolbar>
    </IonHeader>
  );

  if (!thread || thread.status === 'loading') {
    return (
      <div className="atendo-tk-detail">
        {header(t('detail.title'))}
        <div className="atendo-center" data-testid="ticket-loading">
          <IonSpinner aria-label={t('detail.loading')} />
        </div>
      </div>
    );
  }
  if (thread.status === 'gone' || !thread.ticket) {
    return (
      <div className="atendo-tk-detail">
        {header(t('detail.title'))}
        <IonContent className="ion-padding">
          <div className="atendo-empty" role="alert" data-testid="ticket-unavailable">
            <IonText color="medium">
              <p>{thread.status === 'gone' ? t('detail.gone') : describeError(t, thread.error)}</p>
            </IonText>
            {thread.status === 'error' && (
              <IonButton fill="outline" onClick={() => void useTicketDetailStore.getState().open(ticketId)}>
                {t('list.retry')}
              </IonButton>
            )}
          </div>
        </IonContent>
      </div>
    );
  }
  return (
    <div className="atendo-tk-detail" data-testid="ticket-detail" data-ticket-id={ticketId}>
      {header(t('detail.number', { number: thread.ticket.number }))}
      <LoadedTicket
        key={ticketId}
        ticket={thread.ticket}
        myMemberId={myMemberId}
        sla={thread.sla}
        slaReadAt={thread.slaReadAt}
        comments={thread.comments}
        commentsCut={thread.commentsCut}
      />
    </div>
  );
}

interface LoadedTicketProps {
  ticket: TicketDetailData;
  myMemberId: string | null;
  sla: TicketSla | null;
  slaReadAt: number;
  comments: TicketComment[];
  commentsCut: boolean;
}

function LoadedTicket({ ticket: stored, myMemberId, sla, slaReadAt, comments, commentsCut }: LoadedTicketProps) {
  const { t, i18n } = useTranslation('tickets');
  const id = stored.id;
  const pending = useTicketsStore((s) => s.pending[id]);
  const refusal = useTicketsStore((s) => (s.refusal?.ticketId === id ? s.refusal : null));
  const ticket = effectiveTicket(stored, pending);
  const { move, announcement } = useMoveTicket();
  const [sheet, setSheet] = useState(false);
  const [modal, setModal] = useState<Modal>('none');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const mine = ticket.assignee?.id === myMemberId;
  const closed = ticket.status === 'closed';

  async function transfer(request: TicketTransferRequest): Promise<boolean> {
    setBusy(true);
    setError(null);
    try {
      const updated = await transferTicket(id, request);
      useTicketDetailStore.getState().applyTicket(updated);
      useTicketsStore.getState().applyTicket(updated);
      setModal('none');
      return true;
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 404) {
        // Handed to a unit outside the member's scope: no longer theirs to see.
        setModal('none');
        useTicketsStore.getState().removeTicket(id);
        useTicketDetailStore.getState().markGone(id);
        return true;
      }
      setError(caught);
      return false;
    } finally {
      setBusy(false);
    }
  }

  const dateField = (iso: string | null) => (iso ? <time dateTime={iso}>{formatDateTime(iso, i18n.language)}</time> : '—');

  return (
    <div className="atendo-tk-detail-scroll">
      <section className="atendo-tk-detail-top">
        <h2 className="atendo-tk-detail-subject" data-testid="ticket-detail-subject">
          {ticket.subject}
        </h2>
        <div className="atendo-tk-detail-chips">
          <StatusChip status={ticket.status} />
          {pending && <IonSpinner name="dots" aria-label={t('move.saving')} />}
          <PriorityChip priority={ticket.priority} always />
        </div>
        <div className="atendo-tk-detail-actions">
          <IonButton
            size="small"
            fill="outline"
            // The server lists no move for this member (closed, or not theirs to manage).
            disabled={Boolean(pending) || ticket.allowed_statuses?.length === 0}
            onClick={() => setSheet(true)}
            data-testid="ticket-change-status"
          >
            <IonIcon slot="start" icon={swapHorizontalOutline} aria-hidden="true" />
            {t('actions.changeStatus')}
          </IonButton>
          {!mine && myMemberId && !closed && (
            <IonButton
              size="small"
              fill="outline"
              disabled={busy}
              onClick={() => void transfer({ assignee: myMemberId, reason: t('assign.toMeReason') })}
              data-testid="ticket-assign-me"
            >
              <IonIcon slot="start" icon={personAddOutline} aria-hidden="true" />
              {t('actions.assignToMe')}
            </IonButton>
          )}
          {!closed && (
            <>
              <IonButton size="small" fill="outline" onClick={() => setModal('assign')} data-testid="ticket-assign">
                {t('actions.assign')}
              </IonButton>
              {ticket.assignee && (
                <IonButton
                  size="small"
                  fill="outline"
                  disabled={busy}
                  onClick={() => void transfer({ assignee: null, reason: t('assign.unassignReason') })}
                  data-testid="ticket-unassign"
                >
                  <IonIcon slot="start" icon={personRemoveOutline} aria-hidden="true" />
                  {t('actions.unassign')}
                </IonButton>
              )}
              <IonButton size="small" fill="outline" onClick={() => setModal('transfer')} data-testid="ticket-transfer">
                <IonIcon slot="start" icon={shareOutline} aria-hidden="true" />
                {t('actions.transfer')}
              </IonButton>
            </>
          )}
        </div>
        <div className="atendo-sr-only" aria-live="polite">
          {announcement}
        </div>
        {refusal && (
          <div className="atendo-action-error" role="alert" data-testid="ticket-move-refused">
            <span>{describeError(t, refusal.error)}</span>
            <IonButton size="small" fill="clear" color="danger" onClick={() => useTicketsStore.getState().dismissRefusal()}>
              {t('actions.dismiss')}
            </IonButton>
          </div>
        )}
        {error !== null && modal === 'none' && (
          <div className="atendo-action-error" role="alert" data-testid="ticket-action-error">
            <span>{describeError(t, error)}</span>
            <IonButton size="small" fill="clear" color="danger" onClick={() => setError(null)}>
              {t('actions.dismiss')}
            </IonButton>
          </div>
        )}
      </section>

      <section className="atendo-tk-section" aria-labelledby="tk-sla">
        <h3 id="tk-sla">{t('detail.sla')}</h3>
        <SlaTimers sla={sla} readAt={slaReadAt} />
      </section>

      <section className="atendo-tk-section" aria-labelledby="tk-fields">
        <h3 id="tk-fields">{t('detail.fields')}</h3>
        <dl className="atendo-tk-fields">
          <dt>{t('fields.requester')}</dt>
          <dd>{ticket.requester?.name ?? '—'}</dd>
          <dt>{t('fields.assignee')}</dt>
          <dd data-testid="ticket-assignee">{ticket.assignee?.display_name ?? t('fields.unassigned')}</dd>
          <dt>{t('fields.department')}</dt>
          <dd data-testid="ticket-department">{ticket.department?.name ?? '—'}</dd>
          <dt>{t('fields.team')}</dt>
          <dd>{ticket.team?.name ?? '—'}</dd>
          <dt>{t('fields.created')}</dt>
          <dd>{dateField(ticket.created_at)}</dd>
          <dt>{t('fields.updated')}</dt>
          <dd>{dateField(stored.updated_at)}</dd>
          <dt>{t('fields.firstResponse')}</dt>
          <dd>{dateField(ticket.first_responded_at)}</dd>
          <dt>{t('fields.solved')}</dt>
          <dd>{dateField(ticket.solved_at)}</dd>
          {ticket.tags.length > 0 && (
            <>
              <dt>{t('fields.tags')}</dt>
              <dd>{ticket.tags.join(', ')}</dd>
            </>
          )}
          {ticket.conversation_id && (
            <>
              <dt>{t('fields.conversation')}</dt>
              <dd>
                <Link to={`/inbox/${ticket.conversation_id}`} data-testid="ticket-conversation-link">
                  <IonIcon icon={chatbubblesOutline} aria-hidden="true" /> {t('detail.openConversation')}
                </Link>
              </dd>
            </>
          )}
        </dl>
        {ticket.description && (
          <div className="atendo-tk-description" data-testid="ticket-description">
            {ticket.description}
          </div>
        )}
      </section>

      <section className="atendo-tk-section" aria-labelledby="tk-history">
        <h3 id="tk-history">{t('detail.history')}</h3>
        <AssignmentHistory assignments={stored.assignments} />
      </section>

      <section className="atendo-tk-section" aria-labelledby="tk-comments">
        <h3 id="tk-comments">{t('detail.comments')}</h3>
        <CommentThread key={id} ticketId={id} comments={comments} cut={commentsCut} canWrite={!closed} />
      </section>

      <MoveSheet
        ticket={sheet ? ticket : null}
        onClose={() => setSheet(false)}
        onMove={(to) => {
          setSheet(false);
          void move(id, to, stored);
        }}
      />
      <AssignModal
        isOpen={modal === 'assign'}
        busy={busy}
        error={modal === 'assign' ? error : null}
        currentAssigneeId={ticket.assignee?.id ?? null}
        onClose={() => {
          setModal('none');
          setError(null);
        }}
        onAssign={(memberId, note) => void transfer({ assignee: memberId, reason: note || t('assign.defaultReason') })}
      />
      <TransferModal
        isOpen={modal === 'transfer'}
        busy={busy}
        error={modal === 'transfer' ? error : null}
        departmentId={ticket.department?.id ?? null}
        onClose={() => {
          setModal('none');
          setError(null);
        }}
        onTransfer={(request) => void transfer(request)}
      />
    </div>
  );
}

import { IonActionSheet, IonButton, IonButtons, IonHeader, IonIcon, IonToolbar } from '@ionic/react';
import { arrowBack, checkmarkCircleOutline, ellipsisVertical, personAdd } from 'ionicons/icons';
import { Suspense, lazy, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Conversation } from '../../../shared/api/types';
import { describeError } from '../../../shared/i18n/errors';
import { ContactPanelToggle } from '../contact/ContactPanelToggle';
import { formatDateTime } from '../format';
import { SNOOZE_PRESETS, snoozeUntil } from '../snooze';
import { useDirectoryStore } from '../store/directoryStore';
import type { Viewer } from '../store/threadStore';
import { AssignModal } from './AssignModal';
import { Avatar } from './Avatar';
import { ChannelIcon } from './ChannelIcon';
import { TransferModal } from './TransferModal';
import { useConversationActions } from './useConversationActions';
import { ViewersBar } from './ViewersBar';

// The tickets app's form, fetched (with its translations) only when an agent opens it.
const CreateTicketModal = lazy(() => import('../../tickets/components/CreateTicketModal'));

interface ConversationHeaderProps {
  conversation: Conversation;
  myMemberId: string | null;
  viewers: Viewer[];
  /** Phones: back to the list. */
  onBack?: () => void;
}

type Sheet = 'none' | 'more' | 'snooze';
type Modal = 'none' | 'assign' | 'transfer' | 'ticket';

export function ConversationHeader({ conversation, myMemberId, viewers, onBack }: ConversationHeaderProps) {
  const { t, i18n } = useTranslation('inbox');
  const actions = useConversationActions(conversation.id);
  const [sheet, setSheet] = useState<Sheet>('none');
  const [modal, setModal] = useState<Modal>('none');
  const departments = useDirectoryStore((s) => s.departments);
  const teams = useDirectoryStore((s) => s.teams);
  const department = departments.find((d) => d.id === conversation.department_id)?.name;
  const team = teams.find((x) => x.id === conversation.team_id)?.name;
  const resolved = conversation.status === 'resolved';
  const mine = conversation.assignee?.id === myMemberId;
  const name = conversation.contact.name || t('list.unnamedContact');

  return (
    <IonHeader className="atendo-conv-header">
      <IonToolbar>
        {onBack && (
          <IonButtons slot="start">
            <IonButton onClick={onBack} aria-label={t('conversation.back')} data-testid="conversation-back">
              <IonIcon slot="icon-only" icon={arrowBack} aria-hidden="true" />
            </IonButton>
          </IonButtons>
        )}
        <div className="atendo-conv-title">
          <Avatar id={conversation.contact.id} name={name} imageUrl={conversation.contact.avatar_url || undefined} />
          <div className="atendo-conv-title-text">
            <h2>
              <span data-testid="conversation-title">{name}</span>{' '}
              <span className={`atendo-status-chip is-${conversation.status}`} data-testid="conversation-status">
                {t(`status.${conversation.status}`)}
              </span>
            </h2>
            <p>
              <ChannelIcon kind={conversation.account.kind} /> {conversation.account.name}
              {' · '}
              <span data-testid="conversation-assignee">
                {conversation.assignee
                  ? t('list.assignedTo', { name: conversation.assignee.display_name })
                  : t('list.unassigned')}
              </span>
              {(department || team) && <> · {[department, team].filter(Boolean).join(' / ')}</>}
              {conversation.status === 'snoozed' && conversation.snoozed_until && (
                <> · {t('conversation.snoozedUntil', { when: formatDateTime(conversation.snoozed_until, i18n.language) })}</>
              )}
            </p>
          </div>
        </div>
        <IonButtons slot="end">
          <ViewersBar viewers={viewers} />
          {!mine && myMemberId && (
            <IonButton
              onClick={() => void actions.assignTo(myMemberId)}
              disabled={actions.busy}
              data-testid="assign-to-me"
              title={t('actions.assignToMe')}
            >
              <IonIcon slot="start" icon={personAdd} aria-hidden="true" />
              <span className="atendo-hide-narrow">{t('actions.assignToMe')}</span>
            </IonButton>
          )}
          <IonButton
            onClick={() => void actions.setStatus(resolved ? 'open' : 'resolved')}
            disabled={actions.busy}
            data-testid={resolved ? 'reopen' : 'resolve'}
            title={resolved ? t('actions.reopen') : t('actions.resolve')}
          >
            <IonIcon slot="start" icon={checkmarkCircleOutline} aria-hidden="true" />
            <span className="atendo-hide-narrow">{resolved ? t('actions.reopen') : t('actions.resolve')}</span>
          </IonButton>
          <ContactPanelToggle />
          <IonButton onClick={() => setSheet('more')} aria-label={t('actions.more')} data-testid="conversation-more">
            <IonIcon slot="icon-only" icon={ellipsisVertical} aria-hidden="true" />
          </IonButton>
        </IonButtons>
      </IonToolbar>

      <IonActionSheet
        isOpen={sheet === 'more'}
        onDidDismiss={() => setSheet((s) => (s === 'more' ? 'none' : s))}
        header={t('actions.more')}
        buttons={[
          { text: t('actions.assignTo'), handler: () => setModal('assign') },
          { text: t('actions.transfer'), handler: () => setModal('transfer') },
          { text: t('actions.createTicket'), handler: () => setModal('ticket'), htmlAttributes: { 'data-testid': 'create-ticket' } },
          ...(conversation.status !== 'pending'
            ? [{ text: t('actions.markPending'), handler: () => void actions.setStatus('pending') }]
            : []),
          { text: t('actions.snooze'), handler: () => setSheet('snooze') },
          ...(conversation.status !== 'open' ? [{ text: t('actions.reopen'), handler: () => void actions.setStatus('open') }] : []),
          { text: t('actions.cancel'), role: 'cancel' },
        ]}
      />
      <IonActionSheet
        isOpen={sheet === 'snooze'}
        onDidDismiss={() => setSheet('none')}
        header={t('actions.snoozeUntil')}
        buttons={[
          ...SNOOZE_PRESETS.map((preset) => ({
            text: t(`snooze.${preset}`),
            handler: () => void actions.setStatus('snoozed', snoozeUntil(preset)),
          })),
          { text: t('actions.cancel'), role: 'cancel' },
        ]}
      />
      <AssignModal
        isOpen={modal === 'assign'}
        currentAssigneeId={conversation.assignee?.id ?? null}
        onClose={() => setModal('none')}
        onAssign={(memberId) => {
          setModal('none');
          void actions.assignTo(memberId);
        }}
      />
      <TransferModal
        isOpen={modal === 'transfer'}
        busy={actions.busy}
        onClose={() => setModal('none')}
        onTransfer={async (target) => {
          if (await actions.transfer(target)) setModal('none');
        }}
      />
      {modal === 'ticket' && (
        <Suspense fallback={null}>
          <CreateTicketModal
            isOpen
            onClose={() => setModal('none')}
            source={{
              conversationId: conversation.id,
              contactName: name,
              departmentId: conversation.department_id,
              teamId: conversation.team_id,
              preview: conversation.last_message_preview,
            }}
          />
        </Suspense>
      )}
      {actions.error !== null && (
        <div className="atendo-action-error" role="alert" data-testid="action-error">
          <span>{describeError(t, actions.error)}</span>
          <IonButton size="small" fill="clear" color="danger" onClick={actions.clearError}>
            {t('actions.dismiss')}
          </IonButton>
        </div>
      )}
    </IonHeader>
  );
}

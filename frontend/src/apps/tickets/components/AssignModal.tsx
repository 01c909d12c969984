import { IonButton, IonButtons, IonContent, IonHeader, IonModal, IonTitle, IonToolbar } from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../shared/i18n/errors';
import { MemberPicker } from '../../../components/MemberPicker';

interface AssignModalProps {
  isOpen: boolean;
  busy: boolean;
  error: unknown;
  currentAssigneeId: string | null;
  /** `note` may be empty: the caller puts a default reason in the history. */
  onAssign: (memberId: string, note: string) => void;
  onClose: () => void;
}

/** Pick the agent who holds the ticket (within its current unit), with an optional note. */
export function AssignModal({ isOpen, busy, error, currentAssigneeId, onAssign, onClose }: AssignModalProps) {
  const { t } = useTranslation('tickets');
  const [note, setNote] = useState('');

  return (
    <IonModal isOpen={isOpen} onWillPresent={() => setNote('')} onDidDismiss={onClose} data-testid="ticket-assign-modal">
      <IonHeader>
        <IonToolbar>
          <IonTitle>{t('assign.title')}</IonTitle>
          <IonButtons slot="end">
            <IonButton onClick={onClose}>{t('actions.cancel')}</IonButton>
          </IonButtons>
        </IonToolbar>
      </IonHeader>
      <IonContent>
        <MemberPicker
          currentId={currentAssigneeId}
          disabled={busy}
          onPick={(member) => onAssign(member.id, note.trim())}
          searchLabel={t('assign.search')}
          deniedText={t('assign.membersDenied')}
        >
          <label className="atendo-field">
            <span>{t('assign.note')}</span>
            <textarea value={note} rows={2} maxLength={2000} onChange={(e) => setNote(e.target.value)} data-testid="assign-note" />
          </label>
          {error !== null && (
            <p className="atendo-tk-error ion-padding-horizontal" role="alert">
              {describeError(t, error)}
            </p>
          )}
        </MemberPicker>
      </IonContent>
    </IonModal>
  );
}

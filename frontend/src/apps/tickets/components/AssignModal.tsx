import {
  IonButton,
  IonButtons,
  IonContent,
  IonHeader,
  IonItem,
  IonLabel,
  IonList,
  IonModal,
  IonText,
  IonTitle,
  IonToolbar,
} from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../shared/i18n/errors';
import { Avatar } from '../../inbox/components/Avatar';
import { useDirectoryStore } from '../../inbox/store/directoryStore';

interface AssignModalProps {
  isOpen: boolean;
  busy: boolean;
  error: unknown;
  currentAssigneeId: string | null;
  /** `note` may be empty: the caller puts a default reason in the history. */
  onAssign: (memberId: string, note: string) => void;
  onClose: () => void;
}

/** Pick the agent who holds the ticket (within its current unit). */
export function AssignModal({ isOpen, busy, error, currentAssigneeId, onAssign, onClose }: AssignModalProps) {
  const { t } = useTranslation('tickets');
  const members = useDirectoryStore((s) => s.members);
  const denied = useDirectoryStore((s) => s.membersDenied);
  const [query, setQuery] = useState('');
  const [note, setNote] = useState('');
  const q = query.trim().toLowerCase();
  const shown = members.filter((m) => !q || m.display_name.toLowerCase().includes(q) || m.email.toLowerCase().includes(q));

  return (
    <IonModal
      isOpen={isOpen}
      onWillPresent={() => {
        setQuery('');
        setNote('');
      }}
      onDidDismiss={onClose}
      data-testid="ticket-assign-modal"
    >
      <IonHeader>
        <IonToolbar>
          <IonTitle>{t('assign.title')}</IonTitle>
          <IonButtons slot="end">
            <IonButton onClick={onClose}>{t('actions.cancel')}</IonButton>
          </IonButtons>
        </IonToolbar>
      </IonHeader>
      <IonContent>
        <div className="ion-padding-horizontal ion-padding-top">
          <input
            type="search"
            className="atendo-search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder={t('assign.search')}
            aria-label={t('assign.search')}
          />
        </div>
        <label className="atendo-field">
          <span>{t('assign.note')}</span>
          <textarea value={note} rows={2} maxLength={2000} onChange={(e) => setNote(e.target.value)} data-testid="assign-note" />
        </label>
        {denied && (
          <IonText color="medium">
            <p className="ion-padding-horizontal">{t('assign.membersDenied')}</p>
          </IonText>
        )}
        {error !== null && (
          <p className="atendo-tk-error ion-padding-horizontal" role="alert">
            {describeError(t, error)}
          </p>
        )}
        <IonList>
          {shown.map((member) => (
            <IonItem
              key={member.id}
              button
              detail={false}
              disabled={busy || member.id === currentAssigneeId}
              onClick={() => onAssign(member.id, note.trim())}
              data-testid="assign-member"
            >
              <span slot="start">
                <Avatar id={member.id} name={member.display_name || member.email} size="small" />
              </span>
              <IonLabel>
                <h3>{member.display_name || member.email}</h3>
                <p>{member.email}</p>
              </IonLabel>
            </IonItem>
          ))}
        </IonList>
      </IonContent>
    </IonModal>
  );
}

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
import { useDirectoryStore } from '../store/directoryStore';
import { Avatar } from './Avatar';

interface AssignModalProps {
  isOpen: boolean;
  currentAssigneeId: string | null;
  onAssign: (memberId: string | null) => void;
  onClose: () => void;
}

/** Pick an agent (or nobody) for the conversation. */
export function AssignModal({ isOpen, currentAssigneeId, onAssign, onClose }: AssignModalProps) {
  const { t } = useTranslation('inbox');
  const members = useDirectoryStore((s) => s.members);
  const denied = useDirectoryStore((s) => s.membersDenied);
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const shown = members.filter(
    (m) => !q || m.display_name.toLowerCase().includes(q) || m.email.toLowerCase().includes(q),
  );

  return (
    <IonModal isOpen={isOpen} onDidDismiss={onClose} data-testid="assign-modal">
      <IonHeader>
        <IonToolbar>
          <IonTitle>{t('actions.assignTitle')}</IonTitle>
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
            placeholder={t('actions.searchAgent')}
            aria-label={t('actions.searchAgent')}
          />
        </div>
        {denied && (
          <IonText color="medium">
            <p className="ion-padding-horizontal">{t('actions.membersDenied')}</p>
          </IonText>
        )}
        <IonList>
          {currentAssigneeId && (
            <IonItem button detail={false} onClick={() => onAssign(null)} data-testid="assign-nobody">
              <IonLabel>{t('actions.unassign')}</IonLabel>
            </IonItem>
          )}
          {shown.map((member) => (
            <IonItem
              key={member.id}
              button
              detail={false}
              disabled={member.id === currentAssigneeId}
              onClick={() => onAssign(member.id)}
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

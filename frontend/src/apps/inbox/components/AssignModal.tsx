import { IonButton, IonButtons, IonContent, IonHeader, IonItem, IonLabel, IonModal, IonTitle, IonToolbar } from '@ionic/react';
import { useTranslation } from 'react-i18next';
import { MemberPicker } from '../../../components/MemberPicker';

interface AssignModalProps {
  isOpen: boolean;
  currentAssigneeId: string | null;
  onAssign: (memberId: string | null) => void;
  onClose: () => void;
}

/** Pick an agent (or nobody) for the conversation. */
export function AssignModal({ isOpen, currentAssigneeId, onAssign, onClose }: AssignModalProps) {
  const { t } = useTranslation('inbox');
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
        <MemberPicker
          currentId={currentAssigneeId}
          onPick={(member) => onAssign(member.id)}
          searchLabel={t('actions.searchAgent')}
          deniedText={t('actions.membersDenied')}
          leadingItem={
            currentAssigneeId && (
              <IonItem button detail={false} onClick={() => onAssign(null)} data-testid="assign-nobody">
                <IonLabel>{t('actions.unassign')}</IonLabel>
              </IonItem>
            )
          }
        />
      </IonContent>
    </IonModal>
  );
}

import {
  IonButton,
  IonButtons,
  IonContent,
  IonHeader,
  IonList,
  IonModal,
  IonTitle,
  IonToolbar,
} from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { UnitSelect } from '../../../components/UnitSelect';

export interface TransferTarget {
  department: string | null;
  team: string | null;
  note: string;
}

interface TransferModalProps {
  isOpen: boolean;
  busy: boolean;
  onTransfer: (target: TransferTarget) => void;
  onClose: () => void;
}

/** Move the conversation to another department or team, with a note for whoever picks it up. */
export function TransferModal({ isOpen, busy, onTransfer, onClose }: TransferModalProps) {
  const { t } = useTranslation('inbox');
  const [department, setDepartment] = useState('');
  const [team, setTeam] = useState('');
  const [note, setNote] = useState('');

  function reset() {
    setDepartment('');
    setTeam('');
    setNote('');
  }

  return (
    <IonModal
      isOpen={isOpen}
      onDidDismiss={() => {
        reset();
        onClose();
      }}
      data-testid="transfer-modal"
    >
      <IonHeader>
        <IonToolbar>
          <IonTitle>{t('actions.transferTitle')}</IonTitle>
          <IonButtons slot="end">
            <IonButton onClick={onClose}>{t('actions.cancel')}</IonButton>
          </IonButtons>
        </IonToolbar>
      </IonHeader>
      <IonContent className="ion-padding">
        <IonList>
          <UnitSelect
            department={department}
            team={team}
            onChange={(unit) => {
              setDepartment(unit.department);
              setTeam(unit.team);
            }}
            labels={{ department: t('filters.department'), team: t('filters.team'), chooseDepartment: t('actions.chooseDepartment'), wholeDepartment: t('actions.wholeDepartment') }}
          />
          <label className="atendo-field">
            <span>{t('actions.transferNote')}</span>
            <textarea
              value={note}
              rows={3}
              maxLength={2000}
              placeholder={t('actions.transferNotePlaceholder')}
              onChange={(e) => setNote(e.target.value)}
              data-testid="transfer-note"
            />
          </label>
        </IonList>
        <IonButton
          expand="block"
          disabled={!department || busy}
          onClick={() => onTransfer({ department, team: team || null, note: note.trim() })}
          data-testid="transfer-submit"
        >
          {t('actions.transfer')}
        </IonButton>
      </IonContent>
    </IonModal>
  );
}

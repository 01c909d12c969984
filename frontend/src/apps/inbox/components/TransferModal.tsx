import {
  IonButton,
  IonButtons,
  IonContent,
  IonHeader,
  IonItem,
  IonList,
  IonModal,
  IonSelect,
  IonSelectOption,
  IonTitle,
  IonToolbar,
} from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDirectoryStore } from '../store/directoryStore';

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
  const departments = useDirectoryStore((s) => s.departments);
  const teams = useDirectoryStore((s) => s.teams);
  const [department, setDepartment] = useState('');
  const [team, setTeam] = useState('');
  const [note, setNote] = useState('');
  const teamsShown = department ? teams.filter((x) => x.department === department) : [];

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
          <IonItem>
            <IonSelect
              label={t('filters.department')}
              labelPlacement="stacked"
              interface="popover"
              value={department}
              placeholder={t('actions.chooseDepartment')}
              onIonChange={(e) => {
                setDepartment(String(e.detail.value ?? ''));
                setTeam('');
              }}
              data-testid="transfer-department"
            >
              {departments.map((d) => (
                <IonSelectOption key={d.id} value={d.id}>
                  {d.name}
                </IonSelectOption>
              ))}
            </IonSelect>
          </IonItem>
          {teamsShown.length > 0 && (
            <IonItem>
              <IonSelect
                label={t('filters.team')}
                labelPlacement="stacked"
                interface="popover"
                value={team}
                onIonChange={(e) => setTeam(String(e.detail.value ?? ''))}
                data-testid="transfer-team"
              >
                <IonSelectOption value="">{t('actions.wholeDepartment')}</IonSelectOption>
                {teamsShown.map((x) => (
                  <IonSelectOption key={x.id} value={x.id}>
                    {x.name}
                  </IonSelectOption>
                ))}
              </IonSelect>
            </IonItem>
          )}
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

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
import { UnitSelect } from '../../../components/UnitSelect';
import type { TicketTransferRequest } from '../../../shared/api/types';
import { describeError } from '../../../shared/i18n/errors';
import { useDirectoryStore } from '../../inbox/store/directoryStore';

interface TransferModalProps {
  isOpen: boolean;
  busy: boolean;
  error: unknown;
  /** The unit the ticket is in now: preselected. */
  departmentId: string | null;
  onTransfer: (request: TicketTransferRequest) => void;
  onClose: () => void;
}

/** Hand the ticket to a department or team (and optionally an agent), with the reason for the history. */
export function TransferModal({ isOpen, busy, error, departmentId, onTransfer, onClose }: TransferModalProps) {
  const { t } = useTranslation('tickets');
  const members = useDirectoryStore((s) => s.members);
  const [department, setDepartment] = useState(departmentId ?? '');
  const [team, setTeam] = useState('');
  const [assignee, setAssignee] = useState('');
  const [reason, setReason] = useState('');

  function reset() {
    setDepartment(departmentId ?? '');
    setTeam('');
    setAssignee('');
    setReason('');
  }

  return (
    <IonModal
      isOpen={isOpen}
      onWillPresent={reset}
      onDidDismiss={onClose}
      data-testid="ticket-transfer-modal"
    >
      <IonHeader>
        <IonToolbar>
          <IonTitle>{t('transfer.title')}</IonTitle>
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
            labels={{ department: t('fields.department'), team: t('fields.team'), chooseDepartment: t('transfer.chooseDepartment'), wholeDepartment: t('transfer.wholeDepartment') }}
          />
          <IonItem>
            <IonSelect
              label={t('fields.assignee')}
              labelPlacement="stacked"
              interface="popover"
              value={assignee}
              onIonChange={(e) => setAssignee(String(e.detail.value ?? ''))}
              data-testid="transfer-assignee"
            >
              <IonSelectOption value="">{t('transfer.autoAssign')}</IonSelectOption>
              {members.map((m) => (
                <IonSelectOption key={m.id} value={m.id}>
                  {m.display_name || m.email}
                </IonSelectOption>
              ))}
            </IonSelect>
          </IonItem>
          <label className="atendo-field">
            <span>{t('transfer.reason')}</span>
            <textarea
              value={reason}
              rows={3}
              maxLength={2000}
              required
              placeholder={t('transfer.reasonPlaceholder')}
              onChange={(e) => setReason(e.target.value)}
              data-testid="transfer-reason"
            />
          </label>
        </IonList>
        {error !== null && (
          <p className="atendo-tk-error" role="alert" data-testid="transfer-error">
            {describeError(t, error)}
          </p>
        )}
        <IonButton
          expand="block"
          disabled={(!department && !assignee) || !reason.trim() || busy}
          onClick={() =>
            onTransfer({
              department: department || null,
              team: team || null,
              // Left out (not null): the receiving team's round robin may pick someone.
              ...(assignee ? { assignee } : {}),
              reason: reason.trim(),
            })
          }
          data-testid="transfer-submit"
        >
          {t('transfer.submit')}
        </IonButton>
      </IonContent>
    </IonModal>
  );
}

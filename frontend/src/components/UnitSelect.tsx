import { IonItem, IonSelect, IonSelectOption } from '@ionic/react';
import { useDirectoryStore } from '../apps/inbox/store/directoryStore';

export interface UnitSelectLabels {
  department: string;
  team: string;
  chooseDepartment: string;
  wholeDepartment: string;
}

interface UnitSelectProps {
  department: string;
  team: string;
  onChange: (unit: { department: string; team: string }) => void;
  labels: UnitSelectLabels;
}

/** A department, then optionally one of its teams (a new department clears the team). Shared by
 * the conversation and ticket transfer dialogs. */
export function UnitSelect({ department, team, onChange, labels }: UnitSelectProps) {
  const departments = useDirectoryStore((s) => s.departments);
  const teams = useDirectoryStore((s) => s.teams);
  const teamsShown = department ? teams.filter((x) => x.department === department) : [];
  return (
    <>
      <IonItem>
        <IonSelect
          label={labels.department}
          labelPlacement="stacked"
          interface="popover"
          value={department}
          placeholder={labels.chooseDepartment}
          onIonChange={(e) => onChange({ department: String(e.detail.value ?? ''), team: '' })}
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
            label={labels.team}
            labelPlacement="stacked"
            interface="popover"
            value={team}
            onIonChange={(e) => onChange({ department, team: String(e.detail.value ?? '') })}
            data-testid="transfer-team"
          >
            <IonSelectOption value="">{labels.wholeDepartment}</IonSelectOption>
            {teamsShown.map((x) => (
              <IonSelectOption key={x.id} value={x.id}>
                {x.name}
              </IonSelectOption>
            ))}
          </IonSelect>
        </IonItem>
      )}
    </>
  );
}

import { IonItem, IonSelect, IonSelectOption } from '@ionic/react';
import { useDirectoryStore } from '../apps/inbox/store/directoryStore';
import type { Department, Team } from '../shared/api/types';

export interface UnitSelectLabels {
  department: string;
  team: string;
  chooseDepartment: string;
  wholeDepartment: string;
  /** With it, the department list starts with this choice of no department at all (value ''). */
  noDepartment?: string;
}

interface UnitSelectProps {
  department: string;
  team: string;
  onChange: (unit: { department: string; team: string }) => void;
  labels: UnitSelectLabels;
  /** The choices; by default the tenant directory the inbox loads. */
  departments?: readonly Department[];
  teams?: readonly Team[];
  /** Test ids `${testIdPrefix}-department` and `${testIdPrefix}-team`. */
  testIdPrefix?: string;
  disabled?: boolean;
}

/** A department, then optionally one of its teams (a new department clears the team). Shared by
 * the conversation and ticket transfer dialogs and the channels' routing in settings. */
export function UnitSelect({ department, team, onChange, labels, departments, teams, testIdPrefix = 'transfer', disabled }: UnitSelectProps) {
  const directoryDepartments = useDirectoryStore((s) => s.departments);
  const directoryTeams = useDirectoryStore((s) => s.teams);
  const departmentChoices = departments ?? directoryDepartments;
  const teamsShown = department ? (teams ?? directoryTeams).filter((x) => x.department === department) : [];
  return (
    <>
      <IonItem>
        <IonSelect
          label={labels.department}
          labelPlacement="stacked"
          interface="popover"
          value={department}
          placeholder={labels.chooseDepartment}
          disabled={disabled}
          onIonChange={(e) => onChange({ department: String(e.detail.value ?? ''), team: '' })}
          data-testid={`${testIdPrefix}-department`}
        >
          {labels.noDepartment !== undefined && <IonSelectOption value="">{labels.noDepartment}</IonSelectOption>}
          {departmentChoices.map((d) => (
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
            disabled={disabled}
            onIonChange={(e) => onChange({ department, team: String(e.detail.value ?? '') })}
            data-testid={`${testIdPrefix}-team`}
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

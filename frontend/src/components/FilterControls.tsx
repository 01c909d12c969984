import { IonButton, IonIcon, IonSelect, IonSelectOption } from '@ionic/react';
import { funnelOutline } from 'ionicons/icons';
import { useDirectoryStore } from '../apps/inbox/store/directoryStore';

interface MoreFiltersButtonProps {
  expanded: boolean;
  onToggle: () => void;
  /** "More filters" / "Filters (2)": the caller's translations, so each app keeps its namespace. */
  label: string;
  'data-testid'?: string;
}

/** The toggle in front of the less used filters of a list (inbox, tickets). */
export function MoreFiltersButton({ expanded, onToggle, label, 'data-testid': testId }: MoreFiltersButtonProps) {
  return (
    <IonButton fill={expanded ? 'solid' : 'clear'} size="small" onClick={onToggle} aria-expanded={expanded} data-testid={testId}>
      <IonIcon slot="start" icon={funnelOutline} aria-hidden="true" />
      {label}
    </IonButton>
  );
}

interface UnitFilterSelectsProps {
  department: string;
  team: string;
  /** Choosing a department clears the team: a team belongs to one department. */
  onChange: (change: { department: string; team: string } | { team: string }) => void;
  labels: { department: string; team: string; any: string };
  testIds?: { department: string; team: string };
}

/** Department and team selects; the team list narrows to the chosen department. */
export function UnitFilterSelects({ department, team, onChange, labels, testIds }: UnitFilterSelectsProps) {
  const departments = useDirectoryStore((s) => s.departments);
  const teams = useDirectoryStore((s) => s.teams);
  const teamsShown = department ? teams.filter((t) => t.department === department) : teams;
  return (
    <>
      <IonSelect
        label={labels.department}
        labelPlacement="stacked"
        interface="popover"
        value={department}
        onIonChange={(e) => onChange({ department: String(e.detail.value ?? ''), team: '' })}
        data-testid={testIds?.department}
      >
        <IonSelectOption value="">{labels.any}</IonSelectOption>
        {departments.map((d) => (
          <IonSelectOption key={d.id} value={d.id}>
            {d.name}
          </IonSelectOption>
        ))}
      </IonSelect>
      <IonSelect
        label={labels.team}
        labelPlacement="stacked"
        interface="popover"
        value={team}
        onIonChange={(e) => onChange({ team: String(e.detail.value ?? '') })}
        data-testid={testIds?.team}
      >
        <IonSelectOption value="">{labels.any}</IonSelectOption>
        {teamsShown.map((t) => (
          <IonSelectOption key={t.id} value={t.id}>
            {t.name}
          </IonSelectOption>
        ))}
      </IonSelect>
    </>
  );
}

import { useTranslation } from 'react-i18next';
import { UnitSelect } from '../../../components/UnitSelect';
import { useOrgStore } from '../store/orgStore';
import { FieldMessages } from './form';

export interface Routing {
  /** '' for none. */
  department: string;
  team: string;
}

interface RoutingFieldsProps {
  value: Routing;
  onChange: (value: Routing) => void;
  /** The API's messages for `default_department` and `default_team`. */
  errors?: string[];
  testIdPrefix: string;
}

/** Where a channel's new conversations start: a department (or none), then maybe one of its teams. */
export function RoutingFields({ value, onChange, errors, testIdPrefix }: RoutingFieldsProps) {
  const { t } = useTranslation('settings');
  const departments = useOrgStore((s) => s.departments);
  const teams = useOrgStore((s) => s.teams);
  return (
    <fieldset className="atendo-settings-fieldset atendo-settings-routing" data-testid={testIdPrefix}>
      <legend>{t('channels.defaultDepartment')}</legend>
      <p className="atendo-settings-hint">{t('channels.defaultDepartmentHint')}</p>
      <UnitSelect
        department={value.department}
        team={value.team}
        onChange={onChange}
        departments={departments}
        teams={teams}
        testIdPrefix={testIdPrefix}
        labels={{
          department: t('channels.routingDepartment'),
          team: t('channels.defaultTeam'),
          chooseDepartment: t('channels.noDefault'),
          wholeDepartment: t('channels.wholeDepartment'),
          noDepartment: t('channels.noDefault'),
        }}
      />
      <FieldMessages messages={errors} testId={`${testIdPrefix}-error`} />
    </fieldset>
  );
}

/** The routing as the API takes it (null for none). */
export function routingInput(value: Routing): { default_department: string | null; default_team: string | null } {
  return { default_department: value.department || null, default_team: value.department ? value.team || null : null };
}

/** A channel's routing in words: "New conversations go to Vendas · N1". */
export function useRoutingLabel(department: string | null, team: string | null): string | null {
  const { t } = useTranslation('settings');
  const departmentName = useOrgStore((s) => s.departments.find((d) => d.id === department)?.name);
  const teamName = useOrgStore((s) => s.teams.find((x) => x.id === team)?.name);
  if (!departmentName) return null;
  return t('channels.routesTo', { department: teamName ? `${departmentName} · ${teamName}` : departmentName });
}

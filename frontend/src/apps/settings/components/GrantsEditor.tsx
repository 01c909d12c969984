import { IonButton, IonIcon } from '@ionic/react';
import { addOutline, close } from 'ionicons/icons';
import { useTranslation } from 'react-i18next';
import type { FieldErrors } from '../../../shared/api';
import type { DepartmentDetail, RoleDefinition, RoleGrant, RoleScopeType, TeamDetail } from '../../../shared/api/types';
import { FieldFrame, FieldMessages, errorsFor } from './form';

interface GrantsEditorProps {
  grants: RoleGrant[];
  onChange: (grants: RoleGrant[]) => void;
  roles: RoleDefinition[];
  departments: DepartmentDetail[];
  teams: TeamDetail[];
  /** The form's field errors: `roles` for the list, `roles.N.*` for row N. */
  fields: FieldErrors;
  testId?: string;
}

export function encodeScope(grant: Pick<RoleGrant, 'scope_type' | 'scope_id'>): string {
  return grant.scope_type && grant.scope_id ? `${grant.scope_type}:${grant.scope_id}` : '';
}

export function decodeScope(value: string): Pick<RoleGrant, 'scope_type' | 'scope_id'> {
  const [type, id] = value.split(':');
  if ((type === 'department' || type === 'team') && id) return { scope_type: type as RoleScopeType, scope_id: id };
  return { scope_type: null, scope_id: null };
}

/** Roles a member holds, each tenant-wide or limited to one department or team. */
export function GrantsEditor({ grants, onChange, roles, departments, teams, fields, testId = 'grants' }: GrantsEditorProps) {
  const { t } = useTranslation('settings');
  const departmentName = (id: string) => departments.find((d) => d.id === id)?.name ?? '';

  function change(index: number, grant: RoleGrant) {
    onChange(grants.map((g, i) => (i === index ? grant : g)));
  }

  return (
    <fieldset className="atendo-settings-grants" data-testid={testId}>
      <legend>{t('members.roles')}</legend>
      <p className="atendo-settings-hint">{t('members.rolesHint')}</p>
      {grants.map((grant, index) => (
        <div className="atendo-settings-grant" key={index} data-testid={`${testId}-row`}>
          <FieldFrame label={t('members.role')} errors={errorsFor(fields, `roles.${index}.role`)}>
            {({ id, describedBy, invalid }) => (
              <select
                id={id}
                value={grant.role}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                data-testid={`${testId}-role`}
                onChange={(e) => change(index, { ...grant, role: e.target.value })}
              >
                {!roles.some((r) => r.slug === grant.role) && <option value={grant.role}>{grant.role}</option>}
                {roles.map((role) => (
                  <option key={role.slug} value={role.slug}>
                    {role.name}
                  </option>
                ))}
              </select>
            )}
          </FieldFrame>
          <FieldFrame
            label={t('members.scope')}
            errors={errorsFor(fields, `roles.${index}.scope_type`, `roles.${index}.scope_id`, `roles.${index}.non_field_errors`)}
          >
            {({ id, describedBy, invalid }) => (
              <select
                id={id}
                value={encodeScope(grant)}
                aria-invalid={invalid || undefined}
                aria-describedby={describedBy}
                data-testid={`${testId}-scope`}
                onChange={(e) => change(index, { ...grant, ...decodeScope(e.target.value) })}
              >
                <option value="">{t('members.scopeWorkspace')}</option>
                {departments.length > 0 && (
                  <optgroup label={t('members.scopeDepartments')}>
                    {departments.map((d) => (
                      <option key={d.id} value={`department:${d.id}`}>
                        {d.name}
                      </option>
                    ))}
                  </optgroup>
                )}
                {teams.length > 0 && (
                  <optgroup label={t('members.scopeTeams')}>
                    {teams.map((team) => (
                      <option key={team.id} value={`team:${team.id}`}>
                        {t('members.teamOf', { team: team.name, department: departmentName(team.department) })}
                      </option>
                    ))}
                  </optgroup>
                )}
              </select>
            )}
          </FieldFrame>
          {grants.length > 1 && (
            <IonButton
              fill="clear"
              color="medium"
              size="small"
              className="atendo-settings-grant-remove"
              aria-label={t('members.removeRole')}
              title={t('members.removeRole')}
              onClick={() => onChange(grants.filter((_, i) => i !== index))}
            >
              <IonIcon slot="icon-only" icon={close} aria-hidden="true" />
            </IonButton>
          )}
        </div>
      ))}
      <FieldMessages messages={errorsFor(fields, 'roles')} testId={`${testId}-error`} />
      <IonButton
        fill="clear"
        size="small"
        onClick={() => onChange([...grants, { role: roles.find((r) => r.slug === 'agent')?.slug ?? roles[0]?.slug ?? 'agent', scope_type: null, scope_id: null }])}
        data-testid={`${testId}-add`}
      >
        <IonIcon slot="start" icon={addOutline} aria-hidden="true" />
        {t('members.addRole')}
      </IonButton>
    </fieldset>
  );
}

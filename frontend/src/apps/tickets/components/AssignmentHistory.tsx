import { useTranslation } from 'react-i18next';
import type { TicketAssignment } from '../../../shared/api/types';
import { formatDateTime } from '../../inbox/format';
import { useDirectoryStore } from '../../inbox/store/directoryStore';

/** Who held the ticket, in which unit, from when to when, handed over by whom and why (newest first). */
export function AssignmentHistory({ assignments }: { assignments: TicketAssignment[] }) {
  const { t, i18n } = useTranslation('tickets');
  const departments = useDirectoryStore((s) => s.departments);
  const teams = useDirectoryStore((s) => s.teams);
  if (assignments.length === 0) return <p className="atendo-tk-muted">{t('history.empty')}</p>;
  return (
    <ol className="atendo-tk-history" data-testid="assignment-history">
      {[...assignments].reverse().map((row) => {
        const unit = [
          departments.find((d) => d.id === row.department_id)?.name,
          teams.find((x) => x.id === row.team_id)?.name,
        ]
          .filter(Boolean)
          .join(' / ');
        return (
          <li key={row.id} className={row.ended_at ? undefined : 'is-current'} data-testid="assignment">
            <div className="atendo-tk-history-who">
              <strong>{row.assignee ? row.assignee.display_name : t('fields.unassigned')}</strong>
              {unit && <span> · {unit}</span>}
              {!row.ended_at && <span className="atendo-tk-history-now"> · {t('history.current')}</span>}
            </div>
            <div className="atendo-tk-muted">
              {row.assigned_by ? t('history.by', { name: row.assigned_by.display_name }) : t('history.bySystem')}
              {' · '}
              <time dateTime={row.started_at}>{formatDateTime(row.started_at, i18n.language)}</time>
              {row.ended_at && (
                <>
                  {' → '}
                  <time dateTime={row.ended_at}>{formatDateTime(row.ended_at, i18n.language)}</time>
                </>
              )}
            </div>
            {row.reason && <div className="atendo-tk-history-reason">{row.reason}</div>}
          </li>
        );
      })}
    </ol>
  );
}

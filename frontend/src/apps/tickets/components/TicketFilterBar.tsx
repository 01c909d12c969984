import { IonButton, IonIcon, IonSelect, IonSelectOption } from '@ionic/react';
import { addOutline, gridOutline, listOutline } from 'ionicons/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Priority, TicketSlaState } from '../../../shared/api/types';
import { MoreFiltersButton, UnitFilterSelects } from '../../../components/FilterControls';
import { SearchInput } from '../../inbox/components/SearchInput';
import { SegmentedControl } from '../../inbox/components/SegmentedControl';
import { useDirectoryStore } from '../../inbox/store/directoryStore';
import { PRIORITIES, SLA_STATES, STATUSES, type StatusFilter } from '../filters';
import { useTicketsStore, type ViewMode } from '../store/ticketsStore';

const SEARCH_DEBOUNCE_MS = 350;
const STATUS_FILTERS: StatusFilter[] = ['active', ...STATUSES, 'all'];

/** Search, board/list switch, whose tickets, and the less used filters behind a toggle. */
export function TicketFilterBar({ onCreate }: { onCreate: () => void }) {
  const { t } = useTranslation('tickets');
  const filters = useTicketsStore((s) => s.filters);
  const view = useTicketsStore((s) => s.view);
  const setFilters = useTicketsStore((s) => s.setFilters);
  const setView = useTicketsStore((s) => s.setView);
  const members = useDirectoryStore((s) => s.members);
  const extraCount = [filters.priority, filters.department, filters.team, filters.sla].filter(Boolean).length;
  const [expanded, setExpanded] = useState(extraCount > 0);
  const assigneeKnown = ['', 'me', 'none'].includes(filters.assignee) || members.some((m) => m.id === filters.assignee);

  return (
    <div className="atendo-filters atendo-tk-filters" data-testid="ticket-filters">
      <div className="atendo-tk-filters-top">
        <SearchInput
          value={filters.q}
          debounceMs={SEARCH_DEBOUNCE_MS}
          placeholder={t('filters.search')}
          onSearch={(q) => void setFilters({ q })}
          data-testid="ticket-search"
        />
        <IonButton size="small" onClick={onCreate} data-testid="ticket-new" title={t('actions.new')} aria-label={t('actions.new')}>
          <IonIcon slot="start" icon={addOutline} aria-hidden="true" />
          <span className="atendo-tk-new-label">{t('actions.new')}</span>
        </IonButton>
      </div>
      <div className="atendo-filters-row">
        <SegmentedControl<ViewMode>
          aria-label={t('view.label')}
          className="atendo-tk-view"
          value={view}
          options={[
            { value: 'board', label: <><IonIcon icon={gridOutline} aria-hidden="true" /> {t('view.board')}</>, testId: 'view-board' },
            { value: 'list', label: <><IonIcon icon={listOutline} aria-hidden="true" /> {t('view.list')}</>, testId: 'view-list' },
          ]}
          onChange={(next) => void setView(next)}
        />
        <IonSelect
          aria-label={t('filters.assignee')}
          interface="popover"
          value={assigneeKnown ? filters.assignee : ''}
          onIonChange={(e) => void setFilters({ assignee: String(e.detail.value ?? '') })}
          data-testid="filter-assignee"
        >
          <IonSelectOption value="">{t('filters.anyone')}</IonSelectOption>
          <IonSelectOption value="me">{t('filters.mine')}</IonSelectOption>
          <IonSelectOption value="none">{t('fields.unassigned')}</IonSelectOption>
          {members.map((m) => (
            <IonSelectOption key={m.id} value={m.id}>
              {m.display_name || m.email}
            </IonSelectOption>
          ))}
        </IonSelect>
        {view === 'list' && (
          <IonSelect
            aria-label={t('filters.status')}
            interface="popover"
            value={filters.status}
            onIonChange={(e) => void setFilters({ status: String(e.detail.value) as StatusFilter })}
            data-testid="filter-status"
          >
            {STATUS_FILTERS.map((status) => (
              <IonSelectOption key={status} value={status}>
                {status === 'active' ? t('filters.active') : status === 'all' ? t('filters.anyStatus') : t(`status.${status}`)}
              </IonSelectOption>
            ))}
          </IonSelect>
        )}
        <MoreFiltersButton
          expanded={expanded}
          onToggle={() => setExpanded(!expanded)}
          label={extraCount > 0 ? t('filters.moreActive', { count: extraCount }) : t('filters.more')}
          data-testid="ticket-filters-more"
        />
      </div>
      {expanded && (
        <div className="atendo-filters-extra">
          <IonSelect
            label={t('fields.priority')}
            labelPlacement="stacked"
            interface="popover"
            value={filters.priority}
            onIonChange={(e) => void setFilters({ priority: String(e.detail.value ?? '') as Priority | '' })}
            data-testid="filter-priority"
          >
            <IonSelectOption value="">{t('filters.any')}</IonSelectOption>
            {PRIORITIES.map((priority) => (
              <IonSelectOption key={priority} value={priority}>
                {t(`priority.${priority}`)}
              </IonSelectOption>
            ))}
          </IonSelect>
          <IonSelect
            label={t('fields.sla')}
            labelPlacement="stacked"
            interface="popover"
            value={filters.sla}
            onIonChange={(e) => void setFilters({ sla: String(e.detail.value ?? '') as TicketSlaState })}
            data-testid="filter-sla"
          >
            <IonSelectOption value="">{t('filters.any')}</IonSelectOption>
            {SLA_STATES.map((state) => (
              <IonSelectOption key={state} value={state}>
                {t(`sla.look.${state}`)}
              </IonSelectOption>
            ))}
          </IonSelect>
          <UnitFilterSelects
            department={filters.department}
            team={filters.team}
            onChange={(change) => void setFilters(change)}
            labels={{ department: t('fields.department'), team: t('fields.team'), any: t('filters.any') }}
            testIds={{ department: 'filter-department', team: 'filter-team' }}
          />
        </div>
      )}
    </div>
  );
}

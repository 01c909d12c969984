import { IonInput, IonSelect, IonSelectOption } from '@ionic/react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MoreFiltersButton, UnitFilterSelects } from '../../../components/FilterControls';
import { CHANNELS, type ChannelFilter, type InboxView, type StatusFilter } from '../filters';
import { useConversationListStore } from '../store/listStore';
import { SearchInput } from './SearchInput';
import { SegmentedControl } from './SegmentedControl';

const VIEWS: InboxView[] = ['mine', 'unassigned', 'all'];
const STATUSES: StatusFilter[] = ['open', 'pending', 'snoozed', 'resolved', 'all'];
const SEARCH_DEBOUNCE_MS = 350;

/** Quick filters (view, status), search, and the less used ones behind a toggle. */
export function FilterBar() {
  const { t } = useTranslation('inbox');
  const filters = useConversationListStore((s) => s.filters);
  const setFilters = useConversationListStore((s) => s.setFilters);
  const extraCount = [filters.channel, filters.department, filters.team, filters.tag].filter(Boolean).length;
  const [expanded, setExpanded] = useState(extraCount > 0);

  return (
    <div className="atendo-filters" data-testid="inbox-filters">
      <SearchInput
        value={filters.q}
        debounceMs={SEARCH_DEBOUNCE_MS}
        placeholder={t('filters.search')}
        onSearch={(q) => void setFilters({ q })}
        data-testid="inbox-search"
      />
      <SegmentedControl
        aria-label={t('filters.viewLabel')}
        value={filters.view}
        options={VIEWS.map((view) => ({ value: view, label: t(`filters.view.${view}`), testId: `view-${view}` }))}
        onChange={(view: InboxView) => void setFilters({ view })}
      />
      <div className="atendo-filters-row">
        <IonSelect
          aria-label={t('filters.status')}
          interface="popover"
          value={filters.status}
          onIonChange={(e) => void setFilters({ status: String(e.detail.value) as StatusFilter })}
          data-testid="filter-status"
        >
          {STATUSES.map((status) => (
            <IonSelectOption key={status} value={status}>
              {t(status === 'all' ? 'filters.anyStatus' : `status.${status}`)}
            </IonSelectOption>
          ))}
        </IonSelect>
        <MoreFiltersButton
          expanded={expanded}
          onToggle={() => setExpanded(!expanded)}
          label={extraCount > 0 ? t('filters.moreActive', { count: extraCount }) : t('filters.more')}
          data-testid="filters-more"
        />
      </div>
      {expanded && (
        <div className="atendo-filters-extra">
          <IonSelect
            label={t('filters.channel')}
            labelPlacement="stacked"
            interface="popover"
            value={filters.channel}
            onIonChange={(e) => void setFilters({ channel: String(e.detail.value ?? '') as ChannelFilter })}
          >
            <IonSelectOption value="">{t('filters.any')}</IonSelectOption>
            {CHANNELS.map((kind) => (
              <IonSelectOption key={kind} value={kind}>
                {t(`channel.${kind}`)}
              </IonSelectOption>
            ))}
          </IonSelect>
          <UnitFilterSelects
            department={filters.department}
            team={filters.team}
            onChange={(change) => void setFilters(change)}
            labels={{ department: t('filters.department'), team: t('filters.team'), any: t('filters.any') }}
          />
          <IonInput
            label={t('filters.tag')}
            labelPlacement="stacked"
            value={filters.tag}
            debounce={SEARCH_DEBOUNCE_MS}
            placeholder={t('filters.tagPlaceholder')}
            onIonInput={(e) => void setFilters({ tag: String(e.detail.value ?? '').trim() })}
          />
        </div>
      )}
    </div>
  );
}

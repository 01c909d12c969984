import { IonButton, IonSpinner, IonText } from '@ionic/react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../shared/i18n/errors';
import { useTicketsStore } from '../store/ticketsStore';
import { TicketRow } from './TicketRow';

interface TicketListProps {
  selectedId: string | null;
  onOpen: (id: string) => void;
}

/** The list view: pages of 50, the next one fetched when the end scrolls into view. */
export function TicketList({ selectedId, onOpen }: TicketListProps) {
  const { t } = useTranslation('tickets');
  const collection = useTicketsStore((s) => s.collections.list);
  const loadMore = useTicketsStore((s) => s.loadMore);
  const reload = useTicketsStore((s) => s.load);
  const sentinel = useRef<HTMLDivElement>(null);
  const hasMore = collection.nextCursor !== null && collection.status === 'ready';

  useEffect(() => {
    const target = sentinel.current;
    if (!hasMore || !target || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadMore('list');
    });
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasMore, loadMore]);

  if (collection.status === 'loading' || collection.status === 'idle') {
    return (
      <div className="atendo-center" data-testid="ticket-list-loading">
        <IonSpinner aria-label={t('list.loading')} />
      </div>
    );
  }
  if (collection.status === 'error') {
    return (
      <div className="atendo-empty" role="alert">
        <IonText color="danger">
          <p>{describeError(t, collection.error)}</p>
        </IonText>
        <IonButton fill="outline" onClick={() => void reload()}>
          {t('list.retry')}
        </IonButton>
      </div>
    );
  }
  if (collection.order.length === 0) {
    return (
      <div className="atendo-empty" data-testid="ticket-list-empty">
        <IonText color="medium">
          <p>{t('list.empty')}</p>
        </IonText>
      </div>
    );
  }
  return (
    <div className="atendo-tk-list-scroller">
      <ul className="atendo-tk-list" aria-label={t('list.label')} data-testid="ticket-list">
        {collection.order.map((id) => (
          <TicketRow key={id} id={id} selected={id === selectedId} onOpen={onOpen} />
        ))}
      </ul>
      {hasMore && (
        <div className="atendo-list-footer" ref={sentinel}>
          <IonButton fill="clear" size="small" disabled={collection.loadingMore} onClick={() => void loadMore('list')}>
            {collection.loadingMore ? <IonSpinner name="dots" aria-label={t('list.loadingMore')} /> : t('list.loadMore')}
          </IonButton>
        </div>
      )}
    </div>
  );
}

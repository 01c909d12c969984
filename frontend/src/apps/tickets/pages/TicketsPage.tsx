import { IonButton, IonContent, IonPage } from '@ionic/react';
import { Suspense, lazy, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useHistory, useRouteMatch } from 'react-router-dom';
import { AppHeader } from '../../../components/AppHeader';
import { selectCurrentMembership, useAuthStore } from '../../../shared/auth/store';
import { describeError } from '../../../shared/i18n/errors';
import { useRealtimeStream } from '../../../shared/realtime';
import { useDirectoryStore } from '../../inbox/store/directoryStore';
import { useMediaQuery } from '../../inbox/useMediaQuery';
import { ConnectionBanner } from '../components/ConnectionBanner';
import { TicketBoard } from '../components/TicketBoard';
import { TicketDetail } from '../components/TicketDetail';
import { TicketFilterBar } from '../components/TicketFilterBar';
import { TicketList } from '../components/TicketList';
import { bindTicketsRealtime } from '../realtimeBindings';
import { useTicketDetailStore } from '../store/detailStore';
import { useTicketsStore } from '../store/ticketsStore';
import '../../inbox/inbox.css';
import '../tickets.css';

const CreateTicketModal = lazy(() => import('../components/CreateTicketModal'));

/** Wide enough for the board (or list) and the ticket side by side (beside the app menu). */
export const SPLIT_QUERY = '(min-width: 992px)';

/**
 * Tickets: the board (or the list) with filters, live from the ticket board socket; the open
 * ticket (`/tickets/:ticketId`) beside it on desktop, as its own screen on phones.
 */
export default function TicketsPage() {
  const { t } = useTranslation('tickets');
  const history = useHistory();
  const ticketId = useRouteMatch<{ ticketId: string }>('/tickets/:ticketId')?.params.ticketId ?? null;
  const split = useMediaQuery(SPLIT_QUERY);
  const tenant = useAuthStore((s) => s.tenantSlug);
  const memberId = useAuthStore((s) => selectCurrentMembership(s)?.id ?? null);
  const view = useTicketsStore((s) => s.view);
  const [creating, setCreating] = useState(false);
  useTicketsData(tenant, memberId);
  const stream = useRealtimeStream(tenant ? 'tickets' : null, async () => {
    await Promise.all([
      useTicketsStore.getState().resync(),
      ticketId && useTicketDetailStore.getState().threads[ticketId]
        ? useTicketDetailStore.getState().refresh(ticketId, { detail: true, sla: true, comments: true })
        : undefined,
    ]);
  });

  const openTicket = useCallback(
    (id: string) => (split ? history.replace(`/tickets/${id}`) : history.push(`/tickets/${id}`, { fromList: true })),
    [history, split],
  );
  const backToList = useCallback(() => {
    const state = history.location.state as { fromList?: boolean } | undefined;
    if (state?.fromList) history.goBack();
    else history.replace('/tickets');
  }, [history]);

  const showMain = split || !ticketId;

  return (
    <IonPage data-testid="page-tickets">
      {showMain && <AppHeader title={t('title')} />}
      <IonContent scrollY={false}>
        <div className={`atendo-tickets${split ? ' is-split' : ''}${ticketId ? ' has-detail' : ''}`}>
          {showMain && (
            <section className="atendo-tickets-main" aria-label={t('title')}>
              <TicketFilterBar onCreate={() => setCreating(true)} />
              <ConnectionBanner status={stream} />
              <RefusalBanner hiddenFor={ticketId} />
              {view === 'board' ? (
                <TicketBoard selectedId={ticketId} onOpen={openTicket} />
              ) : (
                <TicketList selectedId={ticketId} onOpen={openTicket} />
              )}
            </section>
          )}
          {ticketId && (
            <section className="atendo-tickets-detail">
              <TicketDetail
                key={ticketId}
                ticketId={ticketId}
                myMemberId={memberId}
                onBack={split ? undefined : backToList}
                onClose={split ? () => history.replace('/tickets') : undefined}
              />
            </section>
          )}
        </div>
      </IonContent>
      {creating && (
        <Suspense fallback={null}>
          <CreateTicketModal isOpen onClose={() => setCreating(false)} />
        </Suspense>
      )}
    </IonPage>
  );
}

/** Why a moved card went back (the server's words), unless the open ticket already says it. */
function RefusalBanner({ hiddenFor }: { hiddenFor: string | null }) {
  const { t } = useTranslation('tickets');
  const refusal = useTicketsStore((s) => s.refusal);
  const dismiss = useTicketsStore((s) => s.dismissRefusal);
  if (!refusal || refusal.ticketId === hiddenFor) return null;
  return (
    <div className="atendo-action-error" role="alert" data-testid="move-refused">
      <span>
        <strong>{t('move.refused', { number: refusal.number, status: t(`status.${refusal.to}`) })}</strong>{' '}
        {describeError(t, refusal.error)}
      </span>
      <IonButton size="small" fill="clear" color="danger" onClick={dismiss}>
        {t('actions.dismiss')}
      </IonButton>
    </div>
  );
}

/** Whose tickets the stores hold: coming back to the page keeps them, another tenant clears them. */
let loadedScope: string | null = null;

/** Loads the board/list, the directory and the live bindings for the current tenant and member. */
function useTicketsData(tenant: string | null, memberId: string | null) {
  useEffect(() => bindTicketsRealtime(), []);

  useEffect(() => {
    const scope = `${tenant}/${memberId}`;
    const store = useTicketsStore.getState();
    const loaded = Object.values(store.collections).some((c) => c.status === 'ready');
    if (scope === loadedScope && loaded) return; // the stream's resync catches up
    if (loadedScope !== null && loadedScope !== scope) {
      // Another tenant or member: nothing shown so far may be theirs to see.
      store.reset();
      useTicketDetailStore.getState().reset();
    }
    loadedScope = scope;
    store.setMyMemberId(memberId);
    if (!tenant) return;
    void store.load();
    void useDirectoryStore.getState().load(tenant);
  }, [tenant, memberId]);
}

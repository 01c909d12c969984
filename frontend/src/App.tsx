import { IonApp, IonRouterOutlet, IonSplitPane } from '@ionic/react';
import { IonReactRouter } from '@ionic/react-router';
import { type ComponentType, type LazyExoticComponent, Suspense, lazy } from 'react';
import { Redirect, Route } from 'react-router-dom';
import { AppMenu } from './components/AppMenu';
import { PageLoading } from './components/PageLoading';
import { selectIsAuthenticated, useAuthStore } from './shared/auth/store';

// Each app is its own chunk: a user who never opens Settings never downloads it.
const InboxPage = lazy(() => import('./apps/inbox/pages/InboxPage'));
const TicketsPage = lazy(() => import('./apps/tickets/pages/TicketsPage'));
const SettingsPage = lazy(() => import('./apps/settings/pages/SettingsPage'));
const AutomationsPage = lazy(() => import('./apps/automations/pages/AutomationsPage'));
const AnalyticsPage = lazy(() => import('./apps/analytics/pages/AnalyticsPage'));
const LoginPage = lazy(() => import('./apps/auth/pages/LoginPage'));
const VerifyPage = lazy(() => import('./apps/auth/pages/VerifyPage'));

function suspended(Page: LazyExoticComponent<ComponentType>) {
  return function SuspendedPage() {
    return (
      <Suspense fallback={<PageLoading />}>
        <Page />
      </Suspense>
    );
  };
}

const Inbox = suspended(InboxPage);
const Tickets = suspended(TicketsPage);
const Settings = suspended(SettingsPage);
const Automations = suspended(AutomationsPage);
const Analytics = suspended(AnalyticsPage);
const Login = suspended(LoginPage);
const Verify = suspended(VerifyPage);

/** Signed in: side menu beside the content from `md` up, a swipe/overlay menu on phones. */
function SignedInShell() {
  return (
    <IonSplitPane contentId="main" when="md" data-testid="split-pane">
      <AppMenu />
      <IonRouterOutlet id="main">
        {/* Not exact: /inbox/:conversationId is the same page (the split view must not transition). */}
        <Route path="/inbox" component={Inbox} />
        {/* Not exact: /tickets/:ticketId is the same page (board and ticket side by side). */}
        <Route path="/tickets" component={Tickets} />
        {/* Not exact: /settings/:section is the same page (section list and section side by side). */}
        <Route path="/settings" component={Settings} />
        <Route exact path="/automations" component={Automations} />
        <Route exact path="/analytics" component={Analytics} />
        {/* A link opened while signed in may be for another account: let it through. */}
        <Route exact path="/auth/verify" component={Verify} />
        <Route exact path="/login" render={() => <Redirect to="/inbox" />} />
        <Route render={() => <Redirect to="/inbox" />} />
      </IonRouterOutlet>
    </IonSplitPane>
  );
}

/** Signed out: only the login and link-verification pages exist; everything else goes to /login. */
function SignedOutShell() {
  return (
    <IonRouterOutlet id="public">
      <Route exact path="/login" component={Login} />
      <Route exact path="/auth/verify" component={Verify} />
      <Route render={() => <Redirect to="/login" />} />
    </IonRouterOutlet>
  );
}

export function App() {
  const signedIn = useAuthStore(selectIsAuthenticated);
  return (
    <IonApp>
      <IonReactRouter>{signedIn ? <SignedInShell /> : <SignedOutShell />}</IonReactRouter>
    </IonApp>
  );
}

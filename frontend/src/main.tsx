import { setupIonicReact } from '@ionic/react';
import { StrictMode, Suspense } from 'react';
import { createRoot } from 'react-dom/client';

import '@ionic/react/css/core.css';
import '@ionic/react/css/normalize.css';
import '@ionic/react/css/structure.css';
import '@ionic/react/css/typography.css';
import '@ionic/react/css/padding.css';
import '@ionic/react/css/flex-utils.css';
import '@ionic/react/css/display.css';
import './theme.css';

import { App } from './App';
import { refreshMe } from './shared/auth/api';
import { selectIsAuthenticated, useAuthStore } from './shared/auth/store';
import { useConfigStore } from './shared/config/store';
import { initI18n } from './shared/i18n';

setupIonicReact();
void initI18n();
void useConfigStore.getState().load();
if (selectIsAuthenticated(useAuthStore.getState())) {
  // The cached user renders at once; this picks up renamed tenants, new memberships, etc.
  refreshMe().catch(() => undefined);
  // Signed in, the root and unknown paths land in the inbox too.
  const path = window.location.pathname;
  if (path === '/' || path === '/inbox' || path.startsWith('/inbox/')) {
    // The inbox's code, data and texts at once (App's lazy route reuses this import).
    void import('./apps/inbox/pages/InboxPage');
    void import('./apps/inbox/data').then(({ preloadInbox }) => preloadInbox());
  }
}

const root = document.getElementById('root');
if (!root) throw new Error('#root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <Suspense fallback={null}>
      <App />
    </Suspense>
  </StrictMode>,
);

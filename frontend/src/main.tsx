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

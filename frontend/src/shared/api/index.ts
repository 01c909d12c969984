import { useAuthStore } from '../auth/store';
import { currentLanguage } from '../i18n/languages';
import { createApiClient } from './client';

export { ApiError } from './errors';
export type { FieldErrors } from './errors';
export type { TokenPair, ApiClient } from './client';
export * from './types';

/**
 * The app-wide client, bound to the persisted auth store. Same origin in the browser (the
 * backend serves the app); a native build (Capacitor) sets VITE_API_URL to the backend's URL,
 * whose NATIVE_APP_ORIGINS must then list the app's origin.
 */
export const api = createApiClient({
  baseUrl: import.meta.env.VITE_API_URL ?? '',
  getAccessToken: () => useAuthStore.getState().access,
  getRefreshToken: () => useAuthStore.getState().refresh,
  getTenant: () => useAuthStore.getState().tenantSlug,
  getLanguage: currentLanguage,
  onTokens: (tokens) => useAuthStore.getState().setTokens(tokens),
  onAuthLost: () => useAuthStore.getState().clear(),
});

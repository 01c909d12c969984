import { useAuthStore } from '../auth/store';
import { currentLanguage } from '../i18n/languages';
import { createApiClient } from './client';

export { ApiError } from './errors';
export type { FieldErrors } from './errors';
export type { TokenPair, ApiClient } from './client';
export * from './types';

/** The app-wide client, bound to the persisted auth store. */
export const api = createApiClient({
  getAccessToken: () => useAuthStore.getState().access,
  getRefreshToken: () => useAuthStore.getState().refresh,
  getTenant: () => useAuthStore.getState().tenantSlug,
  getLanguage: currentLanguage,
  onTokens: (tokens) => useAuthStore.getState().setTokens(tokens),
  onAuthLost: () => useAuthStore.getState().clear(),
});

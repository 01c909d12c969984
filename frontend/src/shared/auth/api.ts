import { api } from '../api';
import type { TokenPair } from '../api/client';
import type { User, UserUpdate } from '../api/types';
import { changeLanguage } from '../i18n';
import { useAuthStore } from './store';

/** Always answers 202 whether or not the address is known (no account enumeration). */
export function requestMagicLink(email: string): Promise<void> {
  return api.post<void>('/api/v1/auth/magic-link', { email }, { auth: false });
}

export function fetchMe(): Promise<User> {
  return api.get<User>('/api/v1/users/me');
}

export async function updateMe(changes: UserUpdate): Promise<User> {
  const user = await api.patch<User>('/api/v1/users/me', changes);
  useAuthStore.getState().setUser(user);
  if (changes.preferred_language) await changeLanguage(user.preferred_language);
  return user;
}

/**
 * Exchanges the one-time token from the e-mail for a JWT pair, loads the user, then stores
 * both together and applies the user's language.
 */
export async function loginWithMagicToken(token: string): Promise<User> {
  const tokens = await api.post<TokenPair>('/api/v1/auth/token', { token }, { auth: false });
  const user = await api.get<User>('/api/v1/users/me', {
    auth: false,
    headers: { Authorization: `Bearer ${tokens.access}` },
  });
  useAuthStore.getState().setSession(tokens, user);
  await changeLanguage(user.preferred_language);
  return user;
}

/** Refreshes the cached user (e.g. at start-up); a dead session ends up cleared by the client. */
export async function refreshMe(): Promise<User> {
  const user = await fetchMe();
  useAuthStore.getState().setUser(user);
  return user;
}

/** Blacklists the refresh token server-side, then forgets the session whatever the answer was. */
export async function logout(): Promise<void> {
  const { refresh, clear } = useAuthStore.getState();
  try {
    if (refresh) await api.post<void>('/api/v1/auth/logout', { refresh });
  } catch {
    // The local session ends regardless; the token expires on its own.
  } finally {
    clear();
  }
}

import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';
import type { TokenPair } from '../api/client';
import type { Membership, User } from '../api/types';

export const AUTH_STORAGE_KEY = 'atendo.auth';

export interface AuthState {
  access: string | null;
  refresh: string | null;
  user: User | null;
  /** Slug of the tenant the UI works in; sent as X-Tenant on every call. */
  tenantSlug: string | null;
  setTokens: (tokens: TokenPair) => void;
  /** Stores tokens and user in one update so the UI never sees a half-logged-in state. */
  setSession: (tokens: TokenPair, user: User) => void;
  setUser: (user: User) => void;
  setTenant: (slug: string) => void;
  clear: () => void;
}

export function activeMemberships(user: User | null): Membership[] {
  return user?.memberships.filter((m) => m.status === 'active') ?? [];
}

/** Keeps the chosen tenant while the user is still an active member of it, else the first active one. */
export function reconcileTenant(user: User, current: string | null): string | null {
  const active = activeMemberships(user);
  if (current && active.some((m) => m.tenant.slug === current)) return current;
  return active[0]?.tenant.slug ?? null;
}

const empty = { access: null, refresh: null, user: null } as const;

type StoredSession = Pick<AuthState, 'access' | 'refresh' | 'user' | 'tenantSlug'>;

/**
 * Sessions stored before memberships carried their permissions (version 1) keep working: no
 * permission until the start-up refresh of `/users/me` brings the server's answer.
 */
export function migrateStoredSession(stored: unknown, version: number): StoredSession {
  const session = stored as StoredSession;
  if (version < 2 && session.user) {
    const memberships = session.user.memberships.map((m) => ({ ...m, permissions: m.permissions ?? { tenant_wide: [], scoped: [] } }));
    return { ...session, user: { ...session.user, memberships } };
  }
  return session;
}

export const useAuthStore = create<AuthState>()(
  persist(
    (set, get) => ({
      ...empty,
      tenantSlug: null,
      setTokens: ({ access, refresh }) => set({ access, refresh }),
      setSession: ({ access, refresh }, user) =>
        set({ access, refresh, user, tenantSlug: reconcileTenant(user, get().tenantSlug) }),
      setUser: (user) => set({ user, tenantSlug: reconcileTenant(user, get().tenantSlug) }),
      setTenant: (slug) => {
        if (activeMemberships(get().user).some((m) => m.tenant.slug === slug)) set({ tenantSlug: slug });
      },
      // The tenant choice survives logout: the same person usually logs back into the same place.
      clear: () => set({ ...empty }),
    }),
    {
      name: AUTH_STORAGE_KEY,
      version: 2,
      storage: createJSONStorage(() => localStorage),
      partialize: ({ access, refresh, user, tenantSlug }) => ({ access, refresh, user, tenantSlug }),
      migrate: migrateStoredSession,
    },
  ),
);

export const selectIsAuthenticated = (s: AuthState) => Boolean(s.refresh && s.user);

export function selectCurrentMembership(s: AuthState): Membership | null {
  return activeMemberships(s.user).find((m) => m.tenant.slug === s.tenantSlug) ?? null;
}

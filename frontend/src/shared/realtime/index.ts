import { useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { selectCurrentMembership, useAuthStore } from '../auth/store';
import { useConfigStore } from '../config/store';
import { RealtimeClient, type StreamOptions, type StreamStatus, type Subscription } from './client';
import { expiresSoon } from './token';

export type { RealtimeHandlers, RealtimeEventMap, RealtimeEventName } from './events';
export type { StreamStatus, Subscription } from './client';

/** `websocket_url` from /api/v1/config; empty means the page's own origin. */
export function websocketBase(configured: string | undefined, location: Pick<Location, 'protocol' | 'host'>): string {
  if (configured) return configured.replace(/\/+$/, '');
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}`;
}

async function resolveToken(forceRefresh: boolean): Promise<string | null> {
  const access = useAuthStore.getState().access;
  if (access && !forceRefresh && !expiresSoon(access)) return access;
  if (!useAuthStore.getState().refresh) return null;
  return api.refreshAccessToken();
}

/** The app's one realtime client, bound to the signed-in session and the server config. */
export const realtime = new RealtimeClient({
  resolveBaseUrl: async () =>
    websocketBase(
      (await useConfigStore.getState().load())?.websocket_url,
      // A native build talks to the backend at VITE_API_URL, not to the page's own origin.
      import.meta.env.VITE_API_URL ? new URL(import.meta.env.VITE_API_URL) : window.location,
    ),
  resolveToken,
  currentTenant: () => selectCurrentMembership(useAuthStore.getState())?.tenant ?? null,
});

// A different tenant or user means different streams: close them; pages reopen their own.
useAuthStore.subscribe((state, previous) => {
  if (state.tenantSlug !== previous.tenantSlug || state.user?.id !== previous.user?.id) realtime.closeAll();
});

/**
 * Keeps one stream open while the component is mounted (and `path` is not null); returns its
 * status. `resync` may change between renders: the latest one is used.
 */
export function useRealtimeStream(
  path: string | null,
  resync: StreamOptions['resync'],
  onSubscription?: (subscription: Subscription | null) => void,
): StreamStatus {
  const tenantSlug = useAuthStore((s) => s.tenantSlug);
  const key = path && tenantSlug ? `${tenantSlug}/${path}` : null;
  const [reported, setReported] = useState<{ key: string; status: StreamStatus } | null>(null);
  const latest = useLatest({ resync, onSubscription });

  useEffect(() => {
    if (!key || !path) return;
    const announce = (subscription: Subscription | null) => latest.current.onSubscription?.(subscription);
    const subscription = realtime.subscribe({
      path,
      resync: () => latest.current.resync?.(),
      onStatus: (status) => setReported({ key, status }),
    });
    announce(subscription);
    return () => {
      announce(null);
      subscription.close();
    };
  }, [key, path, latest]);

  return reported && reported.key === key ? reported.status : 'connecting';
}

/** A ref that always holds the latest render's value, for callbacks that outlive a render. */
function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value);
  useEffect(() => {
    ref.current = value;
  });
  return ref;
}

// localStorage/sessionStorage that never throws (disabled storage, Safari private mode, sandboxed
// iframes): the widget then simply forgets the session on reload.

function safe(kind: 'localStorage' | 'sessionStorage'): Storage | null {
  try {
    return window[kind];
  } catch {
    return null;
  }
}

export function read(kind: 'localStorage' | 'sessionStorage', key: string): string | null {
  try {
    return safe(kind)?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

export function write(kind: 'localStorage' | 'sessionStorage', key: string, value: string | null): void {
  try {
    const store = safe(kind);
    if (!store) return;
    if (value === null) store.removeItem(key);
    else store.setItem(key, value);
  } catch {
    // quota or disabled: not fatal
  }
}

export const sessionKey = (token: string) => `atendo:${token}:session`;
export const openKey = (token: string) => `atendo:${token}:open`;

// Where the widget finds its token and the Atendo origin: window.AtendoWidgetConfig (set by the
// tenant loader `/widget/{token}.js`), or else the data-* attributes of its own <script> tag.

import type { BootConfig } from './types';

export interface Identity {
  identifier?: string;
  identifier_hash?: string;
}

declare global {
  interface Window {
    AtendoWidgetConfig?: Partial<BootConfig>;
    /** Optional, set by the host site for identity verification (HMAC computed by its server). */
    AtendoWidgetIdentity?: Identity;
  }
}

function originOf(src: string | null | undefined, fallback: string): string {
  if (!src) return fallback;
  try {
    return new URL(src, fallback).origin;
  } catch {
    return fallback;
  }
}

export function readBootConfig(win: Window, script: HTMLScriptElement | null): BootConfig | null {
  const pageOrigin = win.location.origin;
  const scriptOrigin = originOf(script?.src, pageOrigin);
  const given = win.AtendoWidgetConfig;
  if (given && typeof given.token === 'string' && given.token) {
    return {
      token: given.token,
      apiBase: (typeof given.apiBase === 'string' && given.apiBase) || scriptOrigin,
      wsBase: typeof given.wsBase === 'string' ? given.wsBase : '',
    };
  }
  const tag =
    script && script.getAttribute('data-token')
      ? script
      : win.document.querySelector<HTMLScriptElement>('script[data-token][src*="atendo-widget"]');
  const token = tag?.getAttribute('data-token');
  if (!tag || !token) return null;
  return {
    token,
    apiBase: tag.getAttribute('data-api-base') || originOf(tag.src, pageOrigin),
    wsBase: tag.getAttribute('data-ws-base') || '',
  };
}

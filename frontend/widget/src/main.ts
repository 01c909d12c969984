// Entry of the IIFE bundle /widget-assets/atendo-widget.js. Mounts one widget per page.

import { readBootConfig } from './boot';
import { pickLanguage } from './i18n';
import { Widget } from './widget';

declare global {
  interface Window {
    __atendoWidget?: Widget;
  }
}

// Only valid while this script is first evaluated (null for modules and later callbacks).
const ownScript = document.currentScript instanceof HTMLScriptElement ? document.currentScript : null;

function start(): void {
  if (window.__atendoWidget) return;
  const boot = readBootConfig(window, ownScript);
  if (!boot) {
    console.warn('[Atendo] widget: no window.AtendoWidgetConfig and no <script data-token>; not starting');
    return;
  }
  const widget = new Widget(boot, pickLanguage(navigator));
  window.__atendoWidget = widget;
  void widget.mount();
}

if (document.body) start();
else document.addEventListener('DOMContentLoaded', start, { once: true });

/** Public API on window.AtendoWidget for the host page. */
export function open(): void {
  window.__atendoWidget?.open();
}

export function close(): void {
  window.__atendoWidget?.close();
}

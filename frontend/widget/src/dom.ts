// DOM helpers. Nothing in the widget ever assigns innerHTML/outerHTML or uses insertAdjacentHTML:
// every server- or visitor-supplied string reaches the page through textContent or a checked
// attribute, so "<script>" in a message is shown as those characters.

type Child = Node | string | null | undefined | false;
type Props = Record<string, string | number | boolean | null | undefined>;

/** Creates an element; string children become text nodes, attributes go through setAttribute. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const key of Object.keys(props)) {
    const value = props[key];
    if (value === null || value === undefined || value === false) continue;
    if (/^on/i.test(key)) throw new Error(`h(): event handler attributes are not allowed (${key})`);
    el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Sets an element's text, dropping whatever it contained (never parsed as HTML). */
export function setText(el: Node, text: string): void {
  el.textContent = text;
}

/**
 * An absolute http(s) URL for an attachment link or image, resolved against the Atendo origin;
 * null for anything else (javascript:, data:, vbscript:, malformed).
 */
export function safeUrl(url: string, base: string): string | null {
  try {
    const parsed = new URL(url, base);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** "#rrggbb" or "#rgb" as given; the fallback for anything that could smuggle CSS. */
export function safeColor(value: unknown, fallback = '#2f6fed'): string {
  return typeof value === 'string' && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(value) ? value : fallback;
}

/** Text colour for `hex`: white if it reaches 4.5:1 (WCAG AA), else whichever contrasts more. */
export function contrastText(hex: string): '#000000' | '#ffffff' {
  let c = hex.replace('#', '');
  if (c.length === 3) c = c.replace(/./g, (x) => x + x);
  const channel = (i: number) => {
    const v = parseInt(c.slice(i, i + 2), 16) / 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  };
  const lum = 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4);
  const onWhite = 1.05 / (lum + 0.05);
  // White whenever it passes WCAG AA for normal text (brand colours usually look best that way).
  return onWhite >= 4.5 || onWhite >= (lum + 0.05) / 0.05 ? '#ffffff' : '#000000';
}

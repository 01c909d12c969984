/**
 * An ionicons SVG imported on its own (`import svg from 'ionicons-svg/x.svg?raw'`, an alias in vite.config.ts) as an
 * `<IonIcon icon>` value. `ionicons/icons` is a single module, so every icon taken from it
 * anywhere in the app ends up in the entry chunk; icons imported one by one stay in the
 * (lazy) chunk that shows them.
 */
export function svgIcon(svg: string): string {
  // The `;utf8,` form is parsed in place by ion-icon (no fetch, fine under a strict CSP).
  return `data:image/svg+xml;utf8,${svg}`;
}

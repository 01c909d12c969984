/// <reference types="vitest/config" />
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
// `.js`: Vite's native config loader wants explicit extensions; TypeScript maps it to the .ts file.
import { emojiDataPlugin } from './src/apps/inbox/emoji/dataPlugin.js';

// During `npm run dev` / `npm run preview` the API lives on the Django dev server;
// in production the backend serves dist/ itself, so the client always uses same-origin URLs.
const apiTarget = process.env.ATENDO_API_URL ?? 'http://127.0.0.1:8000';
const proxy = {
  '/api': { target: apiTarget, changeOrigin: false },
  '/ws': { target: apiTarget.replace(/^http/, 'ws'), ws: true },
};

// Single ionicons SVGs, `import svg from 'ionicons-svg/name.svg?raw'` (see src/shared/ui/svgIcon.ts):
// the package exports only its all-icons module, whose icons all land in the entry chunk.
const ioniconsSvg = join(dirname(createRequire(import.meta.url).resolve('ionicons')), 'svg');

export default defineConfig({
  plugins: [react(), emojiDataPlugin()],
  resolve: { alias: { 'ionicons-svg': ioniconsSvg } },
  server: { proxy },
  preview: { proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    // The shared Ionic runtime (overlays, router, gestures) is ~620 kB raw / ~140 kB gzip.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      treeshake: {
        // @ionic/core ships no "sideEffects" flag, so every web component that @ionic/react's
        // barrel imports would be bundled. Its per-component modules only declare classes and
        // register them when their React wrapper calls defineCustomElement: safe to drop unused.
        moduleSideEffects: (id: string) => !/[\\/]@ionic[\\/]core[\\/]components[\\/]ion-[\w-]+\.js$/.test(id),
      },
    },
  },
  test: {
    environment: 'jsdom',
    globals: false,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    server: { deps: { inline: ['@ionic/react', '@ionic/core', 'ionicons'] } },
  },
});

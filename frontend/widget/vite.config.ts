/// <reference types="vitest/config" />
// The embeddable Web Chat widget: one self-contained IIFE (no runtime dependencies) that the
// tenant's loader (`GET /widget/{token}.js`, served by the backend) pulls in from
// `/widget-assets/atendo-widget.js`. Built after the app, into dist/widget-assets/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: here,
  publicDir: false,
  build: {
    outDir: fileURLToPath(new URL('../dist/widget-assets', import.meta.url)),
    // Only its own folder: the app's build (which runs first) owns the rest of dist/.
    emptyOutDir: true,
    target: 'es2019',
    minify: true,
    sourcemap: false,
    reportCompressedSize: true,
    lib: {
      entry: fileURLToPath(new URL('./src/main.ts', import.meta.url)),
      formats: ['iife'],
      name: 'AtendoWidget',
      fileName: () => 'atendo-widget.js',
    },
  },
  test: {
    root: here,
    environment: 'jsdom',
    globals: false,
    include: ['src/**/*.test.ts'],
  },
});

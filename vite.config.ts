// Builds the Preact inspector (ui/ -> dist/ui) and configures vitest for test/.

import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('./ui', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [preact()],
  build: { outDir: '../dist/ui', emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 200 },
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});

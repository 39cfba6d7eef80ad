import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The agent console and the customer-phone simulator page: two HTML entries under `src/web`, built into
 * `dist/web` (served by the Tsunagi server). `npm run dev:web` serves them with hot reload and proxies the
 * API to a Tsunagi on port 3000.
 */
export default defineConfig({
  root: path.join(here, 'src/web'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.join(here, 'dist/web'),
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or styles in the HTML: the server's CSP allows script-src 'self' only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    // ECharts (bar, line, heatmap, tooltip, legend, visual map, canvas) is one lazy chunk of ~570 kB (~190 kB
    // gzipped) that only the Analytics page fetches; the console's own entry stays far below this limit.
    chunkSizeWarningLimit: 600,
    rollupOptions: {
      // A dependency's misplaced `@__PURE__` comment (zod's) is Rollup's note to that library, not something a
      // newcomer's first build can act on: dropped instead of printed on `npm install` / first `npm start`.
      onwarn(warning, warn) {
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
      input: {
        console: path.join(here, 'src/web/index.html'),
        simulator: path.join(here, 'src/web/simulator.html'),
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/simulator/control': 'http://127.0.0.1:3000',
    },
  },
});

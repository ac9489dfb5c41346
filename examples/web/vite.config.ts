/**
 * The demo page: `npm run web` (dev server), `npm run web:build` then `npm run web:preview`.
 * Both servers send COOP/COEP, so the page is cross-origin isolated (tfjs-wasm may use threads).
 * The page imports the packages' ES module builds (both scripts build them first). A default
 * production build (minified): @mrcnn/engine keeps tfjs-wasm's threaded workers working in it.
 */
import * as path from 'path';
import { defineConfig } from 'vite';
import { offlineAssets } from './vite/offline_assets';

const repo = path.resolve(__dirname, '..', '..');
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: __dirname,
  base: './',
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020', chunkSizeWarningLimit: 4096 },
  plugins: [
    offlineAssets([
      { prefix: 'tfjs-wasm/', dir: path.join(repo, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist'), only: [
        'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] },
      { prefix: 'default-model/', dir: path.join(repo, 'packages', 'model', 'default-model') },
      { prefix: 'samples/', dir: path.join(repo, 'test', 'fixtures', 'images'), only: ['chelsea.png', 'astronaut.png', 'rocket.jpg'] },
    ]),
  ],
});

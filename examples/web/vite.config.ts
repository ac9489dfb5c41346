/**
 * The demo page: `npm run web` (dev server), `npm run web:build` then `npm run web:preview`.
 * Both servers send COOP/COEP, so the page is cross-origin isolated (tfjs-wasm may use threads).
 * The page imports the packages' ES module builds (`npm run build` first).
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
  // Not minified: tfjs-backend-wasm hands its Emscripten factory to its worker threads as source text
  // (Function.toString), and a minifier's renaming breaks it ("e is not defined" in the workers).
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2020', chunkSizeWarningLimit: 4096, minify: false },
  plugins: [
    offlineAssets([
      { prefix: 'tfjs-wasm/', dir: path.join(repo, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist'), only: [
        'tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] },
      { prefix: 'default-model/', dir: path.join(repo, 'packages', 'model', 'default-model') },
      { prefix: 'samples/', dir: path.join(repo, 'test', 'fixtures', 'images'), only: ['chelsea.png', 'astronaut.png', 'rocket.jpg'] },
    ]),
  ],
});

/**
 * The RoIAlign micro-benchmark in headless Chromium (webgl on SwiftShader, and wasm with
 * tfjs's threaded SIMD build on the cross-origin-isolated page), driven through the engine's
 * Chromium test harness (test/helpers/chromium_harness.ts): `node benchmarks/roi_align/run.mjs chromium [--quick] [--threads N]`
 * writes benchmarks/results/roi_align_chromium.{json,md}.
 */
import * as fs from 'fs';
import * as path from 'path';
import { openChromiumPage } from '../../test/helpers/chromium_harness';
import { roiAlignBenchMarkdown } from './report';

type SourcesPlugin = (o: { root: string }) => import('esbuild').Plugin;
// Bundled into roi_align/dist: the repository root is passed, not derived from this file's place.
const { workspaceSourcesPlugin } = require('../../scripts/workspace.cjs') as { workspaceSourcesPlugin: SourcesPlugin };

async function main(argv: string[]): Promise<void> {
  const root = path.resolve(__dirname, '..', '..', '..');
  const quick = argv.includes('--quick');
  const ti = argv.indexOf('--threads');
  const threads = ti >= 0 ? Number(argv[ti + 1]) : undefined;
  const chrome = await openChromiumPage(path.join(root, 'benchmarks', 'roi_align', 'browser_page.ts'), {
    readyGlobal: 'roiAlignBench', plugins: [workspaceSourcesPlugin({ root })],
  });
  try {
    const result = await chrome.page.evaluate((o) => self.roiAlignBench(o),
      { backends: ['webgl', 'wasm'] as const, quick, threads, wasmPaths: '/tfjs-wasm/' });
    const command = `node benchmarks/roi_align/run.mjs chromium ${argv.join(' ')}`.trim();
    const out = path.join(root, 'benchmarks', 'results');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'roi_align_chromium.json'), `${JSON.stringify({ ...result, command }, null, 1)}\n`);
    const md = roiAlignBenchMarkdown(result, command).replace('# RoIAlign micro-benchmark', '# RoIAlign micro-benchmark in headless Chromium (SwiftShader WebGL)');
    fs.writeFileSync(path.join(out, 'roi_align_chromium.md'), md);
    process.stdout.write(md);
  } catch (e) {
    process.stderr.write(`${chrome.console.join('\n')}\n`);
    throw e;
  } finally {
    await chrome.close();
  }
}

main(process.argv.slice(2)).then(() => process.exit(0), (e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});

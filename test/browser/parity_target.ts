/**
 * The parity suite's target in headless Chromium (test/parity/parity_suite.ts `target`): the suite's
 * weights as a model.json served from 127.0.0.1, the goldens served from disk as they are asked for,
 * one page per backend (parity_page.ts) that loads the model and answers each stage check with the
 * in-process runner's code. Only plain results cross to the jest side, never tensors.
 * Fails, never skips, when /usr/bin/chromium is missing.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { EnabledBackend } from '@mrcnn/engine';
import { readTensorDumpBin } from '../helpers/tensor_dump';
import type { ParityTarget, ParityTargetFactory } from '../parity/parity_suite';
import type { StageRunner } from '../parity/stage_runner';
import {
  bundlePage, ChromiumSession, memoryFiles, Responder, serveIsolated, testPageHtml, tfjsWasmBinaries, launchChromium,
} from './chromium';
import { oracleModelFiles } from './oracle_model_files';
import type { ParityPageGlobal, StageCheck } from './parity_page';

const PAGE = path.join(__dirname, 'parity_page.ts');

export type PageBackendInfo = EnabledBackend & { isolated: boolean };

/** Golden stems by URL (`/golden/<k>` + '.json' or '.bin'), registered as the suite opens them; read on request. */
function goldenFiles(stems: string[]): Responder {
  return (pathname) => {
    const m = /^\/golden\/(\d+)\.(json|bin)$/.exec(pathname);
    const stem = m === null ? undefined : stems[Number(m[1])];
    if (m === null || stem === undefined) return undefined;
    return m[2] === 'json'
      ? { body: fs.readFileSync(`${stem}.json`), type: 'application/json' }
      : { body: readTensorDumpBin(stem), type: 'application/octet-stream' };
  };
}

/** Runs `fn` on the page; a page error comes back with the page's console. */
async function onPage<T>(chrome: ChromiumSession, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw new Error(`${what}: ${String(e)}\npage console:\n${chrome.console.slice(-40).join('\n')}`);
  }
}

function pageRunner(chrome: ChromiumSession): StageRunner {
  const call = <T>(name: StageCheck, ...args: unknown[]): Promise<T> => onPage(chrome, name, () => chrome.page.evaluate(
    ([n, a]) => (self as unknown as ParityPageGlobal).mrcnnParity.check(n, a), [name, args] as const) as Promise<T>);
  return {
    input: () => call('input'),
    backbone: () => call('backbone'),
    fpn: () => call('fpn'),
    rpn: () => call('rpn'),
    roiFeatures: (negativeZero) => call('roiFeatures', negativeZero),
    boxHead: () => call('boxHead'),
    detections: (opts) => call('detections', opts),
    proposals: (scoreTol, boxTol, tieTol) => call('proposals', scoreTol, boxTol, tieTol),
    masks: () => call('masks'),
    execute: (opts) => call('execute', opts),
    close: () => onPage(chrome, 'closeGolden', () => chrome.page.evaluate(() => (self as unknown as ParityPageGlobal).mrcnnParity.closeGolden())),
  };
}

/**
 * A target factory for describeParity: the suite's model on `backend` in headless Chromium.
 * `checkInfo` sees what initBackend reported on the page (e.g. the WebGPU adapter).
 */
export function chromiumParityTarget(checkInfo?: (info: PageBackendInfo) => void): ParityTargetFactory {
  return async (suite, backend): Promise<ParityTarget> => {
    const model = oracleModelFiles(suite.weightsStem, suite.config, 'test/browser/parity_target.ts');
    const stems: string[] = [];
    const urlOf = (stem: string): string => {
      let k = stems.indexOf(stem);
      if (k < 0) k = stems.push(stem) - 1;
      return `/golden/${k}`;
    };
    const server = await serveIsolated(memoryFiles({
      '/': testPageHtml('mrcnn parity'),
      '/bundle.js': await bundlePage(PAGE, { nodeBuiltins: 'stub' }),
      '/model/model.json': { body: model.modelJson, type: 'application/json' },
      '/model/weights.bin': { body: model.weightsBin, type: 'application/octet-stream' },
    }), goldenFiles(stems), tfjsWasmBinaries());
    let chrome: ChromiumSession | undefined;
    const close = async (): Promise<void> => {
      await chrome?.close();
      await server.close();
    };
    try {
      chrome = await launchChromium();
      const c = chrome;
      await c.page.goto(`${server.origin}/`);
      await onPage(c, 'page load', () => c.page.waitForFunction(() => 'mrcnnParity' in self));
      const info = await onPage(c, `initBackend('${backend}')`, () => c.page.evaluate(
        (b) => (self as unknown as ParityPageGlobal).mrcnnParity.init(b), backend));
      checkInfo?.(info);
      await onPage(c, 'model load', () => c.page.evaluate(() => (self as unknown as ParityPageGlobal).mrcnnParity.load('/model/model.json')));
      return {
        open: async (stem, fromImage, imageStem) => {
          const url = urlOf(stem);
          const imageUrl = imageStem === undefined ? null : urlOf(imageStem);
          await onPage(c, `open ${path.basename(stem)}`, () => c.page.evaluate(([u, f, i]) => (self as unknown as ParityPageGlobal)
            .mrcnnParity.openGolden(u, f, i), [url, fromImage, imageUrl] as const));
          return pageRunner(c);
        },
        close: async () => {
          await c.page.evaluate(() => (self as unknown as ParityPageGlobal).mrcnnParity.dispose()).catch(() => undefined);
          await close();
        },
      };
    } catch (e) {
      await close();
      throw e;
    }
  };
}

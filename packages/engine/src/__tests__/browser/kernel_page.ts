/**
 * Browser side of the kernel suite in headless Chromium (kernels/kernel_suite.browser.test.ts):
 * bundled by esbuild, it exposes `self.mrcnnTest` so the jest side can initialise a backend and
 * run the suite's cases (__tests__/kernel_cases.ts) on it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../backends';
import type { EnabledBackend, InitBackendOptions } from '../../registry/enabled_backend';
import { winogradSupported } from '../../ops/winograd_conv2d';
import { RoIAlignCase, RoIAlignCaseResult, runRoIAlignCase, runWinogradCase } from '../kernel_cases';
import type { InitOutcome } from '../kernel_suite';

/** What a page's init reports: the suite's outcome, with whether the page is cross-origin isolated. */
export type PageInitOutcome = InitOutcome & { info?: EnabledBackend & { isolated: boolean } };

async function init(name: string, opts: InitBackendOptions = {}): Promise<PageInitOutcome> {
  try {
    const info = await initBackend(name, opts);
    return { ok: true, info: { ...info, isolated: self.crossOriginIsolated === true }, winogradKernels: winogradSupported(name) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.name : typeof e, message: e instanceof Error ? e.message : String(e) };
  }
}

/** Feature maps by RoIAlignCase.levelsKey, sent once per page (plain arrays, no tensors). */
const storedLevels = new Map<string, RoIAlignCase['levels']>();

function storeLevels(key: string, levels: RoIAlignCase['levels']): void {
  storedLevels.set(key, levels);
}

/** A case whose levels were stored under its levelsKey. */
function roiAlign(c: Omit<RoIAlignCase, 'levels'>): Promise<RoIAlignCaseResult> {
  const levels = storedLevels.get(c.levelsKey);
  if (levels === undefined) throw new Error(`kernel page: no levels stored under ${c.levelsKey}`);
  return runRoIAlignCase({ ...c, levels });
}

export interface MrcnnTestApi {
  init: typeof init;
  storeLevels: typeof storeLevels;
  roiAlign: typeof roiAlign;
  winograd: typeof runWinogradCase;
  backend(): string;
}

declare global {
  interface Window { mrcnnTest: MrcnnTestApi }
}

const api: MrcnnTestApi = { init, storeLevels, roiAlign, winograd: runWinogradCase, backend: () => tf.getBackend() };
self.mrcnnTest = api;

/**
 * The golden kernel suite (__tests__/kernel_suite.ts) in Node: every registered backend whose
 * capabilities include Node runs it in this process (cpu, wasm with tfjs's SIMD build, 1 thread;
 * the threaded build: backends.threaded.test.ts); the others are reported and must refuse to
 * initialise here.
 */
import { initBackend } from '../backends';
import { runRoIAlignCase, runWinogradCase } from '../__tests__/kernel_cases';
import { describeKernelSuite, InitOutcome, KernelSuiteTarget } from '../__tests__/kernel_suite';
import { winogradSupported } from '../ops/winograd_conv2d';

async function init(name: string, opts: Parameters<typeof initBackend>[1]): Promise<InitOutcome> {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined); // tfjs warns before a refusal
  try {
    const info = await initBackend(name, opts);
    return { ok: true, info, winogradKernels: winogradSupported(name) };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.name : typeof e, message: e instanceof Error ? e.message : String(e) };
  } finally {
    warn.mockRestore();
  }
}

const inProcess: KernelSuiteTarget = {
  init,
  roiAlign: runRoIAlignCase,
  winograd: runWinogradCase,
  close: async () => undefined,
};

describeKernelSuite({
  environment: 'node',
  openTarget: async () => inProcess,
  initOptions: () => ({}),
});

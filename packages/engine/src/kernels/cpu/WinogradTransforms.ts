/**
 * Winograd input and output transforms on the cpu backend (reference impls in place): F(2x2, 3x3)
 * per position, and F(2x2) / F(4x4) with the positions stacked.
 */
import { KernelBackend } from '@tensorflow/tfjs-core';
import {
  WINOGRAD_PRODUCT_NAMES, WinogradInputTransform, WinogradOutputTransform, winogradPositions, WinogradStackedInput,
  WinogradStackedOutput,
} from '../../kernel_names';
import {
  resolveWinogradInputAttrs, resolveWinogradOutputAttrs, resolveWinogradStackedInputAttrs, resolveWinogradStackedOutputAttrs,
} from '../../winograd_attrs';
import { TypedKernel } from '../typed_kernel';
import { float32Values } from './float32_values';
import { winogradInputTransformImpl, winogradOutputTransformImpl, winogradTiles } from './winograd_impl';
import { winogradStackedInputImpl, winogradStackedOutputImpl, winogradStackedTiles } from './winograd_stacked_impl';

const isCpu = (b: object): b is KernelBackend => b instanceof KernelBackend;

export const winogradInputTransformCpu: TypedKernel<KernelBackend, typeof WinogradInputTransform> = {
  kernelName: WinogradInputTransform,
  backendName: 'cpu',
  isBackend: isCpu,
  kernelFunc({ inputs, backend, attrs }) {
    const { firstPosition, numPositions } = resolveWinogradInputAttrs(attrs);
    const { x } = inputs;
    const [n, h, w, c] = x.shape;
    const mats = winogradInputTransformImpl(float32Values(backend, x, WinogradInputTransform), n, h, w, c)
      .slice(firstPosition, firstPosition + numPositions);
    const shape = [winogradTiles(n, h, w), c];
    return mats.map((m) => ({ dataId: backend.write(m, shape, 'float32'), shape, dtype: 'float32' as const }));
  },
};

export const winogradOutputTransformCpu: TypedKernel<KernelBackend, typeof WinogradOutputTransform> = {
  kernelName: WinogradOutputTransform,
  backendName: 'cpu',
  isBackend: isCpu,
  kernelFunc({ inputs, backend, attrs }) {
    const a = resolveWinogradOutputAttrs(attrs);
    const m = WINOGRAD_PRODUCT_NAMES.map((name) => float32Values(backend, inputs[name], WinogradOutputTransform));
    const [t, c] = inputs.m0.shape;
    const { bias } = inputs;
    const n = t / winogradTiles(1, a.height, a.width);
    const out = winogradOutputTransformImpl(m, bias ? float32Values(backend, bias, WinogradOutputTransform) : undefined,
      n, a.height, a.width, c, a.activation === 'relu');
    const shape = [n, a.height, a.width, c];
    return { dataId: backend.write(out, shape, 'float32'), shape, dtype: 'float32' };
  },
};

export const winogradStackedInputCpu: TypedKernel<KernelBackend, typeof WinogradStackedInput> = {
  kernelName: WinogradStackedInput,
  backendName: 'cpu',
  isBackend: isCpu,
  kernelFunc({ inputs, backend, attrs }) {
    const { outputTile } = resolveWinogradStackedInputAttrs(attrs);
    const { x } = inputs;
    const [n, h, w, c] = x.shape;
    const out = winogradStackedInputImpl(outputTile, float32Values(backend, x, WinogradStackedInput), n, h, w, c);
    const shape = [winogradPositions(outputTile), winogradStackedTiles(outputTile, n, h, w), c];
    return { dataId: backend.write(out, shape, 'float32'), shape, dtype: 'float32' };
  },
};

export const winogradStackedOutputCpu: TypedKernel<KernelBackend, typeof WinogradStackedOutput> = {
  kernelName: WinogradStackedOutput,
  backendName: 'cpu',
  isBackend: isCpu,
  kernelFunc({ inputs, backend, attrs }) {
    const { m, bias } = inputs;
    const a = resolveWinogradStackedOutputAttrs(attrs, m.shape);
    const [, t, c] = m.shape;
    const n = t / winogradStackedTiles(a.outputTile, 1, a.height, a.width);
    const out = winogradStackedOutputImpl(a.outputTile, float32Values(backend, m, WinogradStackedOutput),
      bias ? float32Values(backend, bias, WinogradStackedOutput) : undefined, n, a.height, a.width, c, a.activation === 'relu');
    const shape = [n, a.height, a.width, c];
    return { dataId: backend.write(out, shape, 'float32'), shape, dtype: 'float32' };
  },
};

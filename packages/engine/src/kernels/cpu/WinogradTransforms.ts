/** Winograd F(2x2, 3x3) input and output transforms on the cpu backend (reference impl in place). */
import { KernelBackend } from '@tensorflow/tfjs-core';
import { WINOGRAD_PRODUCT_NAMES, WinogradInputTransform, WinogradOutputTransform } from '../../kernel_names';
import { resolveWinogradInputAttrs, resolveWinogradOutputAttrs } from '../../winograd_attrs';
import { TypedKernel } from '../typed_kernel';
import { float32Values } from './float32_values';
import { winogradInputTransformImpl, winogradOutputTransformImpl, winogradTiles } from './winograd_impl';

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

import { UnsafePickleError, WeightsFormatError } from '../errors';
import { detectArchitecture, toTfjsWeightMap } from '../transform';
import { dump, expectEqualsDump, fixture, ORACLE_K8, readBytes } from '../../../../test/helpers/converter_fixtures';
import * as path from 'path';
import * as zlib from 'zlib';
import { zipSync } from 'fflate';
import { readPth } from './pth';
import { safeUnpickle } from './pickle';

describe('readPth', () => {
  it('reads a canonical 0049 state dict (K=16) exactly', () => {
    const map = readPth(readBytes(fixture('tiny_k16.pth')), 'tiny_k16.pth');
    expectEqualsDump(map, dump(fixture('tiny_k16_sd')));
    expect(map.get('backbone.body.conv1.weight')!.shape).toEqual([4, 3, 7, 7]);
    const info = detectArchitecture(map);
    expect(info.arch).toBe('0049');
    expect(info.widthDiv).toBe(16);
    expect(info.blocks).toEqual([1, 1, 1, 1]);
  });

  it('reads a nested {"model": state_dict} with torchvision >= 0.13 names and int64 counters', () => {
    const map = readPth(readBytes(fixture('tiny_k32_tv.pth')), 'tiny_k32_tv.pth');
    expectEqualsDump(map, dump(fixture('tiny_k32_tv_sd')));
    expect(map.get('backbone.body.bn1.num_batches_tracked')).toEqual(
      { name: 'backbone.body.bn1.num_batches_tracked', shape: [], dtype: 'int32', data: Int32Array.from([7]) });
    const info = detectArchitecture(map);
    expect(info).toMatchObject({ arch: 'torchvision', numClasses: 91, widthDiv: 32, fpnChannels: 8, maskHeadChannels: 8 });
    const tf = toTfjsWeightMap(map);
    expect(tf.has('roi_heads.mask_head.mask_fcn1.weight')).toBe(true);
  });

  it('handles fp16/fp64/int64 storages, transposed and strided views, storage offsets and shared storages', () => {
    const map = readPth(readBytes(fixture('views.pth')), 'views.pth');
    const scalar = map.get('scalar')!;
    map.delete('scalar');
    expectEqualsDump(map, dump(fixture('views_sd')));
    expect(map.get('long')!.dtype).toBe('int32');
    expect(Array.from(map.get('long')!.data)).toEqual([-3, -2, -1, 0, 1, 2]);
    expect(scalar.shape).toEqual([]);
    expect(Array.from(scalar.data)).toEqual([2.5]);
  });

  it.each(['evil_system.pth', 'evil_eval.pth'])('refuses %s with UnsafePickleError naming the global', (name) => {
    const bytes = readBytes(fixture(name));
    expect(() => readPth(bytes, name)).toThrow(UnsafePickleError);
    expect(() => readPth(bytes, name)).toThrow(name === 'evil_system.pth' ? /global posix\.system/ : /global (__builtin__|builtins)\.eval/);
    expect(() => readPth(bytes, name)).toThrow(new RegExp(`file ${name}`));
  });

  it('rejects truncated archives and non-checkpoints with WeightsFormatError', () => {
    const bytes = readBytes(fixture('tiny_k16.pth'));
    expect(() => readPth(bytes.subarray(0, bytes.length - 1000), 'cut.pth')).toThrow(WeightsFormatError);
    expect(() => readPth(bytes.subarray(0, 200), 'cut.pth')).toThrow(/file cut\.pth/);
    expect(() => readPth(new TextEncoder().encode('hello world'), 'x.pth')).toThrow(/not a PyTorch checkpoint \(neither zip nor legacy torch serialization\)/);
  });
});

describe('safeUnpickle', () => {
  const enc = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

  it('interprets a protocol-2 dict with memo and tuples', () => {
    // {'a': (1, True, None)} with BINPUT/BINGET
    const p = enc('\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01\x88N\x87q\x02s.');
    const v = safeUnpickle(p, 'inline');
    expect(v).toMatchObject({ entries: new Map([['a', { items: [1, true, null] }]]) });
  });

  it('refuses unknown opcodes and globals, naming them', () => {
    expect(() => safeUnpickle(enc('\x80\x02cos\nsystem\nq\x00.'), 'g.pkl')).toThrow(/global os\.system is not allowed.*file g\.pkl/);
    expect(() => safeUnpickle(enc('\x80\x02I42\n.'), 'i.pkl')).toThrow(UnsafePickleError);
    expect(() => safeUnpickle(enc('\x80\x02I42\n.'), 'i.pkl')).toThrow(/opcode 0x49/);
    expect(() => safeUnpickle(enc('\x80\x02ccollections\nOrderedDict\nq\x00)\x81.'), 'n.pkl')).toThrow(/opcode 0x81/);
    expect(() => safeUnpickle(enc('\x80\x02}X\x05\x00\x00\x00ab'), 't.pkl')).toThrow(/truncated/);
  });
});

describe('oracle checkpoints', () => {
  it('model_0049.pth (K=8, committed gzipped) equals the oracle named-tensor dump weights_0049 bit for bit', () => {
    const bytes = new Uint8Array(zlib.gunzipSync(readBytes(path.join(ORACLE_K8, 'model_0049.pth.gz'))));
    const map = readPth(bytes, 'model_0049.pth');
    map.forEach((t, k) => { if (k.endsWith('num_batches_tracked')) map.delete(k); });
    expectEqualsDump(map, dump(path.join(ORACLE_K8, 'weights_0049')));
    expect(detectArchitecture(map)).toMatchObject({ arch: '0049', widthDiv: 8, numClasses: 81, blocks: [3, 4, 6, 3] });
  });
});

describe('zip bombs', () => {
  it('refuses a compressed entry that expands more than 100x beyond 16 MiB, before inflating it', () => {
    const bomb = zipSync({ 'archive/data.pkl': new Uint8Array(24 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(100000);
    expect(() => readPth(bomb, 'bomb.pth')).toThrow(WeightsFormatError);
    expect(() => readPth(bomb, 'bomb.pth')).toThrow(/expands \d+x \(zip bomb\?\).*file bomb\.pth.*archive\/data\.pkl/);
  });

  it('refuses entries whose declared sizes add up to more than 2 GiB', () => {
    const zip = zipSync({ 'archive/data.pkl': new Uint8Array(10), 'archive/data/0': new Uint8Array(10) }, { level: 0 });
    // Patch both entries' uncompressed size in the central directory (signature PK\x01\x02, size at +24).
    const dv = new DataView(zip.buffer);
    for (let i = 0; i + 4 < zip.length; i++) {
      if (dv.getUint32(i, true) === 0x02014b50) dv.setUint32(i + 24, 0x7fffffff, true);
    }
    expect(() => readPth(zip, 'huge.pth')).toThrow(/expand to more than 2147483648 bytes/);
  });
});

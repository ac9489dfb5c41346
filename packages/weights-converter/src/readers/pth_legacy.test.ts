/**
 * torch's legacy serialization, on a file written by torch itself (tools/oracle/legacy_checkpoint.py:
 * the seeded torchvision-layout checkpoint saved with `_use_new_zipfile_serialization=False` under the
 * pre-0.13 names: the format torchvision's COCO checkpoint of 2019 should be in — not checked here, no network).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { WeightsFormatError } from '../errors';
import { detectFormat } from '../io/format';
import { toTfjsWeightMap } from '../transform';
import { ORACLE_TV_K8 } from '../../../../test/helpers/converter_fixtures';
import { readPth } from './pth';
import { isLegacyPth, readLegacyPth } from './pth_legacy';

const legacy = new Uint8Array(zlib.gunzipSync(fs.readFileSync(path.join(ORACLE_TV_K8, 'model_torchvision_legacy.pth.gz'))));
const zip = new Uint8Array(zlib.gunzipSync(fs.readFileSync(path.join(ORACLE_TV_K8, 'model_torchvision.pth.gz'))));

describe('legacy .pth (torch.save before torch 1.6)', () => {
  it('reads the same tensors as the zip checkpoint, under the pre-0.13 names', () => {
    expect(isLegacyPth(legacy)).toBe(true);
    expect(isLegacyPth(zip)).toBe(false);
    expect(detectFormat('checkpoint.bin', legacy.subarray(0, 512))).toBe('pth');
    const old = readPth(legacy, 'legacy.pth');
    const now = readPth(zip, 'zip.pth');
    expect(old.size).toBe(now.size);
    expect(old.has('rpn.head.conv.weight') && old.has('roi_heads.mask_head.mask_fcn4.bias') && old.has('backbone.fpn.inner_blocks.3.weight')).toBe(true);
    expect(now.has('rpn.head.conv.0.0.weight')).toBe(true);
    // Mapped to the canonical names, the two are the same tensors, bit for bit.
    const a = toTfjsWeightMap(old);
    const b = toTfjsWeightMap(now);
    expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
    for (const [name, t] of b) {
      const u = a.get(name)!;
      expect({ name, shape: u.shape, same: Buffer.from(u.data.buffer, u.data.byteOffset, u.data.byteLength).equals(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)) })
        .toEqual({ name, shape: t.shape, same: true });
    }
  });

  it('refuses a truncated file, trailing bytes and a changed protocol version with WeightsFormatError', () => {
    for (const cut of [20, 200, Math.floor(legacy.length / 2), legacy.length - 1]) {
      expect(() => readLegacyPth(legacy.subarray(0, cut), 'cut.pth')).toThrow(WeightsFormatError);
    }
    expect(() => readLegacyPth(legacy.subarray(0, legacy.length - 1), 'cut.pth')).toThrow(/^legacy checkpoint is truncated inside storage \d+ \(\d+ bytes\) \(file cut\.pth\)$/);
    const longer = new Uint8Array(legacy.length + 3);
    longer.set(legacy);
    expect(() => readPth(longer, 'long.pth')).toThrow(/3 bytes after its last storage/);
    const version = Uint8Array.from(legacy);
    // The second pickle is `\x80\x02M\xe9\x03.` (BININT2 1001): make it 1002.
    expect(Array.from(version.subarray(15, 21))).toEqual([0x80, 0x02, 0x4d, 0xe9, 0x03, 0x2e]);
    version[18] = 0xea;
    expect(() => readPth(version, 'v.pth')).toThrow(/legacy serialization protocol 1002, 1001 expected/);
  });
});

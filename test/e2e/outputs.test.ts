/**
 * What detect() returns and how users draw it (K=8 oracle weights, wasm): both box forms
 * (`box` corners as the card gives them, `bbox` COCO xywh), box-cropped masks that hold the same
 * pixels as full-image ones for a fraction of the memory (and the same RLE), the exported drawing
 * helpers (pixel overlay, binary and coloured mask images), a missing file that says "no such
 * file", and http(s) URLs fetched in Node (a server on 127.0.0.1, stopped in teardown).
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs-core';
import {
  decodeImage, encodeRle, ImageDecodeError, Instance, instanceColor, load, Model, renderOverlay, toBinaryMask, toColoredMask,
} from '@mrcnn/model';
import { IMAGES } from '../helpers/paths';
import { writeK8Model } from './helpers/k8_model';

const ASTRONAUT = path.join(IMAGES, 'astronaut.png');
const CHELSEA = path.join(IMAGES, 'chelsea.png');
let dir: string;
let model: Model;
let server: http.Server;
let origin: string;

beforeAll(async () => {
  dir = writeK8Model(fs.mkdtempSync(path.join(os.tmpdir(), 'mrcnn-outputs-')));
  model = await load(dir, { backend: 'wasm', threads: 1 });
  server = http.createServer((req, res) => {
    if (req.url === '/chelsea.png') res.writeHead(200, { 'Content-Type': 'image/png' }).end(fs.readFileSync(CHELSEA));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${addr.port}`;
});

afterAll(async () => {
  model.dispose();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A placed mask drawn into a full-image array. */
function unplaced(d: Instance, width: number, height: number): Uint8Array {
  const full = new Uint8Array(width * height);
  const m = d.mask;
  for (let y = 0; y < m.height; y++) full.set(m.data.subarray(y * m.width, (y + 1) * m.width), (m.y + y) * width + m.x);
  return full;
}

describe('boxes', () => {
  it('box is [x1, y1, x2, y2]; bbox is COCO\'s [x, y, width, height] counting both end pixels (0049\'s +1 boxes)', async () => {
    expect(model.config.detection.boxPlusOne).toBe(true);
    const found = await model.detect(CHELSEA, { scoreThreshold: 0.5 });
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) {
      const [x1, y1, x2, y2] = d.box;
      expect(d.bbox).toEqual([x1, y1, x2 - x1 + 1, y2 - y1 + 1]);
    }
  });
});

describe('masks', () => {
  it('cropMasks: the same pixels and RLE as full-image masks, in a fraction of the bytes', async () => {
    const before = tf.memory().numTensors;
    const full = await model.detect(ASTRONAUT, { scoreThreshold: 0, rle: true });
    const cropped = await model.detect(ASTRONAUT, { scoreThreshold: 0, rle: true, cropMasks: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(cropped.map((d) => [d.classId, d.score, d.box])).toEqual(full.map((d) => [d.classId, d.score, d.box]));
    let fullBytes = 0;
    let croppedBytes = 0;
    cropped.forEach((d, i) => {
      const f = full[i];
      expect([f.mask.x, f.mask.y, f.mask.width, f.mask.height]).toEqual([0, 0, 512, 512]);
      expect(Buffer.compare(unplaced(d, 512, 512), f.mask.data)).toBe(0);
      expect(d.rle).toEqual(f.rle);
      expect(d.rle).toEqual(encodeRle(f.mask));
      fullBytes += f.mask.data.length;
      croppedBytes += d.mask.data.length;
    });
    console.log(`astronaut, ${full.length} instances: full-image masks ${fullBytes} bytes, cropped ${croppedBytes} bytes (${(100 * croppedBytes / fullBytes).toFixed(1)} %)`);
    expect(croppedBytes).toBeLessThan(fullBytes / 4);
  });

  it('the exported drawing helpers: binary and coloured mask images agree for full and cropped masks; the overlay colours instances by rank', async () => {
    const full = await model.detect(CHELSEA, { scoreThreshold: 0.3 });
    const cropped = await model.detect(CHELSEA, { scoreThreshold: 0.3, cropMasks: true });
    expect(full.length).toBeGreaterThan(1);
    const { width, height } = full[0].mask;
    const a = toBinaryMask(full, width, height);
    const b = toBinaryMask(cropped, width, height);
    expect(Buffer.compare(Buffer.from(a.data), Buffer.from(b.data))).toBe(0);
    let set = 0;
    for (let p = 0; p < width * height; p++) if (a.data[p * 4 + 3] === 255) set++;
    const union = new Uint8Array(width * height);
    for (const d of full) for (let p = 0; p < union.length; p++) union[p] |= d.mask.data[p];
    expect(set).toBe(union.reduce((s, v) => s + v, 0));
    const coloured = toColoredMask(cropped, width, height);
    // a pixel of each instance's mask that no better instance covers shows that instance's colour
    let checked = 0;
    full.forEach((d, k) => {
      const p = d.mask.data.findIndex((v, q) => v === 1 && full.slice(0, k).every((o) => o.mask.data[q] === 0));
      if (p < 0) return;
      expect(Array.from(coloured.data.subarray(p * 4, p * 4 + 4))).toEqual([...instanceColor(k), 140]);
      checked++;
    });
    expect(checked).toBeGreaterThan(1);
    const image = await decodeImage(new Uint8Array(fs.readFileSync(CHELSEA)));
    const overlay = renderOverlay(image, cropped);
    expect([overlay.width, overlay.height]).toEqual([image.width, image.height]);
    const [x1, y1] = cropped[1].box.map(Math.round);
    const [r, g, bl] = instanceColor(1);
    // the box outline of the second instance, drawn in its colour (unless a tag covers the corner)
    const i = ((y1 + 2) * width + x1) * 3;
    expect(Array.from(overlay.data.subarray(i, i + 3))).toEqual([r, g, bl]);
  });
});

describe('image sources', () => {
  it('a missing file says "no such file" in the message', async () => {
    const err = await model.detect(path.join(os.tmpdir(), 'mrcnn-no-such-image.png')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageDecodeError);
    expect((err as Error).message).toBe(`${path.join(os.tmpdir(), 'mrcnn-no-such-image.png')}: cannot read the image file: no such file`);
  });

  it('an http(s) URL is fetched in Node (not read as a path); an HTTP error names the URL and status', async () => {
    const fromUrl = await model.detect(`${origin}/chelsea.png`, { scoreThreshold: 0.3 });
    const fromFile = await model.detect(CHELSEA, { scoreThreshold: 0.3 });
    expect(fromUrl.map((d) => [d.classId, d.score, d.box])).toEqual(fromFile.map((d) => [d.classId, d.score, d.box]));
    const err = await model.detect(`${origin}/missing.png`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImageDecodeError);
    expect((err as Error).message).toBe(`${origin}/missing.png: cannot fetch the image: HTTP 404 Not Found`);
  });
});

/**
 * Encoded image bytes in the browser, through the self-contained ES module build
 * (packages/model/dist/browser/mrcnn.mjs) in headless Chromium: PNG (RGB, grayscale, RGBA, and the
 * decoder seeds: 1-bit grey, 2-bit palette, 16-bit RGB, grey+alpha) and JPEG bytes decode with the
 * browser's own decoder to the pixels the Node decoders (pngjs, jpeg-js) give, the pixel-size
 * limits refuse a decompression bomb before decoding, non-images are ImageDecodeErrors, and
 * `detect(pngBytes)` with the embedded default model finds the instances Node finds.
 * (Regression: PNG bytes threw "TypeError: … inherits is not a function": pngjs needs Node.)
 * The grayscale and RGBA PNGs are written by pngjs's encoder from chelsea.png's pixels.
 * Needs `npm run build` and /usr/bin/chromium; fails, never skips, without them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { PNG } from 'pngjs';
import { decodeImage, load } from '@mrcnn/model';
import type { Instance, RgbImage } from '@mrcnn/model';
import { ChromiumSession, IsolatedServer, launchChromium, memoryFiles, serveIsolated, Served, staticFolder } from './chromium';
import { pngSeeds } from '../fuzz/seeds';
import { IMAGES, REPO_ROOT } from '../helpers/paths';

const BROWSER_DIST = path.join(REPO_ROOT, 'packages', 'model', 'dist', 'browser');
const DEFAULT_MODEL = path.join(REPO_ROOT, 'packages', 'model', 'default-model');

/** The page: decodes /img/<name> with mrcnn.mjs's decodeImage, and detects on PNG bytes with the default model. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>decode</title>
<script type="module">
import { decodeImage, load, engine, ImageDecodeError, MrcnnError } from './mrcnn.mjs';
const b64 = (u8) => { let s = ''; for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000)); return btoa(s); };
const bytesOf = async (name) => new Uint8Array(await (await fetch('/img/' + name)).arrayBuffer());
window.decode = async (name) => {
  try {
    const img = await decodeImage(await bytesOf(name), name);
    return { width: img.width, height: img.height, data: b64(img.data) };
  } catch (e) {
    return { error: e.message, decodeError: e instanceof ImageDecodeError, mrcnnError: e instanceof MrcnnError };
  }
};
window.detectPng = async (name, score) => {
  await engine.initBackend('wasm');
  const model = await load('/default-model/model.json');
  try {
    const found = await model.detect(await bytesOf(name), { scoreThreshold: score });
    return found.map((d) => ({ label: d.label, score: d.score, box: d.box, area: d.mask.data.reduce((a, v) => a + v, 0) }));
  } finally {
    model.dispose();
  }
};
window.pageReady = true;
</script>`;

interface Decoded { width: number; height: number; data: string }
interface Refused { error: string; decodeError: boolean; mrcnnError: boolean }

function pngOf(width: number, height: number, colorType: 0 | 6, data: Uint8Array): Buffer {
  const png = new PNG({ width, height, colorType, inputColorType: colorType, bitDepth: 8, inputHasAlpha: colorType === 6 });
  png.data = Buffer.from(data);
  return PNG.sync.write(png, { colorType, inputColorType: colorType, bitDepth: 8, inputHasAlpha: colorType === 6 });
}

/** chelsea as 8-bit grey (ITU-R 601 luma of its RGB) and as RGBA: opaque, with a 60x40 block at alpha 128 and a 30x20 one at 0. */
function chelseaVariants(chelsea: RgbImage): { grey: Buffer; rgba: Buffer; alpha: Uint8Array } {
  const { width, height, data } = chelsea;
  const grey = new Uint8Array(width * height);
  const rgba = new Uint8Array(width * height * 4);
  const alpha = new Uint8Array(width * height).fill(255);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (x >= 100 && x < 160 && y >= 50 && y < 90) alpha[p] = 128;
      if (x >= 300 && x < 330 && y >= 200 && y < 220) alpha[p] = 0;
      grey[p] = Math.round(0.299 * data[p * 3] + 0.587 * data[p * 3 + 1] + 0.114 * data[p * 3 + 2]);
      rgba.set([data[p * 3], data[p * 3 + 1], data[p * 3 + 2], alpha[p]], p * 4);
    }
  }
  return { grey: pngOf(width, height, 0, grey), rgba: pngOf(width, height, 6, rgba), alpha };
}

/** A PNG whose IHDR declares width x height (the committed chelsea.png, header rewritten, CRC not fixed: the limit comes first). */
function pngDeclaring(width: number, height: number): Buffer {
  const b = Buffer.from(fs.readFileSync(path.join(IMAGES, 'chelsea.png')));
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}

interface PixelDiff { max: number; mean: number; differing: number }

function pixelDiff(a: RgbImage, b: Uint8Array, mask?: (pixel: number) => boolean): PixelDiff {
  let max = 0;
  let sum = 0;
  let n = 0;
  let differing = 0;
  for (let i = 0; i < a.data.length; i++) {
    if (mask !== undefined && !mask(Math.floor(i / 3))) continue;
    const d = Math.abs(a.data[i] - b[i]);
    max = Math.max(max, d);
    sum += d;
    n++;
    if (d > 0) differing++;
  }
  return { max, mean: n === 0 ? 0 : sum / n, differing };
}

describe('encoded PNG and JPEG bytes in the browser (mrcnn.mjs in headless Chromium)', () => {
  let server: IsolatedServer | undefined;
  let chrome: ChromiumSession | undefined;
  const images: Record<string, Buffer> = {};
  const report: string[] = [];

  beforeAll(async () => {
    if (!fs.existsSync(path.join(BROWSER_DIST, 'mrcnn.mjs'))) throw new Error(`${BROWSER_DIST}/mrcnn.mjs is missing: run 'npm run build' first`);
    const chelseaBytes = fs.readFileSync(path.join(IMAGES, 'chelsea.png'));
    const { grey, rgba } = chelseaVariants(await decodeImage(chelseaBytes));
    Object.assign(images, {
      'chelsea.png': chelseaBytes, 'chelsea-grey.png': grey, 'chelsea-rgba.png': rgba,
      'rocket.jpg': fs.readFileSync(path.join(IMAGES, 'rocket.jpg')), 'phone.jpg': fs.readFileSync(path.join(IMAGES, 'phone.jpg')),
      'demo.png': fs.readFileSync(path.join(DEFAULT_MODEL, 'demo.png')),
      'bomb.png': pngDeclaring(20000, 20000), 'not-an-image.png': Buffer.from('<html>not an image</html>'),
    });
    pngSeeds().slice(0, 6).forEach((b, i) => { images[`seed${i}.png`] = Buffer.from(b); });
    const files: Record<string, Served> = { '/browser/index.html': { body: PAGE, type: 'text/html' } };
    for (const [name, body] of Object.entries(images)) files[`/img/${name}`] = { body, type: 'application/octet-stream' };
    server = await serveIsolated(memoryFiles(files), staticFolder(BROWSER_DIST, '/browser/'), staticFolder(DEFAULT_MODEL, '/default-model/'));
    chrome = await launchChromium();
    await chrome.page.goto(`${server.origin}/browser/index.html`);
    await chrome.page.waitForFunction(() => 'pageReady' in self).catch((e: unknown) => {
      throw new Error(`mrcnn.mjs did not load: ${String(e)}\npage console:\n${chrome?.console.join('\n')}`);
    });
  }, 120000);

  afterAll(async () => {
    await chrome?.close();
    await server?.close();
    console.log(`browser decode vs Node decode\n${report.join('\n')}`);
  });

  async function browserDecode(name: string): Promise<Decoded | Refused> {
    if (chrome === undefined) throw new Error('Chromium did not start');
    return chrome.page.evaluate((n) => (self as unknown as { decode(n: string): Promise<Decoded | Refused> }).decode(n), name);
  }

  /** Browser pixels of `name` and the Node decoders' pixels of the same bytes. */
  async function both(name: string): Promise<{ node: RgbImage; browser: Decoded; diff: PixelDiff; bytes: Uint8Array }> {
    const got = await browserDecode(name);
    if ('error' in got) throw new Error(`${name}: the browser refused it: ${got.error}\n${chrome?.console.join('\n')}`);
    const node = await decodeImage(new Uint8Array(images[name]), name);
    expect([got.width, got.height]).toEqual([node.width, node.height]);
    const bytes = new Uint8Array(Buffer.from(got.data, 'base64'));
    expect(bytes.length).toBe(node.width * node.height * 3);
    return { node, browser: got, diff: pixelDiff(node, bytes), bytes };
  }

  it.each(['chelsea.png', 'chelsea-grey.png', 'seed0.png', 'seed3.png', 'seed4.png'])(
    'an opaque 8-bit-or-less PNG (%s): exactly the pixels pngjs gives', async (name) => {
      const { node, diff } = await both(name);
      report.push(`${name} ${node.width}x${node.height}: max diff ${diff.max}`);
      expect(diff.max).toBe(0);
    });

  it('a 16-bit PNG: within one level of pngjs (which rounds, where the browser truncates)', async () => {
    const { diff } = await both('seed2.png');
    report.push(`seed2.png (16-bit RGB): max diff ${diff.max}`);
    expect(diff.max).toBeLessThanOrEqual(1);
  });

  it('an RGBA PNG: opaque pixels exact; semi-transparent ones rounded (premultiplied canvas), fully transparent ones black', async () => {
    const { node, bytes } = await both('chelsea-rgba.png');
    const { alpha } = chelseaVariants(await decodeImage(new Uint8Array(images['chelsea.png'])));
    const opaque = pixelDiff(node, bytes, (p) => alpha[p] === 255);
    const half = pixelDiff(node, bytes, (p) => alpha[p] === 128);
    const clear = pixelDiff({ ...node, data: new Uint8Array(node.data.length) }, bytes, (p) => alpha[p] === 0);
    report.push(`chelsea-rgba.png: opaque max diff ${opaque.max}; alpha 128 max ${half.max} (mean ${half.mean.toFixed(3)}); alpha 0 max vs black ${clear.max}`);
    expect(opaque.max).toBe(0);
    // measured: at most 1 level (a colour premultiplied by 128/255 and back)
    expect(half.max).toBeLessThanOrEqual(1);
    expect(clear.max).toBe(0);
  });

  it('a grey+alpha PNG whose every pixel is translucent: within one level (premultiplied canvas)', async () => {
    const { node, bytes } = await both('seed5.png');
    const d = pixelDiff(node, bytes);
    report.push(`seed5.png (grey+alpha, every pixel translucent): max diff ${d.max}`);
    // measured: 1
    expect(d.max).toBeLessThanOrEqual(1);
  });

  it.each(['rocket.jpg', 'phone.jpg'])('a JPEG (%s): within a few levels of jpeg-js (another IDCT)', async (name) => {
    const { node, diff } = await both(name);
    report.push(`${name} ${node.width}x${node.height}: max diff ${diff.max}, mean ${diff.mean.toFixed(3)}, ${(100 * diff.differing / node.data.length).toFixed(1)} % of samples differ`);
    // measured: max 3, mean 0.61 (rocket) and 0.52 (phone): libjpeg-turbo's IDCT and upsampling vs jpeg-js's
    expect(diff.max).toBeLessThanOrEqual(4);
    expect(diff.mean).toBeLessThan(0.75);
  });

  it('the pixel limit refuses a PNG declaring 20000x20000 before decoding; a non-image is an ImageDecodeError', async () => {
    expect(await browserDecode('bomb.png')).toEqual({
      error: 'bomb.png: PNG declares 20000x20000 pixels, over the 100000000-pixel limit', decodeError: true, mrcnnError: true,
    });
    expect(await browserDecode('not-an-image.png')).toEqual({
      error: 'not-an-image.png: not a PNG or JPEG image (unknown signature)', decodeError: true, mrcnnError: true,
    });
  });

  it('detect(PNG bytes) with the embedded default model finds what Node finds on the same bytes', async () => {
    if (chrome === undefined) throw new Error('Chromium did not start');
    const score = 0.3;
    const browser = await chrome.page.evaluate(([n, s]) => (self as unknown as {
      detectPng(n: string, s: number): Promise<Array<{ label: string; score: number; box: number[]; area: number }>>;
    }).detectPng(n, s), ['demo.png', score] as [string, number]).catch((e: unknown) => {
      throw new Error(`${String(e)}\npage console:\n${chrome?.console.join('\n')}`);
    });
    const model = await load(undefined, { backend: 'cpu' });
    let node: Instance[];
    try {
      node = await model.detect(new Uint8Array(images['demo.png']), { scoreThreshold: score });
    } finally {
      model.dispose();
    }
    report.push(`demo.png detect: browser (wasm) ${browser.map((d) => `${d.label} ${d.score.toFixed(3)}`).join(', ')}; Node (cpu) ${node.map((d) => `${d.label} ${d.score.toFixed(3)}`).join(', ')}`);
    expect(browser.length).toBeGreaterThan(0);
    expect(browser.map((d) => d.label)).toEqual(node.map((d) => d.label));
    browser.forEach((d, i) => {
      expect(Math.abs(d.score - node[i].score)).toBeLessThan(1e-3);
      d.box.forEach((v, k) => expect(Math.abs(v - node[i].box[k])).toBeLessThan(0.5));
      const area = node[i].mask.data.reduce((a, v) => a + v, 0);
      expect(Math.abs(d.area - area)).toBeLessThanOrEqual(Math.max(2, 0.01 * area));
    });
  }, 180000);
});

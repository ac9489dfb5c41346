/**
 * The demo page's video panel (examples/web/src/video_panel.ts) in headless Chromium:
 * - the webcam: Chromium's fake camera plays a .y4m that ffmpeg makes from the default model's demo
 *   image (a pan: the shapes move), captured as WebCodecs VideoFrames, on webgl. Frames are
 *   detected and tracked live, the status shows the fps, tracks are listed; after Stop, the masks
 *   drawn over the last frame cover the masks the same model finds in Node on that frame's pixels;
 * - a video file (VP8 WebM of the same pan) picked in the file input, captured as ImageBitmaps,
 *   on wasm: played to its end, frames in order, tracks found.
 * No request leaves the page's origin. Screenshots go to test-output/video_panel/.
 * Needs `npm run build` (ES module builds), Debian chromium and ffmpeg; fails, never skips, without them.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { defaultModelPath, load } from '@mrcnn/model';
import { ChromiumSession, IsolatedServer, launchChromium, serveIsolated, staticFolder } from './chromium';
import { describeOverlay, overlayVsMasks, readOverlay } from './demo_overlay';
import { REPO_ROOT } from '../helpers/paths';
import { FFMPEG } from '../helpers/video_clips';

const OUT = path.join(REPO_ROOT, 'test-output', 'video_panel');
const SCORE = 0.3;
/** Same model, same pixels, webgl in the page vs cpu in Node (the demo page test measured identical masks on images). */
const SAME_MODEL = { coverage: 0.97, unionIoU: 0.95 };

function panClip(file: string, args: string[]): string {
  const demo = path.join(path.dirname(defaultModelPath()), 'demo.png');
  execFileSync(FFMPEG, ['-hide_banner', '-loglevel', 'error', '-y', '-loop', '1', '-framerate', '10', '-i', demo,
    '-vf', "crop=320:240:'min(4*n,160)':40", '-frames:v', '40', ...args, file]);
  return file;
}

function buildDemo(outDir: string): void {
  for (const pkg of ['engine', 'model', 'video']) {
    const esm = path.join(REPO_ROOT, 'packages', pkg, 'dist', 'esm', 'index.mjs');
    if (!fs.existsSync(esm)) throw new Error(`${esm} is missing: run 'npm run build' first`);
  }
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', path.join(REPO_ROOT, 'examples', 'web'),
    '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: REPO_ROOT, stdio: 'pipe' });
}

describe('demo page video panel in headless Chromium', () => {
  let server: IsolatedServer | undefined;
  let chrome: ChromiumSession | undefined;
  const requests: string[] = [];
  const report: string[] = [];
  let webm = '';

  beforeAll(async () => {
    fs.mkdirSync(OUT, { recursive: true });
    const dist = path.join(OUT, 'dist');
    buildDemo(dist);
    const y4m = panClip(path.join(OUT, 'pan.y4m'), ['-pix_fmt', 'yuv420p']);
    webm = panClip(path.join(OUT, 'pan.webm'), ['-c:v', 'libvpx', '-b:v', '2M', '-pix_fmt', 'yuv420p']);
    server = await serveIsolated(staticFolder(dist));
    chrome = await launchChromium(undefined, ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${y4m}`, '--autoplay-policy=no-user-gesture-required']);
    chrome.page.on('request', (r) => requests.push(r.url()));
  }, 180000);

  afterAll(async () => {
    await chrome?.close();
    await server?.close();
    console.log(`video panel\n${report.join('\n')}`);
  });

  function session(): { page: Page; origin: string } {
    if (chrome === undefined || server === undefined) throw new Error('Chromium or the server did not start');
    return { page: chrome.page, origin: server.origin };
  }

  async function waitFor(page: Page, fn: string, what: string, timeout = 300000): Promise<void> {
    await page.waitForFunction(fn, undefined, { timeout, polling: 250 }).catch(async () => {
      throw new Error(`${what}: video status "${await page.textContent('#video-status')}"\npage console:\n${chrome?.console.join('\n')}`);
    });
  }

  async function framePixels(page: Page): Promise<{ width: number; height: number; data: Uint8Array }> {
    const { width, height, rgb } = await page.evaluate(() => {
      const c = document.getElementById('video-image') as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const out: number[] = [];
      for (let i = 0; i < d.length; i += 4) out.push(d[i], d[i + 1], d[i + 2]);
      return { width: c.width, height: c.height, rgb: out };
    });
    return { width, height, data: Uint8Array.from(rgb) };
  }

  it('webcam (fake camera from a .y4m), VideoFrames, webgl: live masks, track ids and fps; masks equal Node on the same frame', async () => {
    const { page, origin } = session();
    await page.goto(`${origin}/index.html?backend=webgl&score=${SCORE}`);
    await page.waitForSelector('#status[data-state="ready"], #status[data-state="error"]', { timeout: 240000 });
    const t0 = Date.now();
    await page.click('#video-webcam');
    await waitFor(page, "Number(document.querySelector('.video-panel')?.dataset.frames ?? 0) >= 6", '6 webcam frames');
    const running = (await page.textContent('#video-status')) ?? '';
    expect(running).toMatch(/^webcam: frame \d+, \d+ instance\(s\), [\d.]+ fps, \d+ frames, \d+ dropped, \d+ track\(s\) \(videoframe, webgl\)$/);
    const fps = Number(/([\d.]+) fps/.exec(running)![1]);
    expect(fps).toBeGreaterThan(0);
    await page.click('#video-stop');
    await waitFor(page, "document.querySelector('#video-status')?.dataset.state === 'done'", 'stop');
    await page.screenshot({ path: path.join(OUT, 'webcam_webgl.png'), fullPage: true });
    const done = (await page.textContent('#video-status')) ?? '';
    const tracks = await page.$$eval('#video-tracks li', (lis) => lis.map((li) => li.textContent ?? ''));
    expect(tracks.length).toBeGreaterThanOrEqual(1);
    expect(tracks[0]).toMatch(/^#1 \w+: frames \d+–\d+, best [\d.]+/);
    // The camera was released.
    expect(await page.evaluate(() => (document.getElementById('video-element') as HTMLVideoElement).srcObject === null
      || ((document.getElementById('video-element') as HTMLVideoElement).srcObject as MediaStream).getTracks().every((t) => t.readyState === 'ended'))).toBe(true);
    // The last frame drawn and its masks, against the model in Node on the same pixels.
    const pixels = await framePixels(page);
    const overlay = await readOverlay(page, 'video-mask');
    const model = await load(undefined, { backend: 'cpu' });
    const expected = (await model.detect(pixels, { scoreThreshold: SCORE })).map((i) => i.mask.data);
    model.dispose();
    const m = overlayVsMasks(overlay, expected);
    report.push(`webcam webgl: ${running} → ${done}; ${tracks.length} track(s); last frame vs Node cpu: ${expected.length} masks, ${describeOverlay(m)}; ${Date.now() - t0} ms`);
    expect(expected.length).toBeGreaterThan(0);
    expect(Math.min(...m.coverage)).toBeGreaterThanOrEqual(SAME_MODEL.coverage);
    expect(m.unionIoU).toBeGreaterThanOrEqual(SAME_MODEL.unionIoU);
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith(`blob:${origin}/`))).toEqual([]);
  }, 600000);

  it('video file (VP8 WebM) from the file input, ImageBitmaps, wasm: played to the end with tracks', async () => {
    const { page, origin } = session();
    await page.goto(`${origin}/index.html?backend=wasm&score=${SCORE}&capture=bitmap`);
    await page.waitForSelector('#status[data-state="ready"], #status[data-state="error"]', { timeout: 240000 });
    const t0 = Date.now();
    await page.setInputFiles('#video-input', webm);
    await waitFor(page, "['done', 'error'].includes(document.querySelector('#video-status')?.dataset.state)", 'the file to end', 600000);
    await page.screenshot({ path: path.join(OUT, 'file_wasm.png'), fullPage: true });
    const done = (await page.textContent('#video-status')) ?? '';
    report.push(`file wasm: ${done}; ${Date.now() - t0} ms`);
    const m = /^pan\.webm: (\d+) frames, (\d+) dropped, (\d+) track\(s\)$/.exec(done);
    expect(m).not.toBeNull();
    const [frames, dropped, tracks] = m!.slice(1).map(Number);
    expect(frames).toBeGreaterThanOrEqual(1);
    expect(frames + dropped).toBeLessThanOrEqual(40);
    expect(tracks).toBeGreaterThanOrEqual(frames >= 3 ? 1 : 0);
    expect(requests.filter((u) => !u.startsWith(`${origin}/`) && !u.startsWith(`blob:${origin}/`))).toEqual([]);
  }, 900000);
});

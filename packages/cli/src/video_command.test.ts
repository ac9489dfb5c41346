/**
 * `mrcnn video` in process (main + CommandIO), the embedded default model on wasm: a clip ffmpeg
 * makes from the model's demo image → JSONL, overlay and MOT written, a summary line; a truncated
 * file → exit 1 naming the file and the last good frame, the outputs finished; usage errors → 2.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultModelPath } from '@mrcnn/model';
import { demoPanClip, probe, tempDir, testsrcClip, truncatedCopy } from '../../../test/helpers/video_clips';
import { main } from './main';
import { captureIO as capture } from '../../../test/helpers/capture_io';

const DIR = tempDir(os.tmpdir(), `mrcnn-video-command-${process.pid}`);

afterAll(() => fs.rmSync(DIR, { recursive: true, force: true }));

describe('mrcnn video', () => {
  it('writes JSONL, overlay and MOT for every frame of a clip and prints a summary', async () => {
    const clip = demoPanClip(path.join(DIR, 'pan.mkv'), path.join(path.dirname(defaultModelPath()), 'demo.png'), 6);
    const out = path.join(DIR, 'out');
    const c = capture();
    const code = await main(['video', clip, '--jsonl', path.join(out, 'v.jsonl'), '--overlay', path.join(out, 'v.mp4'), '--mot', path.join(out, 'v.csv'),
      '--score', '0.3', '--min-hits', '2', '--quiet'], c.io);
    expect(c.err()).toBe('');
    expect(code).toBe(0);
    expect(c.out()).toMatch(new RegExp(`^${clip.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 6 frame\\(s\\) in .* s \\(.* fps\\); \\d+ track\\(s\\); \\d+ line\\(s\\) -> .*v\\.jsonl; \\d+ MOT row\\(s\\) -> .*v\\.csv; 6 overlay frame\\(s\\) \\(libx264\\) -> .*v\\.mp4\\n$`));
    const lines = fs.readFileSync(path.join(out, 'v.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(lines.filter((l) => l.type === 'frame')).toHaveLength(6);
    expect(lines[lines.length - 1]).toMatchObject({ type: 'end', frames: 6 });
    const p = probe(path.join(out, 'v.mp4'));
    expect([p.codec, p.width, p.height, p.frames]).toEqual(['h264', 320, 240, 6]);
    const rows = fs.readFileSync(path.join(out, 'v.csv'), 'utf8').trimEnd().split('\n');
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => /^\d+,\d+,[-\d.]+,[-\d.]+,[\d.]+,[\d.]+,[\d.]+,-1,-1,-1$/.test(r))).toBe(true);
  });

  it('a truncated file exits 1 naming it and the last good frame; the JSONL holds every frame up to it', async () => {
    const cut = truncatedCopy(testsrcClip(path.join(DIR, 'long.mp4'), '96x64', 10, 3), path.join(DIR, 'cut.mp4'), 0.6);
    const jsonl = path.join(DIR, 'cut.jsonl');
    const c = capture();
    expect(await main(['video', cut, '--jsonl', jsonl, '--score', '0.9', '--quiet'], c.io)).toBe(1);
    const m = /^mrcnn video: CorruptVideoError: (.*): corrupt or truncated video after frame (\d+) \(t=[\d.]+ s\), the last good frame: .+\n$/.exec(c.err());
    expect(m).not.toBeNull();
    expect(m![1]).toBe(cut);
    const frames = fs.readFileSync(jsonl, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; frame?: number }).filter((l) => l.type === 'frame');
    expect(frames.map((f) => f.frame)).toEqual(Array.from({ length: Number(m![2]) + 1 }, (_, k) => k));
  });

  it.each<[string[], RegExp]>([
    [['video'], /video needs exactly one source/],
    [['video', 'a.mp4'], /nothing to write: give --jsonl, --overlay and\/or --mot/],
    [['video', 'a.mp4', '--jsonl', 'x', '--fps', '0'], /--fps must be a number in \[0.001, 1000\], got "0"/],
    [['video', 'a.mp4', '--jsonl', 'x', '--max-age', '3'], /--max-age, --min-hits and --iou need --track/],
    [['video', 'a.mp4', '--jsonl', 'x', '--listen'], /--listen needs an rtsp:\/\/ URL/],
    [['video', 'a.mp4', '--jsonl', 'x', '--backend', 'gpu'], /--backend must be one of cpu, wasm/],
    [['video', 'a.mp4', '--jsonl', 'x', '--backend', 'cpu', '--threads', '2'], /--threads applies to the wasm backend/],
  ])('usage error %j → exit 2', async (argv, message) => {
    const c = capture();
    expect(await main(argv, c.io)).toBe(2);
    expect(c.err()).toMatch(message);
  });

  it('cpu without --threads is no usage error (the threads default is for wasm only)', async () => {
    const c = capture();
    const missing = path.join(DIR, 'missing-cpu.mp4');
    expect(await main(['video', missing, '--backend', 'cpu', '--jsonl', path.join(DIR, 'c.jsonl'), '--quiet'], c.io)).toBe(1);
    expect(c.err()).toMatch(/VideoSourceError/);
  });

  it('a missing file exits 1 (VideoSourceError naming it)', async () => {
    const c = capture();
    const missing = path.join(DIR, 'missing.mp4');
    expect(await main(['video', missing, '--jsonl', path.join(DIR, 'm.jsonl'), '--quiet'], c.io)).toBe(1);
    expect(c.err()).toBe(`mrcnn video: VideoSourceError: ${missing}: no such file (expected a video file, an rtsp:// URL or /dev/videoN)\n`);
  });
});

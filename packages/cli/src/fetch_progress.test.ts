import type { FetchProgress } from '@mrcnn/schema';
import { fetchLine, fetchProgressPrinter, formatBytes } from './fetch_progress';

const MiB = 1024 * 1024;
const report = (bytes: number, extra: Partial<FetchProgress> = {}): FetchProgress => ({
  phase: 'download', source: 'https://h/m-0123abcd.pth', bytes, total: 100 * MiB, resumedFrom: 0, bytesPerSecond: 10 * MiB,
  etaSeconds: (100 * MiB - bytes) / (10 * MiB), done: bytes === 100 * MiB, ...extra,
});

function sink(isTTY: boolean): { io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean; isTTY: boolean } }; text: () => string } {
  let text = '';
  return { io: { stdout: { write: () => true }, stderr: { write: (s: string) => ((text += s), true), isTTY } }, text: () => text };
}

describe('fetch progress', () => {
  it('formats sizes in binary units', () => {
    expect([formatBytes(0), formatBytes(1023), formatBytes(1536), formatBytes(178090079), formatBytes(3 * 1024 ** 3)])
      .toEqual(['0 B', '1023 B', '1.5 KiB', '169.8 MiB', '3.0 GiB']);
  });

  it('draws bytes, total, percent, rate and ETA, and where a resumed download started', () => {
    expect(fetchLine(report(45 * MiB))).toBe('download [==========>             ] 45.0 MiB/100.0 MiB 45% 10.0 MiB/s ETA 0:06');
    expect(fetchLine(report(100 * MiB))).toBe('download [========================] 100.0 MiB/100.0 MiB 100% 10.0 MiB/s');
    expect(fetchLine(report(60 * MiB, { resumedFrom: 50 * MiB }))).toMatch(/ 60% .* ETA 0:04 \(resumed at 50\.0 MiB\)$/);
    expect(fetchLine(report(5 * MiB, { total: undefined, etaSeconds: undefined }))).toBe('download 5.0 MiB 10.0 MiB/s');
    expect(fetchLine(report(MiB, { phase: 'verify', source: '/c/m.pth' }))).toMatch(/^verify SHA-256 \[/);
    expect(fetchLine(report(0, { phase: 'convert', source: '/c/m.pth', done: false }))).toBe('convert /c/m.pth ...');
  });

  it('redraws one line on a terminal, ending it when the phase is done', () => {
    const s = sink(true);
    const print = fetchProgressPrinter(s.io);
    for (let b = 0; b <= 100; b += 25) print(report(b * MiB));
    expect(s.text().split('\r').filter((x) => x !== '').length).toBe(5);
    expect(s.text().endsWith('10.0 MiB/s\x1b[K\n')).toBe(true);
  });

  it('prints a few plain lines otherwise: the start, every 10% and the end', () => {
    const s = sink(false);
    const print = fetchProgressPrinter(s.io);
    for (let b = 0; b <= 100; b++) print(report(b * MiB));
    const lines = s.text().trimEnd().split('\n');
    expect(lines[0]).toBe('fetching https://h/m-0123abcd.pth');
    expect(lines.length).toBe(12); // fetching, 0%, 10% ... 100%
    expect(lines.every((l) => !l.includes('\r'))).toBe(true);
    const quiet = sink(false);
    const q = fetchProgressPrinter(quiet.io, true);
    q(report(MiB));
    expect(quiet.text()).toBe('');
  });
});

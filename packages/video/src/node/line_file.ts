/**
 * A text file written line by line with one `write` system call per batch (`fs.writeSync` on an
 * open descriptor, no userland buffer): each frame's lines are in the file (the OS's) as soon as
 * `write` returns, so a crash or kill loses nothing already reported. For the JSONL and MOT
 * exports. I/O failures throw VideoOutputError naming the file.
 */
import * as fs from 'fs';
import * as path from 'path';
import { VideoOutputError } from '../errors';

export class LineFile {
  private fd: number | undefined;
  /** Lines written. */
  lines = 0;

  constructor(readonly file: string) {
    try {
      fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      this.fd = fs.openSync(file, 'w');
    } catch (e) {
      throw new VideoOutputError(file, `cannot open for writing: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Writes the lines (each without its newline). */
  write(lines: readonly string[]): void {
    if (lines.length === 0) return;
    if (this.fd === undefined) throw new VideoOutputError(this.file, 'written after close');
    const text = Buffer.from(`${lines.join('\n')}\n`);
    try {
      let at = 0;
      while (at < text.length) at += fs.writeSync(this.fd, text, at);
    } catch (e) {
      throw new VideoOutputError(this.file, `cannot write: ${(e as Error).message}`, { cause: e });
    }
    this.lines += lines.length;
  }

  /** Closes the file (idempotent). */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      fs.closeSync(fd);
    } catch (e) {
      throw new VideoOutputError(this.file, `cannot close: ${(e as Error).message}`, { cause: e });
    }
  }
}

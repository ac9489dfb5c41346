/**
 * Reads ffmpeg's stderr as the decoder runs it (`-loglevel level+info -vf …,showinfo`): every line
 * carries its level (`[error]`, `[info]`, …), and showinfo logs one line per frame, before the
 * frame is written to stdout, with its number, pts, pts_time and size. So the n-th showinfo record
 * describes the n-th frame on stdout, and the error lines logged before it are known when it is
 * read: a file's damage is placed between two frames. Keeps the error lines and the last lines
 * for messages, and the stream's nominal frame rate (showinfo's `config in … frame_rate`).
 */

/** One frame as showinfo describes it. */
export interface ShowinfoRecord {
  /** Frame number within this ffmpeg run (0, 1, …). */
  n: number;
  /** pts in the filter's time base, and in seconds (NaN: the frame had none). */
  pts: number;
  time: number;
  width: number;
  height: number;
  /** Error-level lines logged before this frame. */
  errorsBefore: number;
}

const LEVEL_LINE = /^(?:\[[^\]]*\] )?\[(panic|fatal|error|warning|info|verbose|debug|trace)\] ?(.*)$/;
const SHOWINFO = /^\[Parsed_showinfo_\d+ @ [^\]]*\] \[info\] n:\s*(\d+) pts:\s*(\S+) pts_time:(\S+)\s.*?\bs:(\d+)x(\d+)/;
const SHOWINFO_CONFIG = /^\[Parsed_showinfo_\d+ @ [^\]]*\] \[info\] config in time_base: \d+\/\d+, frame_rate: (\d+)\/(\d+)/;

const KEEP_ERRORS = 50;
const KEEP_TAIL = 20;

export class FfmpegLog {
  /** Error-level lines (error, fatal, panic), the first KEEP_ERRORS. */
  readonly errors: string[] = [];
  /** Count of error-level lines. */
  errorCount = 0;
  /** The last lines that are not per-frame records. */
  readonly tail: string[] = [];
  /** Nominal frame rate of the frames showinfo sees (undefined until known, or when the stream has none). */
  frameRate: number | undefined;
  private partial = '';
  private ended = false;
  private records: ShowinfoRecord[] = [];
  private next = 0;
  private waiters: Array<() => void> = [];

  /** Feeds stderr text (any chunking). */
  feed(text: string): void {
    const lines = (this.partial + text).split(/\r\n|\n|\r/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
    this.wake();
  }

  /** stderr closed. */
  end(): void {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private line(line: string): void {
    if (line === '') return;
    const frame = SHOWINFO.exec(line);
    if (frame !== null) {
      const pts = frame[2] === 'NOPTS' ? NaN : Number(frame[2]);
      const time = frame[3] === 'NOPTS' ? NaN : Number(frame[3]);
      this.records.push({ n: Number(frame[1]), pts, time, width: Number(frame[4]), height: Number(frame[5]), errorsBefore: this.errorCount });
      return;
    }
    if (line.startsWith('[Parsed_showinfo_')) {
      // showinfo's other lines: its configuration (the frame rate) and per-frame details
      const config = SHOWINFO_CONFIG.exec(line);
      if (config !== null && Number(config[1]) > 0 && Number(config[2]) > 0) this.frameRate = Number(config[1]) / Number(config[2]);
      return;
    }
    const level = LEVEL_LINE.exec(line);
    if (level !== null && (level[1] === 'error' || level[1] === 'fatal' || level[1] === 'panic')) {
      this.errorCount++;
      if (this.errors.length < KEEP_ERRORS) this.errors.push(level[2].trim());
    }
    this.tail.push(level !== null ? level[2].trim() : line.trim());
    if (this.tail.length > KEEP_TAIL) this.tail.shift();
  }

  /** The next frame's record, in order; undefined once stderr ended without one. */
  async nextRecord(): Promise<ShowinfoRecord | undefined> {
    for (;;) {
      if (this.next < this.records.length) {
        const r = this.records[this.next];
        this.records[this.next++] = undefined as unknown as ShowinfoRecord; // consumed: let it go
        if (this.next > 1024) {
          this.records = this.records.slice(this.next);
          this.next = 0;
        }
        return r;
      }
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** The first error line, else the last line: what to tell the user about a failure. */
  summary(): string {
    return this.errors[0] ?? this.tail[this.tail.length - 1] ?? 'no message';
  }
}

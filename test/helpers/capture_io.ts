/**
 * A `CommandIO` of @mrcnn/cli that keeps what a command writes: `main(args, c.io)`, then `c.out()`
 * and `c.err()` for its stdout and stderr.
 */
export interface CapturedIO {
  io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean } };
  out: () => string;
  err: () => string;
}

export function captureIO(): CapturedIO {
  let out = '';
  let err = '';
  return {
    io: { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: (s: string) => ((err += s), true) } },
    out: () => out,
    err: () => err,
  };
}

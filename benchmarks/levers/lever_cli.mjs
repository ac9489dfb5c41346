// What the lever scripts share: the workspace packages as built (`npm run build`: what a user's
// Node process loads), `--name value` options and the median of a sample.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const tf = require('@tensorflow/tfjs-core');
export const engine = require('@mrcnn/engine');
export const model = require('@mrcnn/model');

const argv = process.argv.slice(2);

/** The value after `--name` on the command line, else `dflt`. */
export function opt(name, dflt) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
}

export function median(values) {
  const s = [...values].sort((p, q) => p - q);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}

/**
 * Where the demo's model comes from: the embedded default model (served next to the page, no
 * network), a URL given as `?model=…`, or a converted model.json plus its weight shards picked
 * from disk (read with tfjs's browserFiles IO handler).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface ModelSource {
  /** What `load()` receives. */
  source: string | tf.io.IOHandler;
  /** For the status line and for telling sources apart. */
  name: string;
}

export const DEFAULT_MODEL_URL = 'default-model/model.json';

export function urlSource(url: string): ModelSource {
  return { source: url, name: url };
}

/** model.json + shards chosen in a file input (any order). */
export function filesSource(files: readonly File[]): ModelSource {
  const json = files.filter((f) => f.name.endsWith('.json'));
  if (json.length !== 1) throw new Error(`pick exactly one model.json and its .bin shards (got ${json.length} .json files)`);
  const shards = files.filter((f) => f !== json[0]);
  return {
    source: tf.io.browserFiles([json[0], ...shards]),
    name: `${json[0].name} + ${shards.length} shard${shards.length === 1 ? '' : 's'} from disk`,
  };
}

/**
 * Where the demo's model comes from: the embedded default model (served next to the page, no
 * network), a URL (`?model=…` or typed in; kept in the browser's Cache API), or a converted
 * model.json plus its weight shards picked from disk.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface ModelSource {
  /** What `load()` receives. */
  source: string | tf.io.IOHandler;
  /** For the status line and for telling sources apart. */
  name: string;
  /** Keep model.json and shards in the browser's Cache API (URL sources): the next visit loads with no download. */
  cache: boolean;
}

export const DEFAULT_MODEL_URL = 'default-model/model.json';

/** The default model served with the page (not cached: it is next to the page already). */
export function defaultSource(): ModelSource {
  return { source: DEFAULT_MODEL_URL, name: DEFAULT_MODEL_URL, cache: false };
}

/**
 * A converted model at a URL (`?model=…` or typed in): loaded with byte progress and kept in the
 * Cache API, so the next visit reads it from there. For a large model serve fp16 shards
 * (`mrcnn models export <name> -o <dir> --quantize fp16`, or `mrcnn convert ... --quantize fp16`).
 */
export function urlSource(url: string): ModelSource {
  return { source: url, name: url, cache: true };
}

/**
 * An IOHandler over picked files. (tfjs's `io.browserFiles` insists on a `modelTopology`, which a
 * weights-only model.json like ours does not have.)
 */
function pickedFilesHandler(json: File, shards: readonly File[]): tf.io.IOHandler {
  return {
    load: async () => {
      const modelJson = JSON.parse(await json.text()) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const parts: Uint8Array[] = [];
        for (const group of manifest) {
          for (const p of group.paths) {
            const name = p.split('/').pop() ?? p;
            const file = shards.find((f) => f.name === name);
            if (file === undefined) throw new Error(`${json.name} needs the shard ${p}: pick it together with ${json.name}`);
            parts.push(new Uint8Array(await file.arrayBuffer()));
          }
        }
        const all = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
        let at = 0;
        for (const b of parts) {
          all.set(b, at);
          at += b.length;
        }
        return [manifest.flatMap((g) => g.weights), all.buffer];
      });
    },
  };
}

/** model.json + shards chosen in a file input (any order). */
export function filesSource(files: readonly File[]): ModelSource {
  const json = files.filter((f) => f.name.endsWith('.json'));
  if (json.length !== 1) throw new Error(`pick exactly one model.json and its .bin shards (got ${json.length} .json files)`);
  const shards = files.filter((f) => f !== json[0]);
  return {
    source: pickedFilesHandler(json[0], shards),
    name: `${json[0].name} + ${shards.length} shard${shards.length === 1 ? '' : 's'} from disk`,
    cache: false,
  };
}

/**
 * Where the demo's model comes from: the embedded default model (served next to the page, no
 * network), a URL given as `?model=…`, or a converted model.json plus its weight shards picked
 * from disk.
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
  };
}

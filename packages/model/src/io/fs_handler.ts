/**
 * A tfjs `IOHandler` that loads `model.json` + weight shards from the local file system (Node).
 * `fs` and `path` are required lazily, inside `load()`, so importing this module in a browser
 * bundle costs nothing until it is called.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ModelLoadError } from '../errors';
import { validateManifest } from './manifest';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads exactly `bytes` bytes of the file at `file` into `into` from `offset`. */
async function readInto(fs: typeof import('fs'), file: string, into: Uint8Array, offset: number, bytes: number): Promise<void> {
  const handle = await fs.promises.open(file, 'r');
  try {
    let done = 0;
    while (done < bytes) {
      const { bytesRead } = await handle.read(into, offset + done, bytes - done, done);
      if (bytesRead === 0) throw new ModelLoadError(file, `weight shard ended after ${done} of its ${bytes} bytes (changed while read)`);
      done += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** Reads `modelPath` (a directory holding model.json, or the model.json file itself). */
export function fileSystemHandler(modelPath: string): tf.io.IOHandler {
  return {
    load: async (): Promise<tf.io.ModelArtifacts> => {
      const fs = await import('fs');
      const path = await import('path');
      let jsonPath = path.resolve(modelPath);
      let stat: import('fs').Stats;
      try {
        stat = await fs.promises.stat(jsonPath);
      } catch (cause) {
        throw new ModelLoadError(modelPath, 'no such file or directory', { cause });
      }
      if (stat.isDirectory()) jsonPath = path.join(jsonPath, 'model.json');
      let text: string;
      try {
        text = await fs.promises.readFile(jsonPath, 'utf8');
      } catch (cause) {
        throw new ModelLoadError(jsonPath, 'cannot read model.json', { cause });
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (cause) {
        throw new ModelLoadError(jsonPath, 'model.json is not valid JSON', { cause });
      }
      if (!isRecord(json)) throw new ModelLoadError(jsonPath, 'model.json must hold a JSON object');
      const manifest = validateManifest(json.weightsManifest, jsonPath);
      const dir = path.dirname(jsonPath);
      const realDir = await fs.promises.realpath(dir);
      const buffers: ArrayBuffer[] = [];
      for (const [gi, group] of manifest.groups.entries()) {
        const shards: Array<{ path: string; bytes: number }> = [];
        for (const rel of group.paths) {
          const shardPath = path.resolve(dir, rel);
          let real: string;
          try {
            real = await fs.promises.realpath(shardPath);
          } catch (cause) {
            throw new ModelLoadError(shardPath, `weight shard listed in ${jsonPath} is missing`, { cause });
          }
          if (!real.startsWith(realDir + path.sep)) {
            throw new ModelLoadError(shardPath, `weight shard resolves outside the model directory ${realDir}`);
          }
          shards.push({ path: real, bytes: (await fs.promises.stat(real)).size });
        }
        const groupBytes = shards.reduce((a, s) => a + s.bytes, 0);
        if (groupBytes !== group.byteLength) {
          throw new ModelLoadError(jsonPath, `weightsManifest[${gi}]: shards ${group.paths.join(', ')} hold ` +
            `${groupBytes} bytes, the weights listed need ${group.byteLength}`);
        }
        // The group's shards read straight into one buffer (in parallel, each at its offset): every
        // float32 weight is then a view on it, none gathered across shard boundaries (decode_weights.ts).
        // allocUnsafeSlow: not zero-filled (every byte is read over) and not from Buffer's pool.
        const data = Buffer.allocUnsafeSlow(groupBytes);
        let at = 0;
        await Promise.all(shards.map((s) => { const p = readInto(fs, s.path, data, at, s.bytes); at += s.bytes; return p; }));
        buffers.push(data.buffer as ArrayBuffer);
      }
      const artifacts: tf.io.ModelArtifacts = {
        weightSpecs: manifest.specs,
        weightData: buffers,
      };
      if (json.modelTopology !== undefined && json.modelTopology !== null && typeof json.modelTopology === 'object') {
        artifacts.modelTopology = json.modelTopology as {};
      }
      if (typeof json.format === 'string') artifacts.format = json.format;
      if (typeof json.generatedBy === 'string') artifacts.generatedBy = json.generatedBy;
      if (typeof json.convertedBy === 'string') artifacts.convertedBy = json.convertedBy;
      if (isRecord(json.userDefinedMetadata)) artifacts.userDefinedMetadata = json.userDefinedMetadata as {};
      return artifacts;
    },
  };
}

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
        let groupBytes = 0;
        const reads: Array<Promise<Buffer>> = [];
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
          reads.push(fs.promises.readFile(real));
        }
        for (const bytes of await Promise.all(reads)) { // read in parallel
          groupBytes += bytes.byteLength;
          // A large read owns its ArrayBuffer: use it as is (no copy); small ones may share a pool.
          const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
          buffers.push(own ? bytes.buffer as ArrayBuffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
        }
        if (groupBytes !== group.byteLength) {
          throw new ModelLoadError(jsonPath, `weightsManifest[${gi}]: shards ${group.paths.join(', ')} hold ` +
            `${groupBytes} bytes, the weights listed need ${group.byteLength}`);
        }
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

/**
 * One error base class across the packages: every error class that @mrcnn/engine,
 * @mrcnn/weights-converter, @mrcnn/hub, @mrcnn/model, @mrcnn/queue, @mrcnn/video, @mrcnn/worker-pool, @mrcnn/server
 * and @mrcnn/cli export extends @mrcnn/schema's `MrcnnError`, and what
 * they throw on purpose is an `MrcnnError` named after its class.
 */
import * as cli from '@mrcnn/cli';
import * as engine from '@mrcnn/engine';
import * as hub from '@mrcnn/hub';
import * as model from '@mrcnn/model';
import * as queue from '@mrcnn/queue';
import * as schema from '@mrcnn/schema';
import * as server from '@mrcnn/server';
import * as video from '@mrcnn/video';
import * as videoNode from '@mrcnn/video/node';
import * as converter from '@mrcnn/weights-converter';
import * as workerPool from '@mrcnn/worker-pool';

type Constructor = abstract new (...args: never[]) => unknown;

/** The exported classes whose instances are Errors, by export name. */
function errorClasses(mod: object): Map<string, Constructor> {
  const out = new Map<string, Constructor>();
  for (const [name, v] of Object.entries(mod)) {
    if (typeof v === 'function' && (v === Error || v.prototype instanceof Error)) out.set(name, v as Constructor);
  }
  return out;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

const PACKAGES: Array<[string, object, string[]]> = [
  ['@mrcnn/schema', schema, ['MrcnnError', 'ConfigError', 'SchemaVersionError']],
  ['@mrcnn/engine', engine, ['EngineArgumentError', 'EngineBackendError', 'ThreadedWasmSetupError', 'WasmWorkerSourceError']],
  ['@mrcnn/weights-converter', converter, [
    'ConverterError', 'WeightsFormatError', 'ShapeMismatchError', 'MissingTensorError', 'UnsafePickleError', 'OutputExistsError']],
  ['@mrcnn/hub', hub, [
    'ModelFetchError', 'HashMismatchError', 'HttpStatusError', 'NetworkError', 'UnknownModelError', 'UnsupportedModelError',
    'CatalogueError', 'CacheBusyError', 'ExportExistsError']],
  ['@mrcnn/model', model, [
    'MrcnnError', 'ArgumentError', 'ImageDecodeError', 'ModelLoadError', 'ShapeMismatchError', 'DisposedError', 'BackendError',
    'ConfigError', 'CocoFormatError']],
  ['@mrcnn/queue', queue, ['QueueError']],
  ['@mrcnn/worker-pool', workerPool, ['FatalWorkerError', 'WorkerCrashError', 'TaskFailedError', 'TaskAbortedError', 'PoolClosedError']],
  ['@mrcnn/server', server, ['ProtocolError', 'InferenceServerError', 'ServerOptionError']],
  ['@mrcnn/video', video, ['VideoSourceError', 'CorruptVideoError', 'VideoOutputError']],
  ['@mrcnn/cli', cli, ['UsageError', 'CommandUnavailableError', 'FatalWorkerError']],
];

describe('one error base class', () => {
  it.each(PACKAGES)('every error class %s exports extends MrcnnError', (_name, mod, known) => {
    const classes = errorClasses(mod);
    expect([...classes.keys()]).toEqual(expect.arrayContaining(known));
    for (const [name, cls] of classes) {
      expect({ name, extendsMrcnnError: cls === schema.MrcnnError || cls.prototype instanceof schema.MrcnnError })
        .toEqual({ name, extendsMrcnnError: true });
    }
  });

  it('is the same class everywhere (@mrcnn/model re-exports the schema\'s)', () => {
    expect(model.MrcnnError).toBe(schema.MrcnnError);
    expect(model.ConfigError).toBe(schema.ConfigError);
  });

  it('what the packages throw is an MrcnnError named after its class, with the argument or file at fault', async () => {
    const imageError = await model.decodeImage(new Uint8Array([1, 2, 3]), 'bad.png').then(() => undefined, (e: unknown) => e);
    const cases: Array<[unknown, string, RegExp]> = [
      [thrown(() => schema.resolveConfig({ fpn: { channels: 0 } })), 'ConfigError', /fpn\.channels/],
      [thrown(() => schema.readModelMetadata({ schemaVersion: 99 })), 'SchemaVersionError', /schema version 99/],
      [thrown(() => engine.validateRoIAlignAttrs({ ...engine.DEFAULT_ROI_ALIGN_0049, outputSize: 0 }, 4)), 'EngineArgumentError', /outputSize/],
      [thrown(() => converter.readPth(new Uint8Array([1, 2, 3]), 'bad.pth')), 'WeightsFormatError', /bad\.pth/],
      [imageError, 'ImageDecodeError', /bad\.png/],
      [thrown(() => queue.checkRedisUrl('http://h:1')), 'QueueError', /http:\/\/h:1/],
      [thrown(() => hub.modelEntry('no-such-model', {})), 'UnknownModelError', /no-such-model/],
      [thrown(() => videoNode.openVideoSource('no-such-clip.mp4')), 'VideoSourceError', /no-such-clip\.mp4: no such file/],
    ];
    for (const [err, name, message] of cases) {
      expect(err).toBeInstanceOf(schema.MrcnnError);
      expect((err as Error).name).toBe(name);
      expect((err as Error).message).toMatch(message);
    }
  });
});

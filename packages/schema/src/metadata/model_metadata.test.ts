import { DEFAULT_0049_CONFIG, DEFAULT_TORCHVISION_CONFIG } from '../config/defaults';
import { resolveConfig } from '../config/resolve';
import { MrcnnError, SchemaVersionError } from '../errors';
import { FIRST_SCHEMA_VERSION, MODEL_SCHEMA_VERSION, modelMetadata, readModelMetadata } from './model_metadata';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

/** The 0049 config as versions 1 and 2 wrote it: input height x width, no layer counts of RPN/box head convs. */
const V2_0049 = {
  ...DEFAULT_0049_CONFIG,
  input: { height: 320, width: 480, padMultiple: 32, mean: [102.9801, 115.9465, 122.7717], std: [1, 1, 1], channelOrder: 'BGR', resizePolicy: 'fit' },
  rpn: (({ convs, ...rest }) => rest)(DEFAULT_0049_CONFIG.rpn),
  boxHead: { fcDim: 1024 },
};

/** A torchvision model converted with version 2: its card-style 320x480 input, mean/std in 0..255 units. */
const V2_TORCHVISION_K8 = {
  ...DEFAULT_TORCHVISION_CONFIG,
  backbone: { ...DEFAULT_TORCHVISION_CONFIG.backbone, widthDiv: 8 },
  fpn: { channels: 32 },
  input: { height: 448, width: 480, padMultiple: 32, mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], channelOrder: 'RGB', resizePolicy: 'fit' },
  rpn: (({ convs, ...rest }) => rest)(DEFAULT_TORCHVISION_CONFIG.rpn),
  boxHead: { fcDim: 128 },
  mask: { channels: 32, convs: 4 },
};

describe('model.json metadata schema version', () => {
  it('is 3 and written next to the config', () => {
    expect(MODEL_SCHEMA_VERSION).toBe(3);
    const meta = modelMetadata(DEFAULT_0049_CONFIG);
    expect(meta).toEqual({ schemaVersion: 3, mrcnn: DEFAULT_0049_CONFIG });
    expect(readModelMetadata(JSON.parse(JSON.stringify(meta)))).toEqual({ schemaVersion: 3, config: DEFAULT_0049_CONFIG });
  });

  it('reads metadata without a version as version 1 (every file written before version 2) and upgrades it', () => {
    const v1 = { mrcnn: V2_0049, labels: ['background', 'a'], converter: { source: 'x.pth' } };
    const read = readModelMetadata(v1);
    expect(read.schemaVersion).toBe(FIRST_SCHEMA_VERSION);
    expect(resolveConfig(read.config as typeof DEFAULT_0049_CONFIG)).toEqual(DEFAULT_0049_CONFIG);
    expect(FIRST_SCHEMA_VERSION).toBe(1);
    expect(readModelMetadata({ schemaVersion: 1, mrcnn: V2_0049 }).config).toEqual(read.config);
  });

  it('upgrades version 2: height x width become the card transform\'s minSize x maxSize, one RPN conv, two box FCs', () => {
    const c0049 = readModelMetadata({ schemaVersion: 2, mrcnn: V2_0049 }).config as Record<string, Record<string, unknown>>;
    expect(c0049.input).toEqual(DEFAULT_0049_CONFIG.input);
    expect([c0049.rpn.convs, c0049.boxHead]).toEqual([1, { convs: 0, fcs: 2, fcDim: 1024 }]);
    expect(resolveConfig(c0049 as typeof DEFAULT_0049_CONFIG)).toEqual(DEFAULT_0049_CONFIG);
    const tv = readModelMetadata({ schemaVersion: 2, mrcnn: V2_TORCHVISION_K8 }).config;
    // What a version-2 torchvision file meant: the card-style input it was converted with, kept as it was.
    expect(resolveConfig(tv as typeof DEFAULT_0049_CONFIG)).toEqual({
      ...DEFAULT_TORCHVISION_CONFIG,
      backbone: { ...DEFAULT_TORCHVISION_CONFIG.backbone, widthDiv: 8 },
      fpn: { channels: 32 },
      input: { transform: 'card', minSize: 448, maxSize: 480, padMultiple: 32, mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], channelOrder: 'RGB', resizePolicy: 'fit' },
      boxHead: { convs: 0, convChannels: 256, fcs: 2, fcDim: 128 },
      mask: { channels: 32, convs: 4 },
    });
  });

  it('reads absent or non-object metadata as version 1 without a config', () => {
    for (const m of [undefined, null, 'x', [1], {}]) expect(readModelMetadata(m)).toEqual({ schemaVersion: 1, config: undefined });
  });

  it('refuses a newer version, naming it and the newest supported', () => {
    const err = thrown(() => readModelMetadata({ schemaVersion: 4, mrcnn: DEFAULT_0049_CONFIG }));
    expect(err).toBeInstanceOf(SchemaVersionError);
    expect(err).toBeInstanceOf(MrcnnError);
    const e = err as SchemaVersionError;
    expect([e.found, e.supported, e.newer, e.name]).toEqual([4, 3, true, 'SchemaVersionError']);
    expect(e.message).toBe('schema version 4 is newer than 3, the newest this reader supports');
  });

  it.each([[0], [-1], [1.5], ['2'], [null], [Number.NaN], [{}]])('refuses a malformed version %p', (v) => {
    const err = thrown(() => readModelMetadata({ schemaVersion: v, mrcnn: DEFAULT_0049_CONFIG }));
    expect(err).toBeInstanceOf(SchemaVersionError);
    expect((err as SchemaVersionError).newer).toBe(false);
    expect((err as SchemaVersionError).message).toMatch(/^schema version must be a positive integer, got /);
  });

  it('reads only own keys (an inherited schemaVersion or config is not data)', () => {
    const meta = Object.create({ schemaVersion: 99, mrcnn: DEFAULT_0049_CONFIG }) as Record<string, unknown>;
    expect(readModelMetadata(meta)).toEqual({ schemaVersion: 1, config: undefined });
  });
});

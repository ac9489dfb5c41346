import { DEFAULT_0049_CONFIG } from '../config/defaults';
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

describe('model.json metadata schema version', () => {
  it('is 2 and written next to the config', () => {
    expect(MODEL_SCHEMA_VERSION).toBe(2);
    const meta = modelMetadata(DEFAULT_0049_CONFIG);
    expect(meta).toEqual({ schemaVersion: 2, mrcnn: DEFAULT_0049_CONFIG });
    expect(readModelMetadata(JSON.parse(JSON.stringify(meta)))).toEqual({ schemaVersion: 2, config: DEFAULT_0049_CONFIG });
  });

  it('reads metadata without a version as version 1 (every file written before version 2)', () => {
    const v1 = { mrcnn: DEFAULT_0049_CONFIG, labels: ['background', 'a'], converter: { source: 'x.pth' } };
    expect(readModelMetadata(v1)).toEqual({ schemaVersion: FIRST_SCHEMA_VERSION, config: DEFAULT_0049_CONFIG });
    expect(FIRST_SCHEMA_VERSION).toBe(1);
    expect(readModelMetadata({ schemaVersion: 1, mrcnn: DEFAULT_0049_CONFIG }).config).toEqual(DEFAULT_0049_CONFIG);
  });

  it('reads absent or non-object metadata as version 1 without a config', () => {
    for (const m of [undefined, null, 'x', [1], {}]) expect(readModelMetadata(m)).toEqual({ schemaVersion: 1, config: undefined });
  });

  it('refuses a newer version, naming it and the newest supported', () => {
    const err = thrown(() => readModelMetadata({ schemaVersion: 3, mrcnn: DEFAULT_0049_CONFIG }));
    expect(err).toBeInstanceOf(SchemaVersionError);
    expect(err).toBeInstanceOf(MrcnnError);
    const e = err as SchemaVersionError;
    expect([e.found, e.supported, e.newer, e.name]).toEqual([3, 2, true, 'SchemaVersionError']);
    expect(e.message).toBe('schema version 3 is newer than 2, the newest this reader supports');
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

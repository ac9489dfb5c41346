/**
 * Property-based fuzzing (fast-check) of the converter's readers on mutated real files: the
 * .pth unpickler (including the hostile os.system/eval pickles), the ONNX reader and the
 * OpenVINO IR reader (XML and .bin). Every input is read or refused with a ConverterError; no
 * other exception, nothing reaching Object.prototype. Budget: FUZZ_RUNS (npm run fuzz) or short.
 */
import { ConverterError, readIr, readOnnx, readPth } from '@mrcnn/weights-converter';
import { mutantOf } from './mutations';
import { budget, describeOutcome, fuzzProperty } from './property';
import { irSeeds, irZooSeeds, onnxSeeds, pthSeeds } from './seeds';

const isConverterError = (e: unknown): boolean => e instanceof ConverterError;
const log = (line: string): void => {
  if (process.env.FUZZ_RUNS) process.stdout.write(`${line}\n`);
};

describe('weight file readers under fuzzing: typed errors only', () => {
  it('.pth (zip + pickle): read or ConverterError; hostile globals never run', async () => {
    const o = await fuzzProperty('pth', mutantOf(pthSeeds()), budget(150), (b) => readPth(b, 'fuzz.pth'), isConverterError);
    log(describeOutcome('pth', o));
    expect(o.accepted + o.rejected).toBe(o.runs);
    expect(o.rejected).toBeGreaterThan(0);
  });

  it('ONNX (protobuf): read or ConverterError', async () => {
    const o = await fuzzProperty('onnx', mutantOf(onnxSeeds()), budget(60, 0.5), (b) => readOnnx(b, 'fuzz.onnx'), isConverterError);
    log(describeOutcome('onnx', o));
    expect(o.accepted + o.rejected).toBe(o.runs);
    expect(o.rejected).toBeGreaterThan(0);
  });

  it('OpenVINO IR .xml (with the real .bin): read or ConverterError', async () => {
    const { xml, bin } = irSeeds();
    const o = await fuzzProperty('ir-xml', mutantOf(xml), budget(8, 0.1), (b) => readIr(b, bin, 'fuzz.xml'), isConverterError);
    log(describeOutcome('ir-xml', o));
    expect(o.accepted + o.rejected).toBe(o.runs);
  });

  it.each(irZooSeeds().map((s, i) => [['v10 FP16', 'v10 INT8', 'v11 INT8'][i], s] as const))(
    'OpenVINO IR %s .xml (Model Optimizer / POT layout, with its .bin): read or ConverterError', async (label, { xml, bin }) => {
      const o = await fuzzProperty(`ir-xml-${label}`, mutantOf([xml]), budget(6, 0.1), (b) => readIr(b, bin, 'fuzz.xml'), isConverterError);
      log(describeOutcome(`ir-xml-${label}`, o));
      expect(o.accepted + o.rejected).toBe(o.runs);
    });

  it('OpenVINO IR .bin (truncated, spliced, with the real .xml): read or ConverterError', async () => {
    const { xml, bin } = irSeeds();
    const o = await fuzzProperty('ir-bin', mutantOf([bin], 3), budget(8, 0.1), (b) => readIr(xml[0], b, 'fuzz.xml'), isConverterError);
    log(describeOutcome('ir-bin', o));
    expect(o.accepted + o.rejected).toBe(o.runs);
  });
});

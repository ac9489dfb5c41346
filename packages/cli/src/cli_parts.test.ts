import { choiceOption, listOption, numberOption, optionalNumber, parseArgs, requiredOption } from './args';
import { categoryIdOf, cocoResults, imageIdOf } from './coco_results';
import { UsageError } from './command';
import { formatDuration, progressLine } from './progress';

describe('argument parsing', () => {
  const spec = { out: { type: 'string', short: 'o' }, quiet: { type: 'boolean' }, score: { type: 'string' } } as const;

  it('splits options, flags and positionals (--x v, --x=v, -o v, --, -h)', () => {
    const argv = ['a.png', '--out', 'o', '--quiet', '--score=0.3', 'dir', '--', '--odd-name.png'];
    const a = parseArgs(argv, spec);
    expect(a).toEqual({ argv, positionals: ['a.png', 'dir', '--odd-name.png'], values: { out: 'o', score: '0.3' }, flags: { quiet: true } });
    expect(parseArgs(['-o', 'x', 'in.pth'], spec)).toMatchObject({ positionals: ['in.pth'], values: { out: 'x' } });
    expect(parseArgs(['-h'], spec).flags.help).toBe(true);
  });

  it('reports usage errors precisely', () => {
    expect(() => parseArgs(['--nope'], spec)).toThrow(new UsageError('unknown option --nope'));
    expect(() => parseArgs(['--out'], spec)).toThrow('option --out needs a value');
    expect(() => parseArgs(['--out', '--quiet'], spec)).toThrow('option --out needs a value');
    expect(() => parseArgs(['--quiet=1'], spec)).toThrow('option --quiet takes no value');
    expect(() => parseArgs(['-x'], spec)).toThrow('unknown option -x');
    const a = parseArgs(['--score', 'abc'], spec);
    expect(() => numberOption(a, 'score', 0.5, 0, 1)).toThrow('--score must be a number in [0, 1], got "abc"');
    expect(numberOption(parseArgs([], spec), 'score', 0.5, 0, 1)).toBe(0.5);
    expect(() => choiceOption(parseArgs(['--out', 'x'], spec), 'out', ['a', 'b'], 'a')).toThrow('--out must be one of a, b, got "x"');
    expect(() => parseArgs(['-o'], spec)).toThrow('option -o needs a value');
    expect(() => parseArgs(['--quiet', '-q'], spec)).toThrow('unknown option -q');
  });

  it('optional, list and required options', () => {
    expect(optionalNumber(parseArgs([], spec), 'score', 0, 1)).toBeUndefined();
    expect(optionalNumber(parseArgs(['--score', '1'], spec), 'score', 0, 1, true)).toBe(1);
    expect(() => optionalNumber(parseArgs(['--score', '0.5'], spec), 'score', 0, 1, true)).toThrow('--score must be an integer in [0, 1], got "0.5"');
    expect(listOption(parseArgs(['--out', 'a, b,,c'], spec), 'out')).toEqual(['a', 'b', 'c']);
    expect(() => listOption(parseArgs(['--out', ','], spec), 'out')).toThrow('--out needs a comma-separated list, got ","');
    expect(requiredOption(parseArgs(['-o', 'd'], spec), 'out', '<dir>')).toBe('d');
    expect(() => requiredOption(parseArgs([], spec), 'out', '<dir>')).toThrow(new UsageError('missing --out <dir>'));
  });
});

describe('progress line', () => {
  it('draws the bar, rate and ETA from the items done in this run', () => {
    // 5 of 10 done, 4 of them in 8 s: 0.5 img/s, 5 left -> 10 s.
    expect(progressLine(5, 10, 4, 8, 0, 10)).toBe('[====>     ] 5/10 50% 0.50 img/s ETA 0:10');
    expect(progressLine(10, 10, 10, 20, 2, 10)).toBe('[==========] 10/10 100% 0.50 img/s ETA 0:00 2 failed');
    expect(progressLine(0, 3, 0, 0, 0, 4)).toBe('[    ] 0/3 0% 0.00 img/s ETA --:--');
    expect(formatDuration(3725)).toBe('1:02:05');
  });
});

describe('COCO results', () => {
  it('image ids from numeric file names, COCO category ids, xywh boxes in the model convention', () => {
    expect(imageIdOf('000000005001.jpg', 7)).toBe(5001);
    expect(imageIdOf('cat.png', 7)).toBe(7);
    expect(categoryIdOf(12, 81)).toBe(13);
    expect(categoryIdOf(80, 81)).toBe(90);
    expect(categoryIdOf(3, 7)).toBe(3);
    const inst = { classId: 1, label: 'person', score: 0.9, box: [10, 20, 30.5, 60] as [number, number, number, number], area: 5,
      rle: { size: [100, 100] as [number, number], counts: 'x' } };
    expect(cocoResults(4, [inst], { numClasses: 81, plusOne: true })).toEqual([
      { image_id: 4, category_id: 1, bbox: [10, 20, 21.5, 41], score: 0.9, segmentation: inst.rle }]);
    expect(cocoResults(4, [inst], { numClasses: 81, plusOne: false })[0].bbox).toEqual([10, 20, 20.5, 40]);
  });
});

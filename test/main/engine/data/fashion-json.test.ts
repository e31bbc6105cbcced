import { describe, expect, it } from 'vitest';
import { parseClassFile, Scratch } from '../../../../src/main/engine/data/fashion-json';

const parse = (text: string, scratch = new Scratch()) => {
  const r = parseClassFile(Buffer.from(text, 'latin1'), 'c.json', 4, scratch);
  return { ...r, values: Array.from(scratch.buf.subarray(0, r.count * 4)) };
};

describe('fashion-mnist class-file reader', () => {
  it('reads images, skips empty entries and tolerates whitespace', () => {
    const r = parse(' {"data" : [ [1,2,3,255] ,[], [ 0 , 10,20 ,30 ]\n]}\n');
    expect(r).toEqual({ count: 2, max: 255, integers: true, values: [1, 2, 3, 255, 0, 10, 20, 30] });
    expect(parse('{"data":[]}').count).toBe(0);
  });

  it('reads fractional values and reports that they are not integers', () => {
    const r = parse('{"data":[[0.5,1,0,2.5e-1]]}');
    expect(r).toEqual({ count: 1, max: 1, integers: false, values: [0.5, 1, 0, 0.25] });
  });

  it('agrees with JSON.parse when the scratch buffer has to grow', () => {
    const imgs = Array.from({ length: 50 }, (_, i) => [i, (7 * i) % 256, 255 - i, 3]);
    const s = new Scratch();
    const r = parse(JSON.stringify({ data: imgs }), s);
    expect(r.count).toBe(50);
    expect(r.values).toEqual(imgs.flat());
  });

  it('names the file, the byte and the entry on malformed input', () => {
    expect(() => parse('{"data":[[1,2,3]]}')).toThrow(/^c\.json: byte 16: entry 0 \(0-based\) has 3 values, expected 4$/);
    expect(() => parse('{"data":[[1,2,3,4],[1,2,3,4,5]]}')).toThrow(/entry 1 \(0-based\) has more than 4 values/);
    expect(() => parse('{"data":[[1,2,3,256]]}')).toThrow(/entry 0 \(0-based\) has value 256, outside 0\.\.255/);
    expect(() => parse('{"data":[[1,-2,3,4]]}')).toThrow(/entry 0 \(0-based\) has value -2, outside 0\.\.255/);
    expect(() => parse('{"data":[[1,x,3,4]]}')).toThrow(/byte 12: expected a number in entry 0/);
    expect(() => parse('{"data":[[1,2,3,4]')).toThrow(/expected ',' or '\]' after entry 0/);
    expect(() => parse('{"data":[[1,2,3,4]],"x":1}')).toThrow(/expected '\}' closing the file/);
    expect(() => parse('{"images":[]}')).toThrow(/expected the key "data"/);
    expect(() => parse('{"data":[]} x')).toThrow(/unexpected content after the end/);
    expect(() => parse('')).toThrow(/^c\.json: byte 0: expected '\{'/);
  });
});

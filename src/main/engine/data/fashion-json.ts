// Reader for the fashion-mnist package's class files, {"data": [[v, v, …], …]}, that writes the pixel values
// straight into a typed array. JSON.parse would build ~60 MB of JS arrays per file, which V8 frees only lazily,
// so parsing the ten files one after another could hold several files' garbage at once.

/** Growable float64 buffer reused across files. */
export class Scratch {
  buf = new Float64Array(0);
  ensure(n: number): void {
    if (n <= this.buf.length) return;
    const next = new Float64Array(Math.max(n, this.buf.length * 2));
    next.set(this.buf);
    this.buf = next;
  }
}

export interface ClassFile {
  /** Number of non-empty entries (images); their values are scratch.buf[0 .. count·dim). */
  count: number;
  max: number;
  /** All values are integers (0..255 pixels) rather than fractions in [0, 1]. */
  integers: boolean;
}

const SPACE = new Uint8Array(256);
for (const c of ' \t\r\n') SPACE[c.charCodeAt(0)] = 1;
const ch = (s: string): number => s.charCodeAt(0);
const [OBJ_OPEN, OBJ_CLOSE, ARR_OPEN, ARR_CLOSE, COMMA, COLON, ZERO, NINE] = ['{', '}', '[', ']', ',', ':', '0', '9'].map(ch);
const NUMBER_CHAR = new Uint8Array(256);
for (const c of '0123456789.eE+-') NUMBER_CHAR[c.charCodeAt(0)] = 1;

/** Parse one class file; empty entries (0.json has two) are skipped, every other entry must hold `dim` values in 0..255. */
export function parseClassFile(text: Uint8Array, file: string, dim: number, scratch: Scratch): ClassFile {
  const n = text.length;
  let p = 0;
  const fail = (what: string): never => {
    throw new Error(`${file}: byte ${p}: ${what}`);
  };
  const skip = (): void => {
    while (p < n && SPACE[text[p]]) p++;
  };
  const take = (c: number, what: string): void => {
    skip();
    if (text[p] !== c) fail(`expected ${what}`);
    p++;
  };
  take(OBJ_OPEN, "'{'");
  skip();
  const key = '"data"';
  for (let i = 0; i < key.length; i++, p++) if (text[p] !== key.charCodeAt(i)) fail('expected the key "data" (the file should be {"data": [...]})');
  take(COLON, "':'");
  take(ARR_OPEN, "'[' opening the list of images");
  let count = 0;
  let max = 0;
  let integers = true;
  skip();
  if (text[p] === ARR_CLOSE) p++;
  else
    for (let entry = 0; ; entry++) {
      take(ARR_OPEN, `'[' opening entry ${entry} (0-based)`);
      scratch.ensure((count + 1) * dim);
      const buf = scratch.buf;
      const base = count * dim;
      let len = 0;
      skip();
      if (text[p] === ARR_CLOSE) p++;
      else
        for (;;) {
          skip();
          const start = p;
          let v = 0;
          while (p < n && text[p] >= ZERO && text[p] <= NINE) v = v * 10 + text[p++] - ZERO;
          if (p < n && NUMBER_CHAR[text[p]]) {
            while (p < n && NUMBER_CHAR[text[p]]) p++;
            v = Number(Buffer.from(text.buffer, text.byteOffset + start, p - start).toString('latin1'));
            integers &&= Number.isInteger(v);
          }
          if (p === start || !Number.isFinite(v)) fail(`expected a number in entry ${entry} (0-based)`);
          if (v < 0 || v > 255) fail(`entry ${entry} (0-based) has value ${v}, outside 0..255`);
          if (len === dim) fail(`entry ${entry} (0-based) has more than ${dim} values`);
          if (v > max) max = v;
          buf[base + len++] = v;
          skip();
          if (text[p] === COMMA) p++;
          else if (text[p] === ARR_CLOSE) {
            p++;
            break;
          } else fail(`expected ',' or ']' in entry ${entry} (0-based)`);
        }
      if (len !== 0 && len !== dim) fail(`entry ${entry} (0-based) has ${len} values, expected ${dim}`);
      if (len === dim) count++;
      skip();
      if (text[p] === COMMA) p++;
      else if (text[p] === ARR_CLOSE) {
        p++;
        break;
      } else fail(`expected ',' or ']' after entry ${entry} (0-based)`);
    }
  take(OBJ_CLOSE, '\'}\' closing the file (only the key "data" is expected)');
  skip();
  if (p !== n) fail('unexpected content after the end of the JSON object');
  return { count, max, integers };
}

// A strict little XML reader for tests of generated SVG: every tag closed in order, attributes quoted, entities
// known. Returns the element tree; throws with the offset of the first error.
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: (XmlElement | string)[];
}
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'", apos: "'" };
const decode = (s: string, at: number): string =>
  s.replace(/&([^;]*);/g, (_, e: string) => {
    if (!(e in ENTITIES)) throw new Error(`unknown entity &${e}; near ${at}`);
    return ENTITIES[e];
  });

export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [] };
  const stack = [root];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = text.slice(i, lt < 0 ? text.length : lt);
    if (chunk.trim()) {
      if (chunk.includes('>')) throw new Error(`stray > near ${i}`);
      stack[stack.length - 1].children.push(decode(chunk, i));
    }
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(text);
    if (!m) throw new Error(`malformed tag near ${lt}: ${text.slice(lt, lt + 60)}`);
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name}> near ${lt}`);
    } else {
      const attrs: Record<string, string> = {};
      for (const a of attrText.matchAll(/([\w:-]+)="([^"]*)"/g)) {
        if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]} near ${lt}`);
        attrs[a[1]] = decode(a[2], lt);
      }
      const el: XmlElement = { name, attrs, children: [] };
      stack[stack.length - 1].children.push(el);
      if (!selfClose) stack.push(el);
    }
    i = tag.lastIndex;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  const els = root.children.filter((c): c is XmlElement => typeof c !== 'string');
  if (els.length !== 1) throw new Error(`expected one root element, found ${els.length}`);
  return els[0];
}

/** All elements (depth first) matching `pred`. */
export function findAll(el: XmlElement, pred: (e: XmlElement) => boolean, out: XmlElement[] = []): XmlElement[] {
  if (pred(el)) out.push(el);
  for (const c of el.children) if (typeof c !== 'string') findAll(c, pred, out);
  return out;
}
export const textOf = (el: XmlElement): string => el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
export const hasClass = (cls: string) => (e: XmlElement) => (e.attrs.class ?? '').split(' ').includes(cls);

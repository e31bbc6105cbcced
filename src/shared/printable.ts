// Text that came from a file or a database, made safe to print in a terminal or a message: control characters,
// line separators and bidirectional overrides are escaped as \uXXXX (as JSON writes them), so a crafted run name cannot rewrite the
// line, fake another row or reorder what follows it. No Node or DOM imports here.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;

/** `s` with unsafe characters escaped, cut to `max` characters (an ellipsis marks the cut). */
export function printable(s: string, max = Infinity): string {
  const cut = s.length > max ? s.slice(0, max) + '…' : s;
  return cut.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

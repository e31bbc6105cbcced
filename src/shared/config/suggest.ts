// "Did you mean train.lr?" for an unknown config key: the nearest field or section name in the table.
import { GROUPS, LEAVES } from './leaves';

const CANDIDATES: readonly string[] = [...GROUPS.filter((g) => g.key).map((g) => g.key), ...LEAVES.map((l) => l.path)];
const lastKey = (path: string): string => path.slice(path.lastIndexOf('.') + 1);
const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('.')));

/** Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/** Edits a word of this length may be away from a known one and still count as a near miss. */
const allowedEdits = (length: number): number => (length <= 2 ? 0 : length <= 5 ? 1 : 2);

/** The known word nearest to `word` (ignoring case) within the near-miss distance, or null: CLI flags, commands, names. */
export function closest(word: string, known: readonly string[]): string | null {
  const w = word.toLowerCase();
  let best: string | null = null;
  let bestD = allowedEdits(w.length) + 1;
  for (const k of known) {
    const d = editDistance(w, k.toLowerCase());
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best;
}

/**
 * The field or section the user probably meant by an unknown path: its last key within 0 (≤ 2 letters),
 * 1 (≤ 5) or 2 edits of a known one, ignoring case. Being in another section counts as one more edit; on a
 * tie the same section wins. Null if nothing is near.
 */
export function didYouMean(path: string): string | null {
  const key = lastKey(path).toLowerCase();
  const allowed = allowedEdits(key.length);
  const parent = parentOf(path);
  const sameFirst = [...CANDIDATES].sort((a, b) => Number(parentOf(b) === parent) - Number(parentOf(a) === parent));
  let best: string | null = null;
  let bestScore = Infinity;
  for (const c of sameFirst) {
    const d = editDistance(key, lastKey(c).toLowerCase());
    const score = d + (parentOf(c) === parent ? 0 : 1);
    if (d <= allowed && score < bestScore) [best, bestScore] = [c, score];
  }
  return best;
}

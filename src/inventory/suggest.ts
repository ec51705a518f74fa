/** Near-name suggestions ("did you mean …?") for group names, patterns and keys. Pure. */

/** Levenshtein distance. */
export function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

const words = (s: string): string[] => s.split(/[^a-z0-9]+/).filter((w) => w.length >= 3);

/** One name's word (≥ 3 characters, split at `_`, `-`, `.`) starts the other's: `windows` ~ `web_win`. */
function shareWord(a: string, b: string): boolean {
  const wb = words(b);
  return words(a).some((x) => wb.some((y) => x.startsWith(y) || y.startsWith(x)));
}

/**
 * The candidates close to `name`, closest first: within 2 edits (case-insensitive), one
 * containing the other (`windows` ~ `web_windows`), or sharing a word (`windows` ~ `web_win`,
 * `linux_realservers` ~ `web_linux`).
 */
function nearNames(name: string, candidates: readonly string[]): string[] {
  const n = name.toLowerCase();
  const scored = candidates
    .map((c) => {
      const l = c.toLowerCase();
      const d = distance(l, n);
      const contains = n.length >= 3 && l.length >= 3 && (l.includes(n) || n.includes(l));
      return { c, score: d <= 2 ? d : contains ? 3 : shareWord(n, l) ? 4 : Infinity };
    })
    .filter((x) => x.score !== Infinity && x.c !== name);
  return scored.sort((a, b) => a.score - b.score).map((x) => x.c);
}

/** ` (did you mean "a" or "b"?)`, or '' when nothing is near. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const near = nearNames(name, candidates).slice(0, 3);
  return near.length === 0 ? '' : ` (did you mean ${near.map((c) => `"${c}"`).join(' or ')}?)`;
}

/**
 * Python's `shlex.split(line, comments=True)` (POSIX mode), which Ansible uses for INI host lines:
 * whitespace separates words, quotes group, backslash escapes, '#' outside quotes ends the line.
 */
export function shlexSplit(line: string, opts: { comments?: boolean } = {}): string[] {
  return shlexTokens(line, opts).map((t) => t.text);
}

export interface ShlexToken {
  text: string;
  /** The part after the first '=' was (partly) quoted: `k="5"` stays the string "5". */
  quotedValue: boolean;
}

const SPACE = /\s/;
/** A run of plain characters (no space, quote, backslash or '#'), and one inside double quotes. */
const PLAIN = /[^\s'"\\#]+/y;
const IN_DOUBLE = /[^"\\]+/y;

/** The end of the sticky `re` match at `i` (i itself when none). */
function runEnd(re: RegExp, line: string, i: number): number {
  re.lastIndex = i;
  return re.test(line) ? re.lastIndex : i;
}

/** A double-quoted part starting after its opening quote: its text and the index after the closing quote. */
function doubleQuoted(line: string, start: number): { text: string; next: number } {
  const parts: string[] = [];
  let i = start;
  for (;;) {
    const end = runEnd(IN_DOUBLE, line, i);
    parts.push(line.slice(i, end));
    i = end;
    if (i >= line.length) throw new Error('no closing quotation');
    if (line[i] === '"') return { text: parts.join(''), next: i + 1 };
    // a backslash: escapes only " and \ (as POSIX shlex does inside double quotes)
    const n = line[i + 1];
    parts.push(n === '"' || n === '\\' ? n : '\\');
    i += n === '"' || n === '\\' ? 2 : 1;
  }
}

/**
 * Like shlexSplit, but tells whether quotes appeared after the first '=' of each word. Linear in
 * time and memory: runs are sliced, never built a character at a time (docs/reliability.md "Limits").
 */
export function shlexTokens(line: string, opts: { comments?: boolean } = {}): ShlexToken[] {
  const comments = opts.comments ?? true;
  const out: ShlexToken[] = [];
  let parts: string[] | null = null;
  let hasEq = false;
  let quotedValue = false;
  let i = 0;
  const add = (text: string): void => {
    (parts ??= []).push(text);
    if (text.includes('=')) hasEq = true;
  };
  const push = (): void => {
    if (parts !== null) out.push({ text: parts.join(''), quotedValue });
    parts = null;
    hasEq = false;
    quotedValue = false;
  };
  while (i < line.length) {
    const c = line[i] as string;
    if (SPACE.test(c)) {
      push();
      i++;
    } else if (c === '#' && comments) {
      break;
    } else if (c === "'" || c === '"') {
      if (hasEq) quotedValue = true;
      if (c === "'") {
        const end = line.indexOf("'", i + 1);
        if (end < 0) throw new Error('no closing quotation');
        add(line.slice(i + 1, end));
        i = end + 1;
      } else {
        const q = doubleQuoted(line, i + 1);
        add(q.text);
        i = q.next;
      }
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new Error('no escaped character');
      add(line[i + 1] as string);
      i += 2;
    } else {
      const end = Math.max(runEnd(PLAIN, line, i), i + 1);
      add(line.slice(i, end));
      i = end;
    }
  }
  push();
  return out;
}

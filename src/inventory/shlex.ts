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

/** Like shlexSplit, but tells whether quotes appeared after the first '=' of each word. */
export function shlexTokens(line: string, opts: { comments?: boolean } = {}): ShlexToken[] {
  const comments = opts.comments ?? true;
  const out: ShlexToken[] = [];
  let word: string | null = null;
  let quotedValue = false;
  let i = 0;
  const push = (): void => {
    if (word !== null) out.push({ text: word, quotedValue });
    word = null;
    quotedValue = false;
  };
  const quoted = (): void => {
    if ((word ?? '').includes('=')) quotedValue = true;
  };
  while (i < line.length) {
    const c = line[i] as string;
    if (/\s/.test(c)) {
      push();
      i++;
    } else if (c === '#' && comments) {
      break;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error('no closing quotation');
      quoted();
      word = (word ?? '') + line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      quoted();
      let s = '';
      i++;
      for (;;) {
        if (i >= line.length) throw new Error('no closing quotation');
        const d = line[i] as string;
        if (d === '"') break;
        if (d === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          s += line[i + 1];
          i += 2;
        } else {
          s += d;
          i++;
        }
      }
      word = (word ?? '') + s;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new Error('no escaped character');
      word = (word ?? '') + line[i + 1];
      i += 2;
    } else {
      word = (word ?? '') + c;
      i++;
    }
  }
  push();
  return out;
}

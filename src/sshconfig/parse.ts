/**
 * OpenSSH client configuration files (ssh_config(5)) read as OpenSSH's readconf.c reads them:
 * `Keyword args` or `Keyword=args`, keywords case-insensitive, `#` comments, double-quoted
 * arguments. Each directive keeps its file and line (for `-vv`'s provenance). `Include` is not
 * expanded here (it depends on where the including file lives: see resolve.ts).
 */
import { LvsError } from '../errors.js';

export interface Directive {
  /** Keyword, lower-cased (`hostname`, `identityfile`, …). */
  key: string;
  /** Arguments, quotes removed. */
  args: string[];
  file: string;
  line: number;
}

/** Splits a line's arguments: whitespace separates, double quotes group (as OpenSSH's argv_split). */
export function splitArgs(text: string, where: { file: string; line: number }): string[] {
  const out: string[] = [];
  let word: string | null = null;
  let quote = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === '"') quote = false;
      else if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i] as string;
      else word += ch;
    } else if (ch === '"') {
      quote = true;
      word ??= '';
    } else if (/\s/.test(ch)) {
      if (word !== null) out.push(word);
      word = null;
    } else if (ch === '#' && word === null) {
      break;
    } else {
      word = (word ?? '') + ch;
    }
  }
  if (quote) throw new LvsError('E_INVENTORY', 'unterminated quote in ssh_config', { file: where.file, field: `line ${where.line}`, fix: 'close the double quote' });
  if (word !== null) out.push(word);
  return out;
}

/** The directives of one file's text, in order. */
export function parseSshConfig(text: string, file: string): Directive[] {
  const out: Directive[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    // keyword, then whitespace and/or one '='
    const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+|$)(.*)$/.exec(line);
    if (!m) throw new LvsError('E_INVENTORY', `cannot read this ssh_config line: ${line}`, { file, field: `line ${i + 1}`, fix: 'Keyword value, as ssh_config(5) writes it' });
    const args = splitArgs(m[2] as string, { file, line: i + 1 });
    out.push({ key: (m[1] as string).toLowerCase(), args, file, line: i + 1 });
  });
  return out;
}

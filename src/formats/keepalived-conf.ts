/**
 * The one parser of keepalived.conf text: its statements and blocks, each with the line it is on,
 * so a reader can summarise the file (`lvs-play status`, src/status/keepalived-conf.ts) and an
 * editor can change one value and keep every other byte (the drain role's weights). Pure and
 * lenient: keepalived's own rule (a statement is the words of one line up to a brace; `#` and `!`
 * start a comment), unknown keywords kept as they are; `include` files are not followed.
 */

export interface KeepalivedStatement {
  keyword: string;
  args: string[];
  /** 0-based line of its first word. */
  line: number;
  /** Its block, when it opens one (`keyword args {`). */
  block?: KeepalivedStatement[];
  /** 0-based line of the block's closing brace (the last line when it is never closed). */
  endLine?: number;
}

/** keepalived.conf text → its top-level statements (blocks nested). */
export function parseKeepalivedStatements(text: string): KeepalivedStatement[] {
  const top: KeepalivedStatement[] = [];
  const open: KeepalivedStatement[] = [];
  const into = () => open.at(-1)?.block ?? top;
  const lines = text.split('\n');
  let words: string[] = [];
  let start = 0;
  const flush = (opens: boolean, line: number) => {
    if (!words.length && !opens) return;
    const [keyword = '', ...args] = words;
    const st: KeepalivedStatement = { keyword, args, line: words.length ? start : line, ...(opens ? { block: [] } : {}) };
    into().push(st);
    if (opens) open.push(st);
    words = [];
  };
  lines.forEach((raw, i) => {
    for (const tok of raw.replace(/[#!].*$/, '').replace(/([{}])/g, ' $1 ').split(/\s+/).filter(Boolean)) {
      if (tok === '{') flush(true, i);
      else if (tok === '}') {
        flush(false, i);
        const closed = open.pop();
        if (closed) closed.endLine = i;
      } else {
        if (!words.length) start = i;
        words.push(tok);
      }
    }
    flush(false, i);
  });
  for (const st of open) st.endLine = lines.length - 1;
  return top;
}

/** The statements of `keyword` among `statements` that open a block. */
export const blocksNamed = (statements: readonly KeepalivedStatement[] | undefined, keyword: string): KeepalivedStatement[] =>
  (statements ?? []).filter((s) => s.keyword === keyword && s.block);

/** The first argument of statement `keyword` in a block (`weight 3` → '3'). */
export const valueIn = (statements: readonly KeepalivedStatement[] | undefined, keyword: string): string | undefined =>
  (statements ?? []).find((s) => s.keyword === keyword && !s.block)?.args[0];

/**
 * keepalived.conf compared block by block: comments, blank lines, indentation and the order of
 * statements and blocks are free; every statement and block must be on both sides. The one rule
 * beyond that (docs/site.md, "The walkthrough's own files"): in a vrrp_instance's virtual_ipaddress,
 * `ADDRESS/32 dev IFACE` — IFACE the instance's `interface` — is the bare `ADDRESS`.
 */
export interface Block {
  head: string;
  statements: string[];
  blocks: Block[];
}

/** Parses keepalived.conf text into its blocks (`!` and `#` start comments). */
export function parseBlocks(text: string): Block {
  const root: Block = { head: '(file)', statements: [], blocks: [] };
  const stack = [root];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[!#].*$/, '').trim().split(/\s+/).join(' ');
    if (line === '') continue;
    const top = stack[stack.length - 1]!;
    if (line === '}') {
      if (stack.length === 1) throw new Error('unbalanced }');
      stack.pop();
    } else if (line.endsWith('{')) {
      const b: Block = { head: line.slice(0, -1).trim(), statements: [], blocks: [] };
      top.blocks.push(b);
      stack.push(b);
    } else top.statements.push(line);
  }
  if (stack.length !== 1) throw new Error('unclosed block');
  return root;
}

/** The documented VIP rule, applied to every vrrp_instance. */
export function bareVips(b: Block): Block {
  const iface = b.head.startsWith('vrrp_instance ') ? b.statements.find((s) => s.startsWith('interface '))?.slice('interface '.length) : undefined;
  return {
    head: b.head,
    statements: b.statements,
    blocks: b.blocks.map((c) =>
      iface && c.head === 'virtual_ipaddress'
        ? { ...c, statements: c.statements.map((s) => s.replace(new RegExp(`^(\\S+)/32 dev ${iface.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), '$1')) }
        : bareVips(c),
    ),
  };
}

/** A canonical text of a block: statements and sub-blocks sorted, so order does not count. */
export function canonical(b: Block, depth = 0): string {
  const pad = '  '.repeat(depth);
  const inner = [...b.statements.map((s) => `${pad}  ${s}`), ...b.blocks.map((c) => canonical(c, depth + 1))].sort();
  return `${pad}${b.head} {\n${inner.join('\n')}\n${pad}}`;
}

/** The top-level blocks of a file, canonical, keyed by their head (for messages naming the block). */
export function blocksOf(text: string): Record<string, string> {
  const root = bareVips(parseBlocks(text));
  if (root.statements.length) throw new Error(`statements outside any block: ${root.statements.join('; ')}`);
  return Object.fromEntries(root.blocks.map((b) => [b.head, canonical(b)]));
}

/**
 * Pure helpers of the drain role: a real server's weight in keepalived.conf text, and its entries
 * in `ipvsadm -S -n` output.
 */

export interface WeightEdit {
  text: string;
  /** real_server blocks of this address found. */
  found: number;
  /** Their weights before the edit (1 = keepalived's default when a block has none). */
  before: number[];
}

/** Sets `weight W` in every `real_server ADDRESS PORT { … }` block (inserted when missing). */
export function setRealServerWeight(text: string, address: string, weight: number): WeightEdit {
  const lines = text.split('\n');
  const out: string[] = [];
  const before: number[] = [];
  let found = 0;
  let depth = 0;
  let inBlock = false;
  let blockDepth = 0;
  let sawWeight = false;
  let headerIndex = -1;
  let indent = '';
  const braces = (l: string) => (l.replace(/[#!].*$/, '').match(/\{/g)?.length ?? 0) - (l.replace(/[#!].*$/, '').match(/\}/g)?.length ?? 0);
  for (const line of lines) {
    const code = line.replace(/[#!].*$/, '');
    if (!inBlock) {
      const m = /^(\s*)real_server\s+(\S+)\s+\d+\s*\{/.exec(code);
      out.push(line);
      if (m && m[2] === address) {
        inBlock = true;
        found++;
        blockDepth = depth + 1;
        sawWeight = false;
        headerIndex = out.length - 1;
        indent = `${m[1]}    `;
      }
      depth += braces(line);
      continue;
    }
    const w = /^(\s*)weight\s+(\d+)(.*)$/.exec(line);
    if (w && depth === blockDepth) {
      before.push(Number(w[2]));
      sawWeight = true;
      out.push(`${w[1]}weight ${weight}${w[3]}`);
    } else out.push(line);
    depth += braces(line);
    if (depth < blockDepth) {
      inBlock = false;
      if (!sawWeight) {
        before.push(1);
        out.splice(headerIndex + 1, 0, `${indent}weight ${weight}`);
      }
    }
  }
  return { text: out.join('\n'), found, before };
}

export interface IpvsEntry {
  /** `-t`, `-u` or `-f`. */
  kind: string;
  service: string;
  real: string;
  /** `-g`, `-m` or `-i`. */
  forward: string;
  weight: number;
}

/** The real-server lines of `ipvsadm -S -n` whose address is `address` (any port). */
export function ipvsEntriesOf(saveOutput: string, address: string): IpvsEntry[] {
  const out: IpvsEntry[] = [];
  for (const line of saveOutput.split('\n')) {
    const m = /^-a\s+(-[tuf])\s+(\S+)\s+-r\s+(\S+)\s+(-[gmi])\s+-w\s+(\d+)/.exec(line.trim());
    if (!m) continue;
    const real = m[3]!;
    const host = /^\[(.*)\]:\d+$/.exec(real)?.[1] ?? real.replace(/:\d+$/, '');
    if (host === address) out.push({ kind: m[1]!, service: m[2]!, real, forward: m[4]!, weight: Number(m[5]) });
  }
  return out;
}

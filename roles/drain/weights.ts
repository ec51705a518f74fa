/**
 * Pure helpers of the drain role, each a view of the one parser of its format: a real server's
 * weight in keepalived.conf text (the kit's `parseKeepalivedStatements`), and its entries in
 * `ipvsadm -S -n` output (the ipvsadm role's `parseIpvsadmSave`).
 */
import { blocksNamed, canonicalIp, parseKeepalivedStatements, valueIn, type KeepalivedStatement } from 'lvs-play/kit';
import { parseIpvsadmSave, realServerKey, serviceArgs, type Forwarding } from '../ipvsadm/index.js';

export interface WeightEdit {
  text: string;
  /** real_server blocks of this address found. */
  found: number;
  /** Their weights before the edit (1 = keepalived's default when a block has none). */
  before: number[];
}

/** Sets `weight W` in every `real_server ADDRESS PORT { … }` block (inserted when missing). */
export function setRealServerWeight(text: string, address: string, weight: number): WeightEdit {
  const blocks = blocksNamed(parseKeepalivedStatements(text), 'virtual_server')
    .flatMap((vs) => blocksNamed(vs.block, 'real_server'))
    .filter((rs) => rs.args[0] === address);
  const lines = text.split('\n');
  const before = blocks.map((rs) => Number(valueIn(rs.block, 'weight') ?? 1));
  // bottom up, so an inserted line does not move the blocks still to edit
  for (const rs of [...blocks].reverse()) {
    const w: KeepalivedStatement | undefined = rs.block?.find((s) => s.keyword === 'weight' && !s.block);
    if (w) {
      const line = lines[w.line]!;
      const whole = /^(\s*)weight\s+(\d+)(.*)$/.exec(line);
      lines[w.line] = whole ? `${whole[1]}weight ${weight}${whole[3]}` : line.replace(/\bweight(\s+)\d+/, `weight$1${weight}`);
    } else {
      const indent = /^\s*/.exec(lines[rs.line]!)![0];
      lines.splice(rs.line + 1, 0, `${indent}    weight ${weight}`);
    }
  }
  return { text: lines.join('\n'), found: blocks.length, before };
}

export interface IpvsEntry {
  /** `-t`, `-u` or `-f`. */
  kind: string;
  /** The service as ipvsadm names it after `kind` (`10.77.0.10:80`, `7`, `7 -6`). */
  service: string;
  real: string;
  /** `-g`, `-m` or `-i`. */
  forward: string;
  weight: number;
}

const FORWARD: Record<Forwarding, string> = { dr: '-g', nat: '-m', tunnel: '-i' };

/** The real servers of `ipvsadm -S -n` output whose address is `address` (any port, every service). */
export function ipvsEntriesOf(saveOutput: string, address: string): IpvsEntry[] {
  const want = canonicalIp(address);
  return parseIpvsadmSave(saveOutput).flatMap((s) => {
    const [kind = '', ...service] = serviceArgs(s);
    return s.realServers
      .filter((r) => canonicalIp(r.address) === want)
      .map((r) => ({ kind, service: service.join(' '), real: realServerKey(s, r), forward: FORWARD[r.forwarding], weight: r.weight }));
  });
}

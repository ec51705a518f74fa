/**
 * The status report as text: aligned tables (colored on a terminal, plain otherwise). Pure.
 */
import { ipvsShape } from './ipvs.js';
import type { DirectorStatus, RealServerStatus, StatusReport } from './model.js';
import { syncLine } from './sync.js';

type Paint = (text: string, code: number) => string;
const RED = 31, GREEN = 32, YELLOW = 33, DIM = 2, BOLD = 1;

const visible = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '').length;

/** Aligned columns; cells may carry color codes. */
export function table(rows: readonly (readonly string[])[], indent = '  '): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, visible(c))));
  return rows.map((r) => (indent + r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - visible(c)))).join('  ')).trimEnd());
}

function stateCell(state: string, paint: Paint): string {
  const code = state === 'MASTER' ? GREEN : state === 'BACKUP' ? 0 : RED;
  return code ? paint(state, code) : state;
}

function keepalivedCell(d: DirectorStatus, paint: Paint): string {
  if (!d.reachable) return paint('unreachable', RED);
  if (!d.keepalived?.running) return paint('not running', RED);
  return `v${d.keepalived.version ?? '?'} pid ${d.keepalived.pid}`;
}

function ipvsCell(d: DirectorStatus, master: DirectorStatus | undefined, paint: Paint): string {
  if (!d.reachable) return '-';
  if (!d.ipvs.available) return paint(d.ipvs.reason ?? 'no IPVS', DIM);
  const n = d.ipvs.services.length;
  const rs = d.ipvs.services.reduce((a, s) => a + s.realServers.length, 0);
  const text = `${n} service${n === 1 ? '' : 's'}, ${rs} real server${rs === 1 ? '' : 's'}`;
  if (!master || master === d || !master.ipvs.available) return text;
  return ipvsShape(d.ipvs.services).join('\n') === ipvsShape(master.ipvs.services).join('\n') ? `${text} (= ${master.name})` : paint(`${text} (differs from ${master.name})`, RED);
}

function directorsBlock(r: StatusReport, master: DirectorStatus | undefined, paint: Paint): string[] {
  const names = [...new Set(r.directors.flatMap((d) => d.instances.map((i) => i.name)))];
  const head = ['HOST', 'ADDRESS', 'KEEPALIVED', ...names.map((n) => `VRRP ${n}`), 'VIP', 'IPVS', 'DRAINED'];
  const rows = r.directors.map((d) => [
    d.name,
    d.address,
    keepalivedCell(d, paint),
    ...names.map((n) => {
      const i = d.instances.find((x) => x.name === n);
      return i ? `${stateCell(i.state, paint)} prio ${i.priority ?? '?'}` : '-';
    }),
    d.vipsHeld.length ? d.vipsHeld.join(' ') : '-',
    ipvsCell(d, master, paint),
    d.drained.length ? paint(d.drained.join(' '), YELLOW) : '-',
  ]);
  return [paint('DIRECTORS', BOLD), ...table([head.map((h) => paint(h, DIM)), ...rows])];
}

function ipvsBlock(d: DirectorStatus, paint: Paint): string[] {
  const out = [paint(`IPVS on ${d.name}${d.instances.some((i) => i.state === 'MASTER') ? ' (MASTER)' : ''}`, BOLD)];
  if (d.ipvs.services.length === 0) return [...out, '  (empty table)'];
  for (const s of d.ipvs.services) {
    out.push(`  ${s.protocol} ${s.address} ${s.scheduler}${s.flags ? ` ${s.flags}` : ''}`);
    const rows = s.realServers.map((x) => [
      x.address,
      x.forward,
      x.weight === 0 ? paint('0', YELLOW) : String(x.weight),
      String(x.activeConns),
      String(x.inactiveConns),
      String(x.conns ?? '-'),
      String(x.cps ?? '-'),
      String(x.inBps ?? '-'),
    ]);
    out.push(...table([['REAL SERVER', 'FORWARD', 'WEIGHT', 'ACTIVE', 'INACTIVE', 'CONNS', 'CPS', 'IN B/S'].map((h) => paint(h, DIM)), ...rows], '    '));
  }
  return out;
}

function loCell(rs: RealServerStatus, paint: Paint): string {
  if (rs.vipOnLoopback === null) return '?';
  return rs.vipOnLoopback ? paint('yes', GREEN) : paint('no', RED);
}

function arpCell(rs: RealServerStatus, paint: Paint): string {
  if (rs.arp) {
    const ok = rs.arp.ignore >= 1 && rs.arp.announce >= 2;
    return paint(`arp_ignore ${rs.arp.ignore} arp_announce ${rs.arp.announce}`, ok ? GREEN : RED);
  }
  if (rs.weakHost) {
    const w = rs.weakHost;
    const ok = w.loopbackSend === 'enabled' && w.loopbackReceive === 'enabled' && w.nicReceive === 'enabled';
    return paint(ok ? 'weak host on' : `weak host lo ${w.loopbackSend}/${w.loopbackReceive} nic ${w.nicReceive}`, ok ? GREEN : RED);
  }
  return '?';
}

function realServersBlock(r: StatusReport, paint: Paint): string[] {
  const ds = r.directors.map((d) => d.name);
  const head = ['HOST', 'ADDRESS', 'VIP ON LO', 'ARP / WEAK HOST', 'PORT', ...ds.map((d) => `IPVS ${d}`), 'CONF WEIGHT'];
  const rows = r.realServers.map((rs) => {
    if (!rs.reachable) return [rs.name, rs.address, paint('unreachable', RED), '', '', ...ds.map(() => ''), ''];
    const port = rs.ports.join(',') || '?';
    const listen = rs.listening === null ? `${port} ?` : rs.listening ? paint(`${port} listening`, GREEN) : paint(`${port} down`, RED);
    const perDirector = r.directors.map((d) => {
      if (!d.ipvs.available) return paint('n/a', DIM);
      const l = rs.ipvs.filter((x) => x.director === d.name);
      if (l.length === 0) return paint('not listed', rs.drained ? YELLOW : RED);
      return l.map((x) => `w${x.weight} ${x.activeConns}/${x.inactiveConns}`).join(' ');
    });
    const conf = [...new Set(Object.values(rs.configuredWeight))].join('/') || '-';
    return [rs.name, rs.address, loCell(rs, paint), arpCell(rs, paint), listen, ...perDirector, rs.drained ? paint(`${conf} (drained)`, YELLOW) : conf];
  });
  return [paint('REAL SERVERS', BOLD) + paint('  (IPVS: weight active/inactive connections)', DIM), ...table([head.map((h) => paint(h, DIM)), ...rows])];
}

/** The whole report as text; `color` for a terminal. */
export function renderStatus(r: StatusReport, color = false): string {
  const paint: Paint = (text, code) => (color && code ? `\u001b[${code}m${text}\u001b[0m` : text);
  const master = r.directors.find((d) => d.reachable && d.keepalived?.running && d.instances.some((i) => i.state === 'MASTER'));
  const lines = [`${paint('lvs-play status', BOLD)}  inventory ${r.inventory}  ${r.takenAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}  (${(r.durationMs / 1000).toFixed(1)} s)`];
  for (const v of r.vips) {
    const who = v.holders.length ? v.holders.join(' and ') : 'nobody';
    lines.push(`VIP ${v.address} on ${v.holders.length === 1 ? paint(who, GREEN) : paint(who, RED)}`);
  }
  const sync = syncLine(r.directors);
  if (sync) lines.push(sync.includes('not available') ? paint(sync, DIM) : sync);
  lines.push('', ...directorsBlock(r, master, paint));
  const shown = master?.ipvs.available ? master : r.directors.find((d) => d.ipvs.available);
  if (shown) lines.push('', ...ipvsBlock(shown, paint));
  else if (r.directors.some((d) => d.reachable)) lines.push('', paint('IPVS: not available on the directors (no ip_vs in their kernel): weights and connections cannot be shown', DIM));
  lines.push('', ...realServersBlock(r, paint), '');
  if (r.problems.length === 0) lines.push(paint('OK: no problems found', GREEN));
  else {
    lines.push(paint(`PROBLEMS (${r.problems.length})`, RED));
    for (const p of r.problems) lines.push(`  ${paint('✗', RED)} ${p.message}`, `    ${paint('fix:', DIM)} ${p.fix}`);
  }
  return lines.join('\n');
}

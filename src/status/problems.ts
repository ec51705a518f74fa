/**
 * What is wrong with the cluster, each with a fix in the operator's terms. Pure: the report's
 * directors, real servers and VIP holders in, problems out.
 */
import { ipvsShape } from './ipvs.js';
import type { DirectorStatus, Problem, RealServerStatus, StatusReport } from './model.js';

const p = (id: string, host: string | null, message: string, fix: string): Problem => ({ id, host, message, fix });

function directorProblems(ds: readonly DirectorStatus[]): Problem[] {
  const out: Problem[] = [];
  for (const d of ds) {
    if (!d.reachable) {
      out.push(p('unreachable', d.name, `director ${d.name} (${d.address}) cannot be reached: ${d.error ?? 'no answer'}`, `check that ${d.name} is up and that ssh to ${d.address} works`));
      continue;
    }
    if (!d.configFound) {
      out.push(p('no-config', d.name, `${d.name} has no keepalived.conf`, `run the site playbook on it (it writes /etc/keepalived/keepalived.conf), or set the inventory var keepalived_conf to where yours is`));
    }
    if (!d.keepalived?.running) {
      const stale = d.vipsHeld.length ? `; it still holds ${d.vipsHeld.join(', ')}` : '';
      out.push(p('keepalived-down', d.name, `keepalived is not running on ${d.name}${stale}`, `start it on ${d.name} (systemctl start keepalived, or /etc/init.d/keepalived start) or re-run the site playbook${stale ? `; until then remove the stale VIP: ip addr del ${d.vipsHeld[0]}/32 dev ${d.instances[0]?.interface || 'eth0'}` : ''}`));
    }
  }
  const live = ds.filter((d) => d.reachable);
  const names = [...new Set(live.flatMap((d) => d.instances.map((i) => i.name)))];
  for (const inst of names) {
    const masters = live.filter((d) => d.instances.some((i) => i.name === inst && i.state === 'MASTER')).map((d) => d.name);
    if (masters.length > 1) {
      out.push(p('two-masters', null, `VRRP instance ${inst}: ${masters.join(' and ')} are both MASTER (split brain)`, `the directors do not hear each other's VRRP adverts: check that protocol 112 (VRRP) passes between them (firewall), and that virtual_router_id and auth_pass match in both keepalived.conf`));
    } else if (masters.length === 0 && live.length === ds.length) {
      out.push(p('no-master', null, `VRRP instance ${inst}: no director is MASTER — nobody serves its VIPs`, `start keepalived on the directors (the one with the highest priority becomes MASTER); check its log (journalctl -u keepalived) for FAULT reasons such as a down interface`));
    }
  }
  out.push(...syncProblems(live));
  const master = live.find((d) => d.instances.some((i) => i.state === 'MASTER') && d.keepalived?.running);
  if (master?.ipvs.available) {
    const want = ipvsShape(master.ipvs.services);
    for (const b of live) {
      if (b === master || !b.ipvs.available || !b.keepalived?.running) continue;
      const have = ipvsShape(b.ipvs.services);
      const missing = want.filter((l) => !have.includes(l));
      const extra = have.filter((l) => !want.includes(l));
      if (missing.length || extra.length) {
        const what = [...missing.map((l) => `missing "${l}"`), ...extra.map((l) => `extra "${l}"`)].join('; ');
        out.push(p('ipvs-differs', b.name, `the IPVS table of ${b.name} differs from the MASTER's (${master.name}): ${what}`, `a failover to ${b.name} would change the service: compare keepalived.conf on both directors and re-run the site playbook; if the files are equal, a health check sees the real server differently from ${b.name} (check connectivity from there)`));
      }
    }
  }
  return out;
}

/** keepalived.conf asks for connection sync, IPVS is there, keepalived runs, but no sync daemon does. */
function syncProblems(live: readonly DirectorStatus[]): Problem[] {
  return live
    .filter((d) => d.sync.configured && d.sync.available && d.keepalived?.running && d.sync.daemons.length === 0)
    .map((d) => p('sync-down', d.name, `${d.name}: keepalived.conf has lvs_sync_daemon but no IPVS sync daemon runs — a failover would lose the open connections`, `check keepalived's log on ${d.name} (journalctl -u keepalived: "IPVS: … sync daemon") and that the sync interface exists; re-running the site playbook reloads keepalived`));
}

function realServerProblems(rs: RealServerStatus, ds: readonly DirectorStatus[], vips: readonly string[]): Problem[] {
  const out: Problem[] = [];
  if (!rs.reachable) {
    return [p('unreachable', rs.name, `real server ${rs.name} (${rs.address}) cannot be reached: ${rs.error ?? 'no answer'}`, `check that ${rs.name} is up and that its remote shell (ssh / PowerShell remoting) answers`)];
  }
  const live = ds.filter((d) => d.reachable);
  const unconfigured = live.filter((d) => d.configFound && !(d.name in rs.configuredWeight));
  if (unconfigured.length) {
    out.push(p('rs-not-configured', rs.name, `${rs.name} (${rs.address}) is not a real server in keepalived.conf of ${unconfigured.map((d) => d.name).join(', ')}`, `add it to the site's real servers (inventory group / realserver_groups) and re-run the site playbook`));
  }
  if (rs.vipOnLoopback === false) {
    const missing = vips.filter((v) => !rs.loopbackVips.includes(v));
    out.push(p('rs-no-vip', rs.name, `${rs.name} does not have ${missing.join(', ')} on its loopback: it drops the requests the directors send it`, `re-run the site playbook (the ${rs.os === 'linux' ? 'linuxRealServer' : 'windowsRealServer'} role puts the VIP on the loopback)`));
  }
  if (rs.arp && rs.loopbackVips.length && (rs.arp.ignore < 1 || rs.arp.announce < 2)) {
    out.push(p('rs-answers-arp', rs.name, `${rs.name} answers ARP for the VIP (${rs.arp.interface}: arp_ignore=${rs.arp.ignore}, arp_announce=${rs.arp.announce}; needed 1 and 2): clients may send to it directly, bypassing the directors`, `on ${rs.name}: sysctl -w net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2 (the linuxRealServer role sets them persistently)`));
  }
  if (rs.weakHost && (rs.weakHost.loopbackSend !== 'enabled' || rs.weakHost.loopbackReceive !== 'enabled' || rs.weakHost.nicReceive !== 'enabled')) {
    const w = rs.weakHost;
    out.push(p('rs-weak-host', rs.name, `${rs.name}: weak host is not set up (loopback send=${w.loopbackSend} receive=${w.loopbackReceive}, NIC receive=${w.nicReceive}): it will not answer requests for the VIP`, `re-run the site playbook (windowsRealServer sets Set-NetIPInterface -WeakHostSend/-WeakHostReceive Enabled)`));
  }
  const ports = rs.ports.join(', ') || '?';
  if (rs.listening === false) {
    out.push(p('rs-down', rs.name, `${rs.name}: nothing listens on TCP ${ports}: the service is down`, `start the service on ${rs.name}; keepalived's health check takes it out of IPVS meanwhile and puts it back once it answers`));
    return out;
  }
  const master = live.find((d) => d.instances.some((i) => i.state === 'MASTER'));
  const withIpvs = live.filter((d) => d.ipvs.available && d.keepalived?.running);
  const judge = master && withIpvs.includes(master) ? [master] : withIpvs;
  for (const d of judge) {
    const mine = rs.ipvs.filter((l) => l.director === d.name);
    if (mine.length === 0 && d.name in rs.configuredWeight) {
      out.push(p('rs-missing', rs.name, `${rs.name} is up (TCP ${ports} listening) but IPVS on ${d.name} does not list it`, `keepalived's health check fails from ${d.name}: try the check by hand from there (e.g. nc -z ${rs.address} ${rs.ports[0] ?? 80}), look at the firewall between them and at keepalived's log`));
    } else if (mine.some((l) => l.weight === 0) && !rs.drained) {
      out.push(p('rs-weight-0', rs.name, `${rs.name} is up but has weight 0 in IPVS on ${d.name}: it gets no new connections`, `if it is not in maintenance: lvs-play undrain ${rs.name} -i INVENTORY (or set its weight in the inventory and re-run the site)`));
    }
  }
  return out;
}

export function findProblems(r: Pick<StatusReport, 'directors' | 'realServers' | 'vips'>): Problem[] {
  const out = directorProblems(r.directors);
  for (const v of r.vips) {
    if (v.holders.length > 1) {
      out.push(p('vip-on-two-hosts', null, `VIP ${v.address} is on ${v.holders.join(' and ')}: clients reach whichever answered ARP last`, `remove it from the host that is not the running MASTER (ip addr del ${v.address}/32 dev IFACE there); a keepalived that died leaves its VIP behind`));
    }
  }
  const vips = r.vips.map((v) => v.address);
  for (const rs of r.realServers) out.push(...realServerProblems(rs, r.directors, vips));
  return out;
}

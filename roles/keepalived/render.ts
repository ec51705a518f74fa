/**
 * Renders keepalived.conf from the model: deterministic (same input, same bytes; a fixed key
 * order whatever the input's), 4-space indentation like keepalived's samples. Pure.
 * Validate first (validate.ts): the renderer trusts its input.
 */
import { MASK } from 'lvs-play/kit';
import { lvsSyncLine } from './sync.js';
import { scriptWords, type HealthCheck, type KaRealServer, type KeepalivedConfig, type ScriptCommand, type VirtualServer, type VirtualServerGroup, type VrrpInstance, type VrrpScript } from './model.js';

const HEADER = '# managed by lvs-play: do not edit by hand, changes are overwritten';

type Line = string | Line[];

/** keepalived.conf text for one director. */
export function renderKeepalivedConf(cfg: KeepalivedConfig): string {
  const blocks: Line[][] = [globalDefs(cfg)];
  for (const s of cfg.vrrpScripts ?? []) blocks.push(vrrpScript(s));
  for (const i of cfg.vrrpInstances) blocks.push(vrrpInstance(i));
  for (const g of cfg.vrrpSyncGroups ?? []) blocks.push(block(`vrrp_sync_group ${g.name}`, block('group', [...g.instances])));
  for (const g of cfg.virtualServerGroups ?? []) blocks.push(virtualServerGroup(g));
  for (const v of cfg.virtualServers) blocks.push(virtualServer(v));
  let out = `${HEADER}\n\n${blocks.map((b) => flatten(b, 0).join('')).join('\n')}`;
  const raw = cfg.raw?.replace(/\s+$/, '');
  if (raw) out += `\n# raw options (verbatim)\n${raw}\n`;
  return out;
}

function flatten(lines: Line[], depth: number): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (typeof l === 'string') out.push(l === '' ? '\n' : `${'    '.repeat(depth)}${l}\n`);
    else out.push(...flatten(l, depth + 1));
  }
  return out;
}

function block(head: string, body: Line[]): Line[] {
  return [`${head} {`, body, '}'];
}

function globalDefs(cfg: KeepalivedConfig): Line[] {
  const g = cfg.globalDefs;
  const body: Line[] = [`router_id ${g.routerId}`];
  if (g.enableScriptSecurity) body.push('enable_script_security');
  if (g.scriptUser) body.push(`script_user ${[g.scriptUser, g.scriptGroup].filter(Boolean).join(' ')}`);
  if (g.vrrpStrict) body.push('vrrp_strict');
  if (g.vrrpSkipCheckAdvAddr) body.push('vrrp_skip_check_adv_addr');
  if (g.vrrpGarpMasterDelay !== undefined) body.push(`vrrp_garp_master_delay ${g.vrrpGarpMasterDelay}`);
  if (g.vrrpVersion !== undefined) body.push(`vrrp_version ${g.vrrpVersion}`);
  if (g.lvsSyncDaemon) body.push(lvsSyncLine(g.lvsSyncDaemon));
  return block('global_defs', body);
}

/**
 * One double-quoted keepalived string holding a command: words with spaces (or other characters
 * keepalived would split on) are single-quoted inside it, e.g. `"'/opt/my scripts/chk' 80"`.
 * Validation forbids quotes, backslashes, `$`, `#`, `!` and control characters in words.
 */
export function quoteCommand(c: ScriptCommand): string {
  const words = scriptWords(c).map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w}'`));
  return `"${words.join(' ')}"`;
}

function vrrpScript(s: VrrpScript): Line[] {
  const body: Line[] = [`script ${quoteCommand(s.script)}`];
  if (s.interval !== undefined) body.push(`interval ${s.interval}`);
  if (s.timeout !== undefined) body.push(`timeout ${s.timeout}`);
  if (s.weight !== undefined) body.push(`weight ${s.weight}`);
  if (s.fall !== undefined) body.push(`fall ${s.fall}`);
  if (s.rise !== undefined) body.push(`rise ${s.rise}`);
  if (s.user) body.push(`user ${s.user}`);
  return block(`vrrp_script ${s.name}`, body);
}

/** A virtual_ipaddress entry with its words separated by single spaces. */
export function normaliseVip(entry: string): string {
  return entry.trim().split(/\s+/).join(' ');
}

function vrrpInstance(i: VrrpInstance): Line[] {
  const body: Line[] = [
    `state ${i.state}`,
    `interface ${i.interface}`,
    `virtual_router_id ${i.virtualRouterId}`,
    `priority ${i.priority}`,
    `advert_int ${i.advertInt}`,
  ];
  if (i.nopreempt) body.push('nopreempt');
  if (i.preemptDelay !== undefined) body.push(`preempt_delay ${i.preemptDelay}`);
  if (i.unicastSrcIp) body.push(`unicast_src_ip ${i.unicastSrcIp}`);
  if (i.unicastPeers && i.unicastPeers.length > 0) body.push(...block('unicast_peer', [...i.unicastPeers]));
  if (i.authentication) {
    body.push(...block('authentication', [`auth_type ${i.authentication.type}`, `auth_pass ${i.authentication.pass}`]));
  }
  body.push(...block('virtual_ipaddress', i.virtualIpAddresses.map(normaliseVip)));
  if (i.trackInterfaces && i.trackInterfaces.length > 0) body.push(...block('track_interface', i.trackInterfaces.map(tracked)));
  if (i.trackScripts && i.trackScripts.length > 0) body.push(...block('track_script', i.trackScripts.map(tracked)));
  if (i.notifyMaster) body.push(`notify_master ${quoteCommand(i.notifyMaster)}`);
  if (i.notifyBackup) body.push(`notify_backup ${quoteCommand(i.notifyBackup)}`);
  if (i.notifyFault) body.push(`notify_fault ${quoteCommand(i.notifyFault)}`);
  if (i.notify) body.push(`notify ${quoteCommand(i.notify)}`);
  return block(`vrrp_instance ${i.name}`, body);
}

function virtualServerGroup(g: VirtualServerGroup): Line[] {
  return block(`virtual_server_group ${g.name}`, g.members.map((m) => ('fwmark' in m ? `fwmark ${m.fwmark}` : `${m.vip} ${m.port}`)));
}

/** A track_interface / track_script entry: `NAME` or `NAME weight W`. */
function tracked(t: string | { name: string; weight?: number }): string {
  return typeof t === 'string' ? t : t.weight === undefined ? t.name : `${t.name} weight ${t.weight}`;
}

function virtualServer(v: VirtualServer): Line[] {
  const head =
    v.group !== undefined ? `virtual_server group ${v.group}` : v.fwmark !== undefined ? `virtual_server fwmark ${v.fwmark}` : `virtual_server ${v.vip ?? ''} ${v.port ?? 0}`;
  const body: Line[] = [];
  if (v.delayLoop !== undefined) body.push(`delay_loop ${v.delayLoop}`);
  body.push(`lb_algo ${v.lbAlgo}`, `lb_kind ${v.lbKind ?? 'DR'}`);
  if (v.persistenceTimeout !== undefined) body.push(`persistence_timeout ${v.persistenceTimeout}`);
  if (v.fwmark === undefined) body.push(`protocol ${v.protocol ?? 'TCP'}`);
  if (v.quorum !== undefined) body.push(`quorum ${v.quorum}`);
  if (v.sorryServer) body.push(`sorry_server ${v.sorryServer.address} ${v.sorryServer.port}`);
  for (const r of v.realServers) body.push('', ...realServer(r));
  return block(head, body);
}

function realServer(r: KaRealServer): Line[] {
  const body: Line[] = [`weight ${r.weight}`];
  if (r.inhibitOnFailure) body.push('inhibit_on_failure');
  if (r.check) body.push(...healthCheck(r.check));
  return block(r.port === undefined ? `real_server ${r.address}` : `real_server ${r.address} ${r.port}`, body);
}

function healthCheck(c: HealthCheck): Line[] {
  if (c.type === 'MISC_CHECK') {
    const body: Line[] = [`misc_path ${quoteCommand(c.script)}`];
    if (c.timeout !== undefined) body.push(`misc_timeout ${c.timeout}`);
    if (c.dynamic) body.push('misc_dynamic');
    return block('MISC_CHECK', body);
  }
  const body: Line[] = [];
  if (c.type !== 'TCP_CHECK') {
    for (const u of c.url) {
      const url: Line[] = [`path ${u.path}`];
      if (u.digest) url.push(`digest ${u.digest.toLowerCase()}`);
      if (u.statusCode !== undefined) url.push(`status_code ${u.statusCode}`);
      body.push(...block('url', url));
    }
    if (c.virtualhost !== undefined) body.push(`virtualhost ${c.virtualhost}`);
  }
  body.push(`connect_timeout ${c.connectTimeout}`);
  if (c.connectPort !== undefined) body.push(`connect_port ${c.connectPort}`);
  if (c.retry !== undefined) body.push(`retry ${c.retry}`);
  if (c.delayBeforeRetry !== undefined) body.push(`delay_before_retry ${c.delayBeforeRetry}`);
  return block(c.type, body);
}

/**
 * The same text with every auth_pass value replaced by ********, for --diff output and logs.
 * Works on any keepalived.conf text (the `raw` part and hand-written files included).
 */
export function redactKeepalivedConf(text: string): string {
  return text.replace(/^([ \t]*auth_pass)([ \t]+)\S.*$/gm, `$1$2${MASK}`);
}

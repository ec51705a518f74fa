/**
 * The directors' plays for a site, ready to put in a playbook:
 *   1. "keepalived build": every director at once (a build takes a while; nothing is served by it);
 *   2. "keepalived rollout": `serial: 1`, BACKUPs first (`backupFirst`) — the kernel's IPVS scheduler
 *      modules (schedulers.ts), config (checked with
 *      `keepalived -t`, reload on change), init service, health (and health again after a reload),
 *      so a broken director stops the rollout before the MASTER is touched;
 *   3. "keepalived VIP": every director waits until its VRRP state is the one its priority gives
 *      (the highest MASTER, the others BACKUP): the run never ends with a VIP unheld.
 */
import { type HostView, play, type Play, type PlayOptions, type Task } from 'lvs-play';
import { backupFirst } from './health.js';
import * as keepalived from './parts.js';
import type { KeepalivedBuildInput, KeepalivedInstall, KeepalivedServiceInput } from './parts.js';
import type { KeepalivedConfig } from './model.js';
import { schedulerChecks } from './schedulers.js';
import { directorConfigs, directorVarsOf, type DirectorSite } from './site.js';

/** A value, or a function of the host (to read inventory vars such as the VIP). */
export type PerHost<T> = T | ((host: HostView) => T);

const resolve = <T>(v: PerHost<T>, host: HostView): T => (typeof v === 'function' ? (v as (h: HostView) => T)(host) : v);

/** The options of `keepalived.directorsPlays`. */
export interface DirectorsPlaysOptions {
  site: PerHost<DirectorSite>;
  build: PerHost<KeepalivedBuildInput>;
  /** Host pattern of the plays (or a function of the inventory's `all` vars). Default: the group. */
  hosts?: PlayOptions['hosts'];
  /**
   * Group whose hosts are the directors (their `vars.vrrp`: state, priority, routerId), or a
   * function of the host (a site setting). Default 'directors'.
   */
  group?: PerHost<string>;
  service?: PerHost<Omit<KeepalivedServiceInput, 'install' | 'prefix' | 'configPath'>>;
  configPath?: string;
  healthTimeoutSeconds?: number;
  /** Playbook file, for validation messages. */
  file?: string;
  tags?: readonly string[];
}

/** The plays that roll keepalived out to the directors (build, config, service, health; BACKUP first). */
export function directorsPlays(o: DirectorsPlaysOptions): Play[] {
  const hosts = o.hosts ?? (typeof o.group === 'function' ? undefined : (o.group ?? 'directors'));
  if (hosts === undefined) throw new Error('keepalived.directorsPlays: with group as a function, give hosts too (the plays\' pattern)');
  const tags = o.tags ?? ['keepalived'];
  // a site without directors is a mistake in the inventory, not a run with nothing to do
  const buildPlay = play('keepalived build', { hosts, tags, requireHosts: true }, (host) => [keepalived.build(resolve(o.build, host))]);
  const configsOf = directorConfigsOf(o);
  const rollout = play('keepalived rollout', { hosts, serial: 1, order: backupFirst, tags, requireHosts: true }, (host) => rolloutTasks(o, host, configsOf));
  // The last step: a run never ends with a VIP unheld. Every director waits (bounded) until its
  // instances are in the state the priorities give them — the highest priority MASTER (it holds
  // the VIPs), the others BACKUP — so exactly one director holds each VIP when the run returns.
  // Skipped when the rollout stopped (a failed BACKUP: the MASTER is never touched).
  const settle = play('keepalived VIP', { hosts, tags: [...tags, 'keepalived-vip'] }, (host) => {
    const build = resolve(o.build, host);
    const expect = expectedStates(configsOf(host).configs, host.name);
    return [keepalived.health({ binary: buildPaths(build).binary, timeoutSeconds: o.healthTimeoutSeconds ?? 20, instances: Object.keys(expect), expect })];
  });
  return [buildPlay, rollout, settle];
}

/** Every director's config as seen from a host, and the directors' group. */
type ConfigsOf = (host: HostView) => { group: string; configs: ReturnType<typeof directorConfigs> };

/**
 * Every director's config, as seen from `host` (its site and its group's vars.vrrp). Each
 * director's rollout and VIP play asks for all of them: built and validated once per distinct
 * (group, directors, site) — with thousands of real servers a config is the bulk of the planning.
 */
function directorConfigsOf(o: DirectorsPlaysOptions): ConfigsOf {
  const memo = new Map<string, ReturnType<typeof directorConfigs>>();
  return (host) => {
    const group = resolve(o.group ?? 'directors', host);
    const members = host.group(group);
    const vars = directorVarsOf(members);
    const directors = Object.fromEntries(members.map((d) => [d.name, { ...vars[d.name]!, address: d.address }]));
    const site = resolve(o.site, host);
    const key = memoKey(group, directors, site);
    const known = key === null ? undefined : memo.get(key);
    if (known) return { group, configs: known };
    const byAddress = new Map<string, string>();
    for (const h of host.group('all')) if (!byAddress.has(h.address)) byAddress.set(h.address, h.name);
    const hostOf = (address: string): string | undefined => byAddress.get(address);
    const configs = directorConfigs(site, directors, { ...(o.file ? { file: o.file } : {}), field: `groups.${group}.hosts`, hostOf });
    if (key !== null) memo.set(key, configs);
    return { group, configs };
  };
}

/** Where a build puts keepalived (its binary, install kind and prefix). */
function buildPaths(build: KeepalivedBuildInput): KeepalivedInstall {
  return keepalived.keepalivedPaths({ install: build.install ?? 'source', ...(build.prefix ? { prefix: build.prefix } : {}) });
}

/** One director's rollout: the schedulers its config names, the config, the service, health. */
function rolloutTasks(o: DirectorsPlaysOptions, host: HostView, configsOf: ConfigsOf): Task[] {
  const build = resolve(o.build, host);
  const service = o.service === undefined ? {} : resolve(o.service, host);
  const { group, configs } = configsOf(host);
  const config = configs[host.name];
  if (!config) throw new Error(`${host.name} is not in group ${group}: its keepalived config comes from that group's vars.vrrp`);
  const paths = buildPaths(build);
  const configPath = o.configPath ?? '/etc/keepalived/keepalived.conf';
  const timeout = o.healthTimeoutSeconds ?? 20;
  // the kernel has each scheduler the config names, before the config changes (not with --vrrp)
  const checks = schedulerChecks(config, service.args ?? ['-D']);
  return [
    ...(checks ? [checks] : []),
    // validated with the other directors' configs (configsOf): not again
    keepalived.validatedConfig({ config, binary: paths.binary, path: configPath, healthTimeoutSeconds: timeout, ...(o.file ? { file: o.file } : {}) }),
    keepalived.service({ ...service, install: paths.install, prefix: paths.prefix, configPath }),
    // any known state of the running keepalived: after a config change it still runs the old
    // instances until the reload handler (whose health check then waits for the new ones)
    keepalived.health({ binary: paths.binary, timeoutSeconds: timeout }),
  ];
}

/** A key for equal inputs of directorConfigs, or null when they hold something JSON does not show (a function). */
function memoKey(...parts: unknown[]): string | null {
  try {
    return JSON.stringify(parts, (_k, v: unknown) => {
      if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint') throw new Error('not keyable');
      return v;
    });
  } catch {
    return null;
  }
}

/**
 * The VRRP state each instance of `host` must settle in, from the directors' configs: MASTER for
 * the one highest priority, BACKUP for the others. Instances with a tie for the highest priority
 * or `nopreempt` are left out (either director may hold them). Pure; exported for tests.
 */
export function expectedStates(configs: Readonly<Record<string, KeepalivedConfig>>, host: string): Record<string, 'MASTER' | 'BACKUP'> {
  const out: Record<string, 'MASTER' | 'BACKUP'> = {};
  for (const inst of configs[host]?.vrrpInstances ?? []) {
    const peers = Object.values(configs).flatMap((c) => c.vrrpInstances.filter((i) => i.name === inst.name));
    if (peers.some((i) => i.nopreempt)) continue;
    const top = Math.max(...peers.map((i) => i.priority));
    if (peers.filter((i) => i.priority === top).length !== 1) continue;
    out[inst.name] = inst.priority === top ? 'MASTER' : 'BACKUP';
  }
  return out;
}

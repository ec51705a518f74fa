/**
 * `lvs-play drain HOST -i INVENTORY [--wait 60s] [--check] [--diff] [--json FILE]`: the real server
 * HOST gets weight 0 on every director (recorded, live in IPVS, in keepalived.conf + reload), then
 * the command waits until IPVS shows no active connection to it (or the wait ends) and says what
 * remained. `lvs-play undrain HOST` (src/cli/undrain.ts) restores the inventory weight.
 * Both run a playbook of the drain role (roles/drain) through the engine: idempotent, --check.
 */
import { parseArgs } from 'node:util';
import { optionsOf } from './options.js';
import { drain, drainWait, undrain } from '../../roles/drain/index.js';
import { play, playbook } from '../dsl/play.js';
import { LvsError } from '../errors.js';
import { keepalivedConfOf, realServerNamed, siteOf, type Site, type SiteMember } from '../site/index.js';
import type { Playbook } from '../types.js';
import { loadInputs, VAULT_OPTIONS, vaultSourcesOf } from './vault-options.js';
import { SSH_OPTIONS, sshOptionsOf } from './ssh-options.js';
import type { CliOptions } from './args.js';
import { runLoadedPlaybook } from './run.js';

export const DRAIN_USAGE = `Usage: lvs-play drain HOST -i INVENTORY [--wait 60s] [--check] [--diff] [-e K=V] [--json FILE]
       lvs-play undrain HOST -i INVENTORY [--check] [--diff] [-e K=V] [--json FILE]

drain: weight 0 for real server HOST on every director (directors_group, default directors): recorded on the
director (a site run keeps it at 0 until undrain), live in IPVS and in keepalived.conf (keepalived
reloaded, never restarted); then waits until its active connections end (--wait, default 60s).
undrain: its inventory weight (var weight, 0-65535, default 1) back everywhere, the record removed.
Vault passwords: --vault-password-file FILE, --vault-id LABEL@SOURCE, --ask-vault-pass (as for a playbook run).
ssh: --ssh-config FILE, -T/--timeout N (as for a playbook run).`;

export type DrainMode = 'drain' | 'undrain';

interface DrainOptions {
  host: string;
  waitSeconds: number;
  cli: CliOptions;
}

function usage(msg: string): LvsError {
  return new LvsError('E_USAGE', msg, { file: 'command line', fix: DRAIN_USAGE.split('\n')[0]! });
}

/** `60s`, `2m`, `90` → seconds. */
export function parseWait(v: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(v.trim());
  if (!m) throw usage(`--wait takes a duration like 60s, 2m or 90 (got ${v})`);
  const s = Math.round(Number(m[1]) * (m[2] === 'm' ? 60 : 1));
  if (s > 86_400) throw usage(`--wait is at most a day (got ${v})`);
  return s;
}

export function parseDrainArgs(mode: DrainMode, argv: readonly string[]): DrainOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      ...optionsOf('inventory', 'wait', 'check', 'diff', 'extra-vars', 'json', 'verbose', 'accept-new-host-keys', 'help'),
      ...VAULT_OPTIONS,
      ...SSH_OPTIONS,
    },
  });
  if (values.help) return 'help';
  const [host, ...rest] = positionals;
  if (!host) throw usage(`${mode}: which real server? (lvs-play ${mode} HOST -i INVENTORY)`);
  if (rest.length) throw usage(`unexpected arguments: ${rest.join(' ')}`);
  if (!values.inventory) throw usage('no inventory given: add -i INVENTORY (e.g. -i lab)');
  if (mode === 'undrain' && values.wait !== undefined) throw usage('--wait is for drain');
  return {
    host,
    waitSeconds: values.wait === undefined ? 60 : parseWait(values.wait),
    cli: {
      playbook: `(lvs-play ${mode} ${host})`,
      inventory: values.inventory,
      check: values.check ?? false,
      diff: values.diff ?? false,
      extraVars: values['extra-vars'] ?? [],
      forks: 10,
      listHosts: false,
      listTasks: false,
      ...(values.json ? { json: values.json } : {}),
      verbose: values.verbose?.length ?? 0,
      acceptNewHostKeys: values['accept-new-host-keys'] ?? false,
      ...(vaultSourcesOf(values) ? { vault: vaultSourcesOf(values)! } : {}),
      ...sshOptionsOf(values),
    },
  };
}

/** The playbook a drain or undrain runs (on the site's directors group). */
export function drainPlaybook(mode: DrainMode, site: Site, rs: SiteMember, waitSeconds: number): Playbook {
  const who = { address: rs.address, host: rs.name };
  const hosts = site.groups.directors;
  if (mode === 'undrain') {
    return playbook(`undrain ${rs.name}`, [play(`undrain ${rs.name}`, { hosts }, (d) => [undrain({ ...who, weight: rs.weight, configPath: keepalivedConfOf(d) })])]);
  }
  return playbook(`drain ${rs.name}`, [
    play(`drain ${rs.name}`, { hosts }, (d) => [drain({ ...who, configPath: keepalivedConfOf(d) })]),
    play(`drain ${rs.name}: its active connections`, { hosts }, () => [drainWait({ ...who, seconds: waitSeconds })]),
  ]);
}

export async function drainCommand(mode: DrainMode, argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const o = parseDrainArgs(mode, argv);
  if (o === 'help') return out.write(`${DRAIN_USAGE}\n`), 0;
  const cwd = process.cwd();
  const { inv } = await loadInputs(o.cli, cwd);
  const site = siteOf(inv);
  return runLoadedPlaybook(drainPlaybook(mode, site, realServerNamed(site, o.host), o.waitSeconds), inv, o.cli, { out });
}

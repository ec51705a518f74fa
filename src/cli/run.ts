import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { isPlaybook } from '../dsl/play.js';
import { LvsError } from '../errors.js';
import { importUserModule } from '../loader.js';
import { Redactor } from '../run/redact.js';
import { recapText } from '../run/report.js';
import { selectPlaybook } from '../run/select.js';
import { preflight } from '../run/preflight.js';
import type { HostView, Inventory, Playbook, RunReport, Vars } from '../types.js';
import type { PlannedPlay } from '../run/select.js';
import { EXIT } from './exit.js';
import type { RunContext, RunHooks } from './run-hooks.js';
import type { CliOptions } from './args.js';
import { listHosts, listTasks } from './list.js';
import { loadInputs } from './vault-options.js';
import { selectHosts } from '../inventory/pattern.js';
import { assertConnectable } from '../inventory/resolve.js';
import { onceWarner } from '../warnings.js';
import { SecretResolver } from '../inventory/secret.js';
import { mark, writeProfile } from '../profile.js';
import { applyShard } from './shard.js';
import { checkWritable } from './outputs.js';
import { connectEarly, firstContacted, type EarlyConnections } from './early-connect.js';
import type { ConnectorOptions } from './connect.js';

export { EXIT };

/**
 * What only a run that contacts hosts needs, in the order it is needed: the transports (ssh2) and
 * the ssh settings first, so the first hosts connect while the executor (and listr2) loads.
 * --list-hosts/--list-tasks never load them.
 */
async function runTransports() {
  // one after the other: these graphs overlap (concurrent imports of one graph once raced, src/cli/connect.ts)
  const { makeConnector } = await import('./connect.js');
  const { provenanceText, resolveSshHosts } = await import('./ssh-settings.js');
  const { closeJumpHosts } = await import('../transport/ssh-route.js');
  return { makeConnector, provenanceText, resolveSshHosts, closeJumpHosts };
}

export async function loadPlaybook(path: string): Promise<Playbook> {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new LvsError('E_LOAD', 'playbook file not found', { file: path, fix: 'give the path of a .ts/.js file whose default export is playbook(...)' });
  let mod: unknown;
  try {
    mod = await importUserModule(abs, path);
  } catch (e) {
    if (e instanceof LvsError) throw e.within(path);
    throw new LvsError('E_LOAD', `cannot load: ${e instanceof Error ? e.message : String(e)}`, { file: path });
  }
  if (!isPlaybook(mod)) {
    throw new LvsError('E_LOAD', 'the default export is not a playbook', { file: path, fix: "export default playbook('name', [play(...), ...]) (import { playbook, play } from 'lvs-play')" });
  }
  return mod;
}

/** Exit code of a finished run, as documented in --help. */
export function exitCodeOf(report: RunReport): number {
  if (report.aborted) return EXIT.interrupted;
  const hosts = Object.values(report.summary);
  if (hosts.some((h) => h.failed > 0)) return EXIT.failed;
  // a serial batch stopped only by unreachable hosts is an unreachable run (3), not a failed one
  if (hosts.some((h) => h.unreachable > 0)) return EXIT.unreachable;
  if (report.stopped) return EXIT.failed;
  return EXIT.ok;
}

/** --check --detailed-exitcode: a run that would change something (and nothing worse) exits 7, not 0. */
export function detailedExitCode(report: RunReport, code: number): number {
  return code === EXIT.ok && report.check && report.results.some((r) => r.status === 'changed') ? EXIT.changes : code;
}

/**
 * The NTLM helpers of the WinRM hosts (a local pwsh each, about a second to start) start before the
 * engine loads, so that start overlaps the rest of the start-up. Returns a disposer for those no host took.
 */
async function startWinRmHelpersEarly(hosts: readonly HostView[], forks: number): Promise<() => void> {
  const ntlm = hosts.filter((h) => h.connection.type === 'winrm' && h.connection.authentication !== 'Basic');
  if (!ntlm.length) return () => undefined;
  const { findPwsh } = await import('../transport/pwsh-find.js');
  let pwsh: string;
  try {
    pwsh = findPwsh();
  } catch {
    return () => undefined; // no pwsh here: each host's connect says so, as it always did
  }
  // at most one per host the run contacts at once (--forks): each is a pwsh process
  return (await import('../transport/winrm/auth-helper.js')).prestartHelpers(pwsh, Math.min(ntlm.length, Math.max(1, forks)));
}

/** The main job: load, validate everything, then run (or list). Returns the exit code. */
export async function runPlaybook(o: CliOptions, out: NodeJS.WritableStream = process.stdout, given?: RunHooks): Promise<number> {
  mark('modules');
  // a saved plan's hooks (and their modules) only when --plan-out asks for one
  const hooks = given ?? (o.planOut ? (await import('./plan-out.js')).planOutHooks(o.planKey) : {});
  if (o.json) checkWritable(o.json, '--json');
  if (o.planOut) checkWritable(o.planOut, '--plan-out');
  if (o.junit) checkWritable(o.junit, '--junit');
  const cwd = process.cwd();
  const pb = await loadPlaybook(o.playbook);
  const warn = onceWarner();
  const { inv, extraVars } = await loadInputs(o, cwd, warn);
  mark('loaded');
  return runLoadedPlaybook(pb, inv, o, { out, hooks, warn, extraVars });
}

/** No host left by the plays' patterns and --limit: refused, as Ansible does (E_NO_HOSTS, exit 6). */
function refuseNoHosts(plays: readonly PlannedPlay[], o: CliOptions, inv: Inventory): void {
  if (plays.length === 0 || plays.some((p) => p.hosts.length > 0)) return;
  throw new LvsError('E_NO_HOSTS', `no host to run on: ${o.limit ? `--limit ${JSON.stringify(o.limit)} and ` : ''}the plays' host patterns select no host of ${inv.source}`, {
    file: o.limit ? '--limit' : o.playbook,
    fix: o.limit ? 'give a --limit that selects hosts of the plays (lvs-play … --list-hosts shows them)' : 'put the hosts of the plays in the inventory',
  });
}

/** The plays of this run: every host's tasks built (and validated) in every shard, then this shard's part kept. */
function playsOf(pb: Playbook, inv: Inventory, o: CliOptions, warn: ReturnType<typeof onceWarner>): PlannedPlay[] {
  const selected = selectPlaybook(pb, {
    file: o.playbook,
    ...(inv.vars ? { vars: inv.vars } : {}),
    select: (pattern, field) => selectHosts(inv, pattern, field ? { source: o.playbook, field, onUnknown: warn } : { source: '--limit' }),
    ...(o.limit ? { limit: o.limit } : {}),
    ...(o.tags ? { tags: o.tags } : {}),
    ...(o.skipTags ? { skipTags: o.skipTags } : {}),
    ...(o.listHosts && !o.listTasks ? { hostsOnly: true } : {}),
  });
  refuseNoHosts(selected, o, inv);
  return applyShard(selected, o.shard);
}

/** --list-hosts / --list-tasks: what would run, nothing contacted. */
function writeLists(pb: Playbook, plays: readonly PlannedPlay[], o: CliOptions, out: NodeJS.WritableStream): number {
  out.write(`playbook: ${o.playbook} (${pb.name})\n`);
  if (o.listHosts) out.write(`${listHosts(plays)}\n`);
  if (o.listTasks) out.write(`${listTasks(plays)}\n`);
  writeProfile(); // LVS_PLAY_PROFILE: a listing's marks too (its start-up, without a host)
  return EXIT.ok;
}

/**
 * Ctrl-C (and SIGTERM) aborts the run: connections close, the recap is still written; a second
 * Ctrl-C quits at once. And the event loop emptying while the run still waits (a host request
 * nobody will ever answer) is an internal error, never a silent exit 0 without a recap.
 */
function interruptible(): { signal: AbortSignal; release(): void } {
  const abort = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    process.stderr.write('\ninterrupted: closing connections (Ctrl-C again to quit at once)\n');
    abort.abort();
  };
  const onStall = () => {
    process.stderr.write('lvs-play: internal error: the run stopped waiting on a host request that can no longer finish\n');
    process.exitCode = EXIT.internal;
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  process.on('beforeExit', onStall);
  return {
    signal: abort.signal,
    release() {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
      process.off('beforeExit', onStall);
    },
  };
}

/** The recap on `out`, then --json and --junit. */
async function writeReport(report: RunReport, o: CliOptions, out: NodeJS.WritableStream, redactor: Redactor): Promise<void> {
  const color = Boolean((out as NodeJS.WriteStream).isTTY) && !process.env.NO_COLOR;
  out.write(`\n${recapText(report, color)}\n`);
  if (report.stopped) out.write(`stopped: ${report.stopped}\n`);
  if (o.json) await writeFile(o.json, `${JSON.stringify(report, null, 2)}\n`);
  if (o.junit) {
    const { junitXml } = await import('../run/junit.js');
    await writeFile(o.junit, junitXml(report, (t) => redactor.redact(t)));
  }
}

/**
 * The transports (imported now), the ssh settings of the hosts the run contacts, and the disposer of
 * the WinRM helpers started before them (ended here if this fails).
 */
async function transportsFor(inv: Inventory, contacted: ReadonlySet<string>, o: CliOptions, warn: ReturnType<typeof onceWarner>) {
  const hosts = inv.hosts.filter((h) => contacted.has(h.name));
  const endEarlyHelpers = await startWinRmHelpersEarly(hosts, o.forks);
  try {
    const transports = await runTransports();
    return { ...transports, sshSettings: transports.resolveSshHosts(hosts, o, warn), endEarlyHelpers };
  } catch (e) {
    endEarlyHelpers();
    throw e;
  }
}

/** The connector's settings: the run's secrets and ssh settings, the command line's, and a real run's host lock. */
function connectorOptions(o: CliOptions, run: Pick<ConnectorOptions, 'secrets' | 'redactor' | 'sshSettings'>): ConnectorOptions {
  return {
    ...run,
    acceptNewHostKeys: o.acceptNewHostKeys,
    ...(o.sshConfig ? { sshConfig: o.sshConfig } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    // a real run holds each host's lock: a second run at once is refused there, never interleaved
    ...(o.check ? {} : { lockHolder: `lvs-play pid ${process.pid} on ${hostname()} since ${new Date().toISOString()} (${o.playbook})` }),
  };
}

/** Runs a playbook value against a loaded inventory (also for commands that build their playbook: drain). */
export async function runLoadedPlaybook(
  pb: Playbook,
  inv: Inventory,
  o: CliOptions,
  { out = process.stdout, hooks = {}, warn = onceWarner(), extraVars = {} }: { out?: NodeJS.WritableStream; hooks?: RunHooks; warn?: ReturnType<typeof onceWarner>; extraVars?: Vars } = {},
): Promise<number> {
  const plays = playsOf(pb, inv, o, warn);
  mark('selected');
  if (o.listHosts || o.listTasks) return writeLists(pb, plays, o, out);
  // connection settings are needed only now, and only for the hosts this run contacts
  const contacted = new Set(plays.flatMap((p) => [...p.perHost.keys()]));
  assertConnectable(inv, contacted);
  preflight(plays, o.playbook);
  const { makeConnector, provenanceText, closeJumpHosts, sshSettings, endEarlyHelpers } = await transportsFor(inv, contacted, o, warn);
  if (o.verbose >= 2 && sshSettings.size) out.write(provenanceText(sshSettings));
  mark('planned'); // everything checked; no host contacted yet

  // what Ansible Vault opened is known now: hidden from the first line of output
  const redactor = new Redactor().add(...(inv.secrets ?? []));
  const secrets = new SecretResolver({}, redactor); // resolved values land in the run's one holder
  const run = interruptible();
  let early: EarlyConnections | undefined;
  try {
    const connector = makeConnector(connectorOptions(o, { secrets, redactor, sshSettings }));
    // without a hook that may replace the connector (saved plans), the first hosts connect now
    early = hooks.beforeExecute ? undefined : connectEarly(firstContacted(plays), connector);
    const { execute } = await import('../run/executor.js');
    mark('engine');
    const ctx: RunContext = { options: o, inventory: inv, extraVars, plays, connect: early?.connect ?? connector, redactor, signal: run.signal, out };
    const before = hooks.beforeExecute ? await hooks.beforeExecute(ctx) : {};
    if (typeof before === 'number') return before;
    Object.assign(ctx, before);
    const report = await execute(ctx.plays, {
      check: o.check,
      diff: o.diff,
      verbose: o.verbose,
      forks: o.forks,
      ...(o.maxFailPercentage !== undefined ? { maxFailPercentage: o.maxFailPercentage } : {}),
      connect: ctx.connect,
      redactor,
      signal: run.signal,
      playbook: o.playbook,
      inventory: inv.source,
    });
    mark('executed');
    await writeReport(report, o, out, redactor);
    mark('recap');
    const code = hooks.afterExecute ? await hooks.afterExecute(report, ctx, exitCodeOf(report)) : exitCodeOf(report);
    return o.detailedExitcode ? detailedExitCode(report, code) : code;
  } finally {
    await early?.closeUnused();
    endEarlyHelpers();
    await closeJumpHosts();
    writeProfile();
    run.release();
  }
}

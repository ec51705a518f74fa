/**
 * One host of a batch, as the task tree runs it: skipped when it has no tasks or is out of the run;
 * else it connects and takes its read-ahead, runs its play (src/run/host-play.ts) and titles its
 * line. Throws when the host failed or could not be reached (its task line shows failed).
 */
import type { HostView, Transport } from '../types.js';
import type { Connections } from './connections.js';
import type { FactCache } from './fact-cache.js';
import { runHostPlay } from './host-play.js';
import type { HostLine } from './many-hosts.js';
import type { ReadAhead } from './read-ahead.js';
import type { Results } from './recap.js';
import type { Redactor } from './redact.js';
import type { RunState } from './run-state.js';
import type { PlannedPlay } from './select.js';

/** What running a host needs of the run. */
export interface HostRun {
  check: boolean;
  state: RunState;
  connections: Connections;
  readAhead: ReadAhead;
  results: Results;
  redactor: Redactor;
}

/** Runs one host's tasks of a play; a failure stops this host only. */
export async function runHost(run: HostRun, pp: PlannedPlay, host: HostView, line: HostLine): Promise<void> {
  const hp = pp.perHost.get(host.name);
  const out = run.state.outReason(host.name);
  if (!hp || out !== undefined) {
    line.skip(out ?? 'no tasks');
    return;
  }
  const { transport, facts } = await openHost(run, pp, host, line);
  const { failed } = await runHostPlay(hp, {
    play: pp.play.name,
    check: run.check,
    transport,
    signal: run.state.signal,
    pending: run.state.pendingOf(host.name),
    connect: run.connections.of,
    emit: (r) => run.results.emit(r, (l) => (line.output = l)),
    ...(facts ? { facts } : {}),
  });
  line.title = run.results.hostTitle(host, pp.play.name, failed);
  if (failed) {
    run.state.failed.add(host.name);
    throw new Error(`${host.name} failed`);
  }
}

/** The host's connection and its read-ahead's reads; a host that cannot be reached or is locked is reported, and throws. */
async function openHost(run: HostRun, pp: PlannedPlay, host: HostView, line: HostLine): Promise<{ transport: Transport; facts?: FactCache | undefined }> {
  const t0 = Date.now();
  // taken before the connection is awaited: a host that cannot connect leaves nothing behind
  // (its read-ahead's error would hold the failed connection until the run ends)
  const reads = run.readAhead.take(pp, host);
  try {
    const transport = await run.connections.of(host);
    // the read-ahead's round trip also takes the host lock of a real run (src/transport/ssh-lock.ts)
    const ahead = await reads;
    if (ahead instanceof Error) {
      await transport.close().catch(() => undefined);
      throw ahead;
    }
    return { transport, facts: ahead };
  } catch (e) {
    return unavailable(run, pp, host, line, e, t0);
  }
}

/** Reports a host that could not be reached (unreachable) or whose lock another run holds (failed, exit 2), and throws. */
function unavailable(run: HostRun, pp: PlannedPlay, host: HostView, line: HostLine, e: unknown, t0: number): never {
  run.connections.drop(host.name);
  const error = e instanceof Error ? e.message : String(e);
  const locked = (e as { code?: string }).code === 'E_LOCKED';
  (locked ? run.state.failed : run.state.unreachable).add(host.name);
  run.results.emit(
    { host: host.name, play: pp.play.name, role: null, resource: locked ? 'host lock' : 'connect', kind: 'connection', status: locked ? 'failed' : 'unreachable', durationMs: Date.now() - t0, error },
    (l) => (line.output = l),
  );
  throw new Error(`${locked ? 'LOCKED' : 'UNREACHABLE'}: ${run.redactor.redact(error)}`);
}

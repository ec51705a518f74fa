import { Listr, type ListrTask } from 'listr2';
import type { HostView, RunReport, TaskResult, Transport } from '../types.js';
import { runHostPlay } from './host-play.js';
import { MANY_HOSTS, hostList, runSummarised } from './many-hosts.js';
import { plainOutput } from './plain-output.js';
import { ReadAhead } from './read-ahead.js';
import { Redactor } from './redact.js';
import { renderDiff, resultLine, summarize } from './report.js';
import type { PlannedPlay } from './select.js';
import type { FactCache } from './fact-cache.js';

/** listr2's renderers, or `plain`: Ansible-like lines (src/run/plain-output.ts). */
export type RendererName = 'default' | 'simple' | 'silent' | 'plain';

export interface ExecuteOptions {
  check: boolean;
  /** Show diffs of changed resources. */
  diff: boolean;
  /** -v: each result line also shows how long it took. */
  verbose?: number;
  /** Hosts run in parallel (per batch). */
  forks: number;
  /** Overrides every play's maxFailPercentage. */
  maxFailPercentage?: number;
  /** Opens one transport per host; rejects when the host cannot be reached. */
  connect(host: HostView): Promise<Transport>;
  redactor?: Redactor;
  renderer?: RendererName;
  /** Where the plain renderer writes (default stdout). */
  out?: NodeJS.WritableStream;
  /** Aborts the run: connections close, the recap still comes. */
  signal?: AbortSignal;
  /** Called for every result as it happens (after redaction). */
  onResult?(r: TaskResult): void;
  playbook: string;
  inventory: string;
}

/** Interactive renderer in a TTY, plain lines otherwise or under CI. */
export function pickRenderer(): RendererName {
  const forced = process.env.LVS_PLAY_RENDERER;
  if (forced === 'default' || forced === 'simple' || forced === 'silent' || forced === 'plain') return forced;
  return process.stdout.isTTY && !process.env.CI ? 'default' : 'plain';
}

/** Every string of a result a secret could be in: the resource's name too, and the diff's label. */
function redactResult(r: TaskResult, red: Redactor): TaskResult {
  const label = r.diff?.label;
  return {
    ...r,
    resource: red.redact(r.resource),
    ...(r.message ? { message: red.redact(r.message) } : {}),
    ...(r.error ? { error: red.redact(r.error) } : {}),
    ...(r.diff ? { diff: { ...r.diff, before: red.redact(r.diff.before), after: red.redact(r.diff.after), ...(label !== undefined ? { label: red.redact(label) } : {}) } } : {}),
  };
}

/** Runs planned plays with listr2: plays in order, serial batches in order, hosts of a batch in parallel. */
export async function execute(plays: readonly PlannedPlay[], opts: ExecuteOptions): Promise<RunReport> {
  const started = Date.now();
  const redactor = opts.redactor ?? new Redactor();
  for (const p of plays) for (const hp of p.perHost.values()) for (const t of hp.tasks) redactor.add(...(t.resource.secrets ?? []));
  for (const p of plays) for (const hp of p.perHost.values()) for (const h of hp.handlers.values()) redactor.add(...(h.resource.secrets ?? []));

  const renderer = opts.renderer ?? pickRenderer();
  const plain = renderer === 'plain' ? plainOutput(opts.out ?? process.stdout) : null;
  // an interactive renderer shows a batch of many hosts as one line (src/run/many-hosts.ts)
  const summarise = renderer === 'default' || renderer === 'simple';
  const results: TaskResult[] = [];
  const connections = new Map<string, Promise<Transport>>();
  const unreachable = new Set<string>();
  const failedHosts = new Set<string>();
  const pending = new Map<string, { changes: boolean }>();
  const hostPending = (name: string) => {
    let p = pending.get(name);
    if (!p) pending.set(name, (p = { changes: false }));
    return p;
  };
  const local = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, local.signal]) : local.signal;
  let stopped = false;
  let stopReason: string | undefined;

  // once: Ctrl-C starts it (killing what runs on the hosts takes a moment) and the end awaits it
  let closing: Promise<void> | undefined;
  const closeAll = (): Promise<void> =>
    (closing ??= (async () => {
      const all = [...connections.values()];
      connections.clear();
      await Promise.allSettled(all.map(async (c) => (await c).close()));
    })());
  signal.addEventListener('abort', () => void closeAll(), { once: true });

  const emit = (r: TaskResult, out?: (line: string) => void) => {
    const clean = redactResult(r, redactor);
    results.push(clean);
    opts.onResult?.(clean);
    if (out) {
      let line = resultLine(clean);
      if (opts.verbose) line += ` (${clean.durationMs} ms)`;
      if (opts.diff && clean.diff && clean.status !== 'ok') line += `\n${renderDiff(clean.diff)}`;
      if (plain) plain.line(line);
      else out(line);
    }
  };

  /** After the last host of a serial batch: stop everything when too many of it failed. */
  const doneInBatch = new Map<readonly HostView[], number>();
  const batchHostDone = (pp: PlannedPlay, batch: readonly HostView[]) => {
    const done = (doneInBatch.get(batch) ?? 0) + 1;
    doneInBatch.set(batch, done);
    if (done < batch.length || pp.play.options.serial === undefined) return;
    const bad = batch.filter((h) => failedHosts.has(h.name) || unreachable.has(h.name)).length;
    const limit = opts.maxFailPercentage ?? pp.play.options.maxFailPercentage;
    const pct = (bad / batch.length) * 100;
    if (limit !== undefined ? pct > limit : bad === batch.length) {
      stopped = true;
      stopReason = `${bad}/${batch.length} hosts of a serial batch of play "${pp.play.name}" failed (${pct.toFixed(0)}% > ${limit ?? 'all'}%): remaining batches and plays were not run`;
    }
  };

  const hostTask = (pp: PlannedPlay, host: HostView, onDone: () => void): ListrTask => ({
    title: host.name,
    task: async (_ctx, task) => {
      try {
        await runHost(pp, host, task);
      } finally {
        onDone();
      }
    },
    rendererOptions: { persistentOutput: true, outputBar: Infinity },
  });

  /** The run's one connection per host (also for tasks delegated to it). */
  const connection = (host: HostView): Promise<Transport> => {
    let conn = connections.get(host.name);
    if (!conn) {
      conn = opts.connect(host);
      connections.set(host.name, conn);
      // a failure stays until the host's task reports it (runHost drops it then): the read-ahead's
      // attempt is the host's one attempt, not tried again by its task
      conn.catch(() => undefined);
    }
    return conn;
  };
  const readAhead = new ReadAhead(connection);

  const runHost = async (pp: PlannedPlay, host: HostView, task: { output: string; title: string; skip(m?: string): void }) => {
    const hp = pp.perHost.get(host.name);
    if (!hp || unreachable.has(host.name) || failedHosts.has(host.name)) {
      task.skip(unreachable.has(host.name) ? 'unreachable' : failedHosts.has(host.name) ? 'failed earlier' : 'no tasks');
      return;
    }
    const t0 = Date.now();
    let transport: Transport;
    let facts: FactCache | undefined;
    // taken before the connection is awaited: a host that cannot connect leaves nothing behind
    // (its read-ahead's error would hold the failed connection until the run ends)
    const reads = readAhead.take(pp, host);
    try {
      transport = await connection(host);
      // the read-ahead's round trip also takes the host lock of a real run (src/transport/ssh-lock.ts)
      const ahead = await reads;
      if (ahead instanceof Error) {
        await transport.close().catch(() => undefined);
        throw ahead;
      }
      facts = ahead;
    } catch (e) {
      connections.delete(host.name);
      const error = e instanceof Error ? e.message : String(e);
      // reached, but another run holds its lock: failed (exit 2), not unreachable
      const locked = (e as { code?: string }).code === 'E_LOCKED';
      (locked ? failedHosts : unreachable).add(host.name);
      emit({ host: host.name, play: pp.play.name, role: null, resource: locked ? 'host lock' : 'connect', kind: 'connection', status: locked ? 'failed' : 'unreachable', durationMs: Date.now() - t0, error }, (l) => (task.output = l));
      throw new Error(`${locked ? 'LOCKED' : 'UNREACHABLE'}: ${redactor.redact(error)}`);
    }
    const { failed } = await runHostPlay(hp, {
      play: pp.play.name,
      check: opts.check,
      transport,
      signal,
      pending: hostPending(host.name),
      connect: connection,
      emit: (r) => emit(r, (l) => (task.output = l)),
      ...(facts ? { facts } : {}),
    });
    const mine = results.filter((r) => r.host === host.name && r.play === pp.play.name);
    const changed = mine.filter((r) => r.status === 'changed').length;
    task.title = `${host.name}: ok=${mine.filter((r) => r.status === 'ok').length} changed=${changed}${failed ? ' FAILED' : ''}`;
    if (failed) {
      failedHosts.add(host.name);
      throw new Error(`${host.name} failed`);
    }
  };

  const list = new Listr(
    plays.map((pp) => ({
      title: `PLAY [${pp.play.name}] ${hostList(pp.hosts) || '(no hosts matched)'}`,
      skip: () => (stopped || signal.aborted ? 'stopped' : false),
      task: (_c: unknown, playTask) => {
        plain?.play(pp.play.name, pp.hosts, pp.batches.length);
        return playTask.newListr(
          pp.batches.map((batch, bi) => ({
            title: pp.batches.length > 1 ? `batch ${bi + 1}/${pp.batches.length}: ${hostList(batch)}` : hostList(batch),
            skip: () => (stopped || signal.aborted ? 'stopped' : false),
            task: (_c2: unknown, batchTask) => {
              plain?.batch(bi, pp.batches.length, batch);
              readAhead.start(pp, batch, (name) => unreachable.has(name) || failedHosts.has(name));
              if (summarise && batch.length > MANY_HOSTS) {
                return runSummarised(batch, opts.forks, (h, line) => runHost(pp, h, line).finally(() => batchHostDone(pp, batch)), batchTask);
              }
              return batchTask.newListr(
                batch.map((h) => hostTask(pp, h, () => batchHostDone(pp, batch))),
                { concurrent: Math.max(1, opts.forks), exitOnError: false },
              );
            },
          })),
          { concurrent: false, exitOnError: false },
        );
      },
    })) as ListrTask[],
    {
      concurrent: false,
      exitOnError: false,
      renderer: plain ? 'silent' : renderer,
      // the run reports every failure itself: listr2 keeping each one (with its stack) would hold
      // 10 000 of them when 10 000 hosts are unreachable
      collectErrors: false,
      // the CLI handles Ctrl-C itself (close connections, recap); listr2's own handler exits 127
      registerSignalListeners: false,
      rendererOptions: { collapseSubtasks: false, collapseSkips: true, showErrorMessage: true },
    },
  );
  try {
    await list.run();
  } finally {
    await closeAll();
  }
  const allHosts = [...new Set(plays.flatMap((p) => p.hosts.map((h) => h.name)))];
  const hosts = Object.fromEntries(plays.flatMap((p) => p.hosts.map((h) => [h.name, { transport: h.connection.type }] as const)));
  return {
    format: 'lvs-play-report/1',
    playbook: opts.playbook,
    inventory: opts.inventory,
    check: opts.check,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    aborted: signal.aborted,
    ...(stopReason ? { stopped: stopReason } : {}),
    summary: summarize(allHosts, results),
    hosts,
    results,
  };
}

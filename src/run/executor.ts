/**
 * The executor: runs planned plays, its parts put together: the run state (src/run/run-state.ts),
 * the connections (connections.ts), the task tree (task-tree.ts → host-task.ts) and the recap
 * (recap.ts). Ctrl-C (`signal`) closes every connection; the report still comes.
 */
import type { HostView, RunReport, TaskResult, Transport } from '../types.js';
import { Connections } from './connections.js';
import { plainOutput } from './plain-output.js';
import { ReadAhead } from './read-ahead.js';
import { buildReport, holdPlannedSecrets, Results } from './recap.js';
import { Redactor } from './redact.js';
import { RunState } from './run-state.js';
import type { PlannedPlay } from './select.js';
import { taskTree } from './task-tree.js';

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

/** Runs planned plays with listr2: plays in order, serial batches in order, hosts of a batch in parallel. */
export async function execute(plays: readonly PlannedPlay[], opts: ExecuteOptions): Promise<RunReport> {
  const started = Date.now();
  const redactor = opts.redactor ?? new Redactor();
  holdPlannedSecrets(plays, redactor);
  const renderer = opts.renderer ?? pickRenderer();
  const plain = renderer === 'plain' ? plainOutput(opts.out ?? process.stdout) : null;
  const state = new RunState(opts.maxFailPercentage, opts.signal);
  const connections = new Connections(opts.connect, state.signal);
  const results = new Results(redactor, { diff: opts.diff, plain, ...(opts.verbose !== undefined ? { verbose: opts.verbose } : {}), ...(opts.onResult ? { onResult: opts.onResult } : {}) });
  const tree = taskTree(plays, {
    check: opts.check,
    forks: opts.forks,
    plain,
    renderer: renderer === 'plain' ? 'silent' : renderer,
    state,
    connections,
    readAhead: new ReadAhead(connections.of),
    results,
    redactor,
  });
  try {
    await tree.run();
  } finally {
    await connections.closeAll();
  }
  const { playbook, inventory, check } = opts;
  return buildReport(plays, results.all, { playbook, inventory, check, started, aborted: state.signal.aborted, stopReason: state.stopReason });
}

/**
 * The task tree: the run as listr2 tasks, plays in order → serial batches in order → hosts of a
 * batch in parallel (at most --forks; a batch of many hosts in a terminal is one counting line,
 * src/run/many-hosts.ts). A stopped run (a serial batch over its limit, Ctrl-C) skips what is left.
 */
import { Listr, type ListrTask } from 'listr2';
import type { HostView } from '../types.js';
import { runHost, type HostRun } from './host-task.js';
import { MANY_HOSTS, hostList, runSummarised } from './many-hosts.js';
import type { PlainOutput } from './plain-output.js';
import type { PlannedPlay } from './select.js';

/** What the tree needs of the run besides running a host. */
export interface TreeRun extends HostRun {
  /** Hosts run in parallel (per batch). */
  forks: number;
  /** The plain renderer, or null for listr2's own. */
  plain: PlainOutput | null;
  /** listr2's renderer: silent under the plain one. */
  renderer: 'default' | 'simple' | 'silent';
}

/** The run's listr2 tree; running it runs the plays. */
export function taskTree(plays: readonly PlannedPlay[], run: TreeRun): Listr {
  return new Listr(
    plays.map((pp) => playTask(pp, run)),
    {
      concurrent: false,
      exitOnError: false,
      renderer: run.renderer,
      // the run reports every failure itself: listr2 keeping each one (with its stack) would hold
      // 10 000 of them when 10 000 hosts are unreachable
      collectErrors: false,
      // the CLI handles Ctrl-C itself (close connections, recap); listr2's own handler exits 127
      registerSignalListeners: false,
      rendererOptions: { collapseSubtasks: false, collapseSkips: true, showErrorMessage: true },
    },
  );
}

/** A play: its batches one after the other. */
function playTask(pp: PlannedPlay, run: TreeRun): ListrTask {
  return {
    title: `PLAY [${pp.play.name}] ${hostList(pp.hosts) || '(no hosts matched)'}`,
    skip: () => run.state.skipReason(),
    task: (_c: unknown, playTask) => {
      run.plain?.play(pp.play.name, pp.hosts, pp.batches.length);
      return playTask.newListr(
        pp.batches.map((batch, bi) => batchTask(pp, batch, bi, run)),
        { concurrent: false, exitOnError: false },
      );
    },
  };
}

/** A serial batch: its hosts' reads start at once, then the hosts run, at most --forks at a time. */
function batchTask(pp: PlannedPlay, batch: readonly HostView[], bi: number, run: TreeRun): ListrTask {
  return {
    title: pp.batches.length > 1 ? `batch ${bi + 1}/${pp.batches.length}: ${hostList(batch)}` : hostList(batch),
    skip: () => run.state.skipReason(),
    task: (_c: unknown, batchTask) => {
      run.plain?.batch(bi, pp.batches.length, batch);
      run.readAhead.start(pp, batch, (name) => run.state.isOut(name));
      // an interactive renderer shows a batch of many hosts as one line (src/run/many-hosts.ts)
      const summarise = run.renderer === 'default' || run.renderer === 'simple';
      if (summarise && batch.length > MANY_HOSTS) {
        return runSummarised(batch, run.forks, (h, line) => runHost(run, pp, h, line).finally(() => run.state.hostDone(pp, batch)), batchTask);
      }
      return batchTask.newListr(
        batch.map((h) => hostTask(pp, h, run, () => run.state.hostDone(pp, batch))),
        { concurrent: Math.max(1, run.forks), exitOnError: false },
      );
    },
  };
}

/** A host of a batch: its line shows its results; `onDone` counts it done in its batch, failed or not. */
function hostTask(pp: PlannedPlay, host: HostView, run: TreeRun, onDone: () => void): ListrTask {
  return {
    title: host.name,
    task: async (_ctx, task) => {
      try {
        await runHost(run, pp, host, task);
      } finally {
        onDone();
      }
    },
    rendererOptions: { persistentOutput: true, outputBar: Infinity },
  };
}

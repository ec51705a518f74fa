/**
 * Many hosts in an interactive renderer: listr2's tree redraws every line on every change, so a
 * batch of 10 000 hosts (a task each) costs more than the run itself (measured: 16 s of CPU and
 * 640 MB for a --check of 10 000 unreachable hosts). Above MANY_HOSTS hosts a batch is one line
 * that counts its hosts as they finish (its last result line below it), and the play and batch
 * titles name the first hosts and the count. The hosts run as they would as tasks: in order, at
 * most --forks at once. The plain renderer (CI, not a TTY) prints per host as always.
 */
import { Pool } from '../pool.js';
import type { HostView } from '../types.js';

/** Hosts in a batch above which an interactive renderer summarises it. */
export const MANY_HOSTS = 50;

/** `a, b, c`, or for many hosts `a, b, … (9998 hosts)`. */
export function hostList(hosts: readonly HostView[]): string {
  if (hosts.length <= MANY_HOSTS) return hosts.map((h) => h.name).join(', ');
  return `${hosts.slice(0, 3).map((h) => h.name).join(', ')}, … (${hosts.length} hosts)`;
}

/** What runHost writes to: the batch's line instead of a task per host. */
export interface HostLine {
  output: string;
  title: string;
  skip(message?: string): void;
}

/** Least time between two redraws of a summarised batch's line (listr2 redraws on every change). */
const REDRAW_MS = 250;

/**
 * Runs a batch's hosts (`run` throws for a host that failed or was unreachable) under one task
 * line: `done/total hosts done, N failed or unreachable`, with the last result line below it,
 * redrawn at most every REDRAW_MS. Throws at the end when a host failed, so the line shows as
 * failed, as a failed host's task would.
 */
export async function runSummarised(batch: readonly HostView[], forks: number, run: (host: HostView, line: HostLine) => Promise<void>, task: { title: string; output: string }): Promise<void> {
  const label = task.title;
  const pool = new Pool(Math.max(1, forks));
  let done = 0;
  let bad = 0;
  let last: string | undefined;
  let drawn = 0;
  const show = (now = false) => {
    if (!now && Date.now() - drawn < REDRAW_MS) return;
    drawn = Date.now();
    task.title = `${label}: ${done}/${batch.length} hosts done${bad ? `, ${bad} failed or unreachable` : ''}`;
    if (last !== undefined) task.output = last;
    last = undefined;
  };
  show(true);
  const line: HostLine = {
    set output(text: string) {
      last = text;
    },
    get output() {
      return last ?? '';
    },
    title: '',
    skip: () => undefined,
  };
  await Promise.all(
    batch.map((host) =>
      pool.use(async () => {
        try {
          await run(host, line);
        } catch {
          bad++;
        } finally {
          done++;
          show(done === batch.length);
        }
      }),
    ),
  );
  if (bad) throw new Error(`${bad} of ${batch.length} hosts failed or unreachable`);
}

/** Results: how a task ended on a host, the recap counts, and the `--json` report. */
import type { Connection } from './connection.js';
import type { Diff } from './resource.js';

/** How a task ended on a host. */
export type ResultStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

/** One structured result per host and resource (the `results` rows of `--json`). */
export interface TaskResult {
  host: string;
  play: string;
  role: string | null;
  resource: string;
  kind: string;
  status: ResultStatus;
  /** One-line human summary of the change or why nothing changed. */
  message?: string;
  diff?: Diff;
  handler?: boolean;
  durationMs: number;
  error?: string;
}

/** One host's counts in the recap. */
export interface HostSummary {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
}

/** The `--json` report: a stable format for CI (see docs/json-report.md). */
export interface RunReport {
  format: 'lvs-play-report/1';
  playbook: string;
  inventory: string;
  check: boolean;
  startedAt: string;
  durationMs: number;
  aborted: boolean;
  /** Why the run stopped early (serial batch over --max-fail-percentage). */
  stopped?: string;
  summary: Record<string, HostSummary>;
  /** Per host: how it was reached (its connection type: ssh, winrm, psrp-ssh, local). */
  hosts?: Record<string, { transport: Connection['type'] }>;
  results: TaskResult[];
}

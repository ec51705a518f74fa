/** The seams of a playbook run that saved plans hook into (src/cli/plan-out.ts, src/cli/apply.ts); runPlaybook in run.ts calls them. */
import type { HostView, Inventory, RunReport, Transport, Vars } from '../types.js';
import type { PlannedPlay } from '../run/select.js';
import type { Redactor } from '../mask.js';
import type { CliOptions } from './args.js';

/** What a run is made of once everything is validated, before any host is contacted. */
export interface RunContext {
  options: CliOptions;
  inventory: Inventory;
  extraVars: Vars;
  plays: PlannedPlay[];
  connect(host: HostView): Promise<Transport>;
  redactor: Redactor;
  signal: AbortSignal;
  out: NodeJS.WritableStream;
}

/** Extensions of a run (saved plans: src/cli/plan-out.ts, src/cli/apply.ts). */
export interface RunHooks {
  /** After validation and preflight: may replace the plays and the connector, or end the run with an exit code. */
  beforeExecute?(ctx: RunContext): Promise<Partial<Pick<RunContext, 'plays' | 'connect'>> | number>;
  /** After the recap: may replace the exit code. */
  afterExecute?(report: RunReport, ctx: RunContext, code: number): Promise<number>;
}

/** What a kind's extra setup of a lab host is given and produces (kinds.ts, powershell-host.ts, hostproc.ts). */
import type { LabHost } from './topology.js';

export interface KindSetupContext {
  host: LabHost;
  /** The host's rootfs on the control node. */
  rootfs: string;
  progress: (line: string) => void;
}

/** `source` on the control node appears at `target` (absolute, inside the host). */
export interface BindMount {
  source: string;
  target: string;
  readonly?: boolean;
}

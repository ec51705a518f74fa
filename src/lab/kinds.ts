/** Per-kind extra setup of lab hosts (linux: nothing; powershell: see powershell-host.ts, winrm.ts). */
import type { Progress } from './exec.js';
import type { BindMount, KindSetupContext } from './kind-setup.js';
import { powershellHostBindMounts, preparePowershellHost } from './powershell-host.js';
import type { LabHost } from './topology.js';
import { ensureLabWinrm } from './winrm.js';

export async function prepareKind(ctx: KindSetupContext): Promise<void> {
  if (ctx.host.kind === 'powershell') await preparePowershellHost(ctx);
}

export async function kindBindMounts(ctx: KindSetupContext): Promise<BindMount[]> {
  return ctx.host.kind === 'powershell' ? powershellHostBindMounts(ctx) : [];
}

/** Services of the kind, (re)started by every `lab up` once the host runs (powershell: WinRM). */
export async function startKindServices(host: LabHost, progress: Progress): Promise<void> {
  if (host.kind === 'powershell') await ensureLabWinrm(host, progress);
}

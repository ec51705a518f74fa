/**
 * Hook for hosts of kind "powershell" (win1): Linux netns hosts with sshd that will also run
 * PowerShell (pwsh) as their SSH subsystem. For now nothing extra is done; the engineer adding
 * pwsh fills these two functions in (e.g. bind-mount a dotnet/pwsh install into the host and add
 * `Subsystem powershell /usr/bin/pwsh -sshs -NoLogo` to an sshd_config.d drop-in).
 */
import type { BindMount, KindSetupContext } from './kinds.js';

/** Runs at every `lab up`, after the host's rootfs is configured and before it starts. */
export async function preparePowershellHost(_ctx: KindSetupContext): Promise<void> {
  // Intentionally empty: pwsh is added by another task.
}

/** Extra bind mounts made inside the host's mount namespace when it starts. */
export async function powershellHostBindMounts(_ctx: KindSetupContext): Promise<BindMount[]> {
  return [];
}

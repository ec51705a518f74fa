/**
 * Hosts of kind "powershell" (win1): Linux netns hosts reached by PowerShell remoting over SSH.
 *
 * - pwsh: the control node's dotnet-tool install (~/.dotnet, with its runtime in /usr/share/dotnet)
 *   is bind-mounted read-only at the same paths inside the host.
 * - sshd: `Subsystem powershell <wrapper> -sshs -NoLogo` in an sshd_config.d drop-in, with the
 *   environment pwsh needs (invariant globalization: the rootfs has no libicu). The wrapper runs
 *   pwsh where "/" is a mount point (pwsh needs that; the lab's chroot root is not one).
 * - The Windows SIMULATION module (test/sim/windows/LvsPlayWindowsSim) is copied into root's
 *   CurrentUser module path, so PowerShell auto-loads it: the role's scripts never import it.
 *   Its state file is /var/lib/lvs-play-winsim/state.json inside the host (created when missing:
 *   one NIC "Ethernet" holding the host's lab address).
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, readdir, readFile, readlink, rm, symlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initPid, startSshdIn, stopSshdIn } from './hostproc.js';
import type { BindMount, KindSetupContext } from './kind-setup.js';
import { writeFileAtomic } from './state.js';

/** Where the simulation keeps its state, inside the host. */
export const WINSIM_STATE_PATH = '/var/lib/lvs-play-winsim/state.json';
const MODULE_NAME = 'LvsPlayWindowsSim';
/** root's CurrentUser module path of pwsh on Linux (auto-loading looks here). */
const MODULE_TARGET = `/root/.local/share/powershell/Modules/${MODULE_NAME}`;
const DROP_IN = '/etc/ssh/sshd_config.d/lvs-play-powershell.conf';
const DOTNET_ROOT = '/usr/share/dotnet';
/** Inside the host: starts pwsh in a mount namespace where "/" is a mount point. */
export const PWSH_WRAPPER = '/usr/local/sbin/lvs-play-pwsh';
/** The environment pwsh runs with inside the host (invariant globalization: the rootfs has no libicu). */
export const PWSH_HOST_ENV: Readonly<Record<string, string>> = {
  DOTNET_ROOT,
  DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1',
  DOTNET_CLI_TELEMETRY_OPTOUT: '1',
  POWERSHELL_TELEMETRY_OPTOUT: '1',
  LVSPLAY_WINSIM_STATE: WINSIM_STATE_PATH,
};

/** The control node's dotnet-tool folder holding tools/pwsh (same path inside the host). */
function dotnetToolsHome(): string {
  return join(process.env.HOME || homedir(), '.dotnet');
}

/** pwsh inside the host, or null when the control node has no dotnet-tool pwsh to lend. */
export function hostPwshPath(): string | null {
  const p = join(dotnetToolsHome(), 'tools', 'pwsh');
  return existsSync(p) && existsSync(DOTNET_ROOT) ? p : null;
}

/** test/sim/windows/LvsPlayWindowsSim of this checkout (not shipped in the package). */
function simModuleDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'test', 'sim', 'windows', MODULE_NAME);
    if (existsSync(join(p, `${MODULE_NAME}.psd1`))) return p;
    dir = dirname(dir);
  }
  return null;
}

/** The simulated Windows host a fresh win1 starts as (see test/sim/windows/state.ts). */
function initialSimState(address: string): string {
  const nic = {
    ifIndex: 12, name: 'Ethernet', description: 'Intel(R) PRO/1000 MT Network Connection', componentId: 'PCI\\VEN_8086&DEV_100E',
    pnpDeviceId: 'PCI\\VEN_8086&DEV_100E&SUBSYS_001E8086&REV_02\\3&267A616A&0&18', serviceName: 'E1G60', macAddress: '52-54-00-4C-56-12',
    status: 'Up', ipv4: { dhcp: 'Disabled', weakHostSend: 'Disabled', weakHostReceive: 'Disabled', forwarding: 'Disabled' },
    addresses: [{ ip: address, prefixLength: 24, skipAsSource: false, prefixOrigin: 'Manual' }],
  };
  return `${JSON.stringify({ legacy: false, nextIfIndex: 13, adapters: [nic], firewallRules: [], log: [] }, null, 2)}\n`;
}

/** Writes when the content differs; true when it did. */
async function writeIfChanged(path: string, content: string, mode: number): Promise<boolean> {
  const old = await readFile(path, 'utf8').catch(() => null);
  if (old !== content) await writeFileAtomic(path, content, mode);
  await chmod(path, mode);
  return old !== content;
}

/** Runs at every `lab up`, after the host's rootfs is configured and before it starts. */
export async function preparePowershellHost(ctx: KindSetupContext): Promise<void> {
  const { host, rootfs, progress } = ctx;
  const pwsh = hostPwshPath();
  if (!pwsh) {
    progress(`${host.name}: no pwsh to lend (need ${join(dotnetToolsHome(), 'tools', 'pwsh')} and ${DOTNET_ROOT}: ` +
      '`dotnet tool install --global PowerShell --version 7.6.9`); PowerShell remoting will not work there');
    return;
  }
  // pwsh's FileSystem provider takes its "/" drive from /proc/self/mountinfo; in the lab's chroot
  // "/" is no mount point, so pwsh would root "/" at the first mount (/proc) and find no modules.
  // The wrapper gives pwsh a private mount namespace in which "/" is one (recursive self-bind).
  const wrapper = [
    '#!/bin/sh',
    '# Written by lvs-play lab: runs pwsh with "/" as a mount point (see src/lab/powershell-host.ts).',
    `exec unshare -m --propagation unchanged sh -c 'mount --rbind / / && cd / && exec chroot / "$0" "$@"' ${pwsh} "$@"`,
    '',
  ].join('\n');
  let changed = await writeIfChanged(join(rootfs, PWSH_WRAPPER.slice(1)), wrapper, 0o755);
  const conf = [
    '# Written by lvs-play lab: PowerShell remoting over SSH (pwsh bind-mounted from the control node).',
    `Subsystem powershell ${PWSH_WRAPPER} -sshs -NoLogo`,
    `SetEnv ${Object.entries(PWSH_HOST_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}`,
    '',
  ].join('\n');
  changed = (await writeIfChanged(join(rootfs, DROP_IN.slice(1)), conf, 0o644)) || changed;
  if (changed && (await initPid(host.name))) {
    // A running sshd keeps the config it started with.
    progress(`${host.name}: PowerShell subsystem changed, restarting sshd`);
    await stopSshdIn(host.name, host.address);
    await startSshdIn(host.name, host.address);
  }
  // The dotnet-tool shim starts `dotnet` from PATH: give the host one (a link into the mount).
  const link = join(rootfs, 'usr/local/bin/dotnet');
  if ((await readlink(link).catch(() => null)) !== `${DOTNET_ROOT}/dotnet`) {
    await rm(link, { force: true });
    await mkdir(dirname(link), { recursive: true });
    await symlink(`${DOTNET_ROOT}/dotnet`, link);
  }

  const sim = simModuleDir();
  if (!sim) {
    progress(`${host.name}: the Windows simulation module (test/sim/windows/${MODULE_NAME}) is not in this checkout; not installed`);
    return;
  }
  const target = join(rootfs, MODULE_TARGET.slice(1));
  await mkdir(target, { recursive: true });
  for (const f of await readdir(sim)) {
    await writeIfChanged(join(target, f), await readFile(join(sim, f), 'utf8'), 0o644);
  }
  const state = join(rootfs, WINSIM_STATE_PATH.slice(1));
  if (!existsSync(state)) {
    await mkdir(dirname(state), { recursive: true });
    await writeFileAtomic(state, initialSimState(host.address), 0o644);
  }
}

/** Extra bind mounts made inside the host's mount namespace when it starts. */
export function powershellHostBindMounts(_ctx: KindSetupContext): BindMount[] {
  if (!hostPwshPath()) return [];
  const tools = dotnetToolsHome();
  return [
    { source: DOTNET_ROOT, target: DOTNET_ROOT, readonly: true },
    { source: tools, target: tools, readonly: true },
  ];
}

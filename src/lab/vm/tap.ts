import { exec, execOk } from './exec.js';
import { TAP_PREFIX } from './paths.js';

/** Linux interface names are at most 15 bytes. */
export function tapName(vmName: string): string {
  const name = `${TAP_PREFIX}${vmName}`;
  if (name.length > 15 || !/^[A-Za-z0-9_.-]+$/.test(vmName)) {
    throw new Error(`VM name ${JSON.stringify(vmName)}: tap "${name}" must be ≤ 15 chars of [A-Za-z0-9_.-]`);
  }
  return name;
}

export async function linkExists(name: string): Promise<boolean> {
  return (await exec('ip', ['link', 'show', 'dev', name])).code === 0;
}

/** Creates (or recreates) a tap device enslaved to `bridge`, up. */
export async function createTap(name: string, bridge: string): Promise<void> {
  if (await linkExists(name)) await execOk('ip', ['link', 'del', 'dev', name]);
  await execOk('ip', ['tuntap', 'add', 'dev', name, 'mode', 'tap']);
  await execOk('ip', ['link', 'set', 'dev', name, 'master', bridge]);
  await execOk('ip', ['link', 'set', 'dev', name, 'up']);
}

/** Names of all links starting with the lab's tap prefix. */
export async function listLabTaps(): Promise<string[]> {
  const r = await execOk('ip', ['-o', 'link', 'show']);
  const names: string[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)/.exec(line);
    if (m?.[1]?.startsWith(TAP_PREFIX)) names.push(m[1]);
  }
  return names;
}

export async function deleteTap(name: string): Promise<void> {
  if (await linkExists(name)) await execOk('ip', ['link', 'del', 'dev', name]);
}

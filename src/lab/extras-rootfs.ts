/**
 * Root filesystems of the extra real servers (`lab up --realservers N`): a template made once per
 * base rootfs (the base + the lab's users + apt lists and resolver), then per host a copy that
 * hard-links most of it. What a host SHARES with the others (same inodes, read-mostly):
 *   usr/, bin, sbin, lib*, opt/, srv/, var/lib/ (dpkg, apt lists), var/cache/
 * — written only by dpkg, apt and install(1), which replace files by rename, as does lvs-play's own
 * file-write path (temp → rename). What a host has to ITSELF (real copies): etc/, root/, home/,
 * tmp/, var/log/ (sshd appends to wtmp, lastlog, sshd.log in place), var/tmp, var/spool, var/mail …
 * An in-place write (`echo >> /usr/…`) into a shared file would show on every extra host: don't.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ensureUser, LAB_BECOME_PW_USER, LAB_BECOME_USER, LAB_SUDO_PASSWORD } from './configure.js';
import { execOk, type Progress } from './exec.js';
import { labDir, paths } from './paths.js';
import { HOST_MARKER, MARKER, syncAptAndResolver } from './rootfs.js';

/** Top-level entries every extra host gets its own copy of; everything else is hard-linked. */
const OWN_TOP = new Set(['etc', 'root', 'home', 'tmp', 'run', 'dev', 'proc', 'sys', 'var']);
/** Under var/: hard-linked (the rest of var/ is copied). */
const SHARED_VAR = new Set(['lib', 'cache']);
const TEMPLATE_MARKER = '.lvs-play-template';

function templateDir(base: string): string {
  return join(labDir(), 'templates', `${basename(base)}-realserver`);
}

/** Copies `from` to `to`: shared parts hard-linked, a host's own parts copied (one shell). */
async function linkCopy(from: string, to: string, ownVarLib: boolean): Promise<void> {
  const cmds: string[] = ['set -e', 'mkdir -p "$2/var"'];
  const args: string[] = [];
  const q = (p: string) => {
    args.push(p);
    return `"\${${args.length + 2}}"`;
  };
  for (const entry of await readdir(from)) {
    if (entry === MARKER || entry === TEMPLATE_MARKER || entry === HOST_MARKER || entry === 'var') continue;
    cmds.push(`cp ${OWN_TOP.has(entry) ? '-a' : '-al'} "$1"/${q(entry)} "$2"/`);
  }
  for (const entry of await readdir(join(from, 'var'))) {
    const shared = SHARED_VAR.has(entry) && !(ownVarLib && entry === 'lib');
    cmds.push(`cp ${shared ? '-al' : '-a'} "$1"/var/${q(entry)} "$2"/var/`);
  }
  await execOk(['sh', '-c', cmds.join('\n'), 'sh', from, to, ...args]);
}

/** The template (built once per base; its var/lib is its own: apt lists are copied into it). */
let building: Promise<string> | null = null;

function ensureTemplate(base: string, progress: Progress): Promise<string> {
  building ??= buildTemplate(base, progress).finally(() => {
    building = null;
  });
  return building;
}

async function buildTemplate(base: string, progress: Progress): Promise<string> {
  const dir = templateDir(base);
  const marker = join(dir, TEMPLATE_MARKER);
  if (existsSync(marker)) return dir;
  progress(`extra real servers: building their template from the base → ${dir}`);
  const tmp = `${dir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await linkCopy(base, tmp, true);
  await syncAptAndResolver(tmp);
  await ensureUser(tmp, LAB_BECOME_USER, null);
  await ensureUser(tmp, LAB_BECOME_PW_USER, LAB_SUDO_PASSWORD);
  await writeFile(join(tmp, TEMPLATE_MARKER), `${basename(base)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(tmp, dir);
  return dir;
}

/** Is the extra host's rootfs a complete copy of this base's template? */
function current(host: string, base: string): boolean {
  try {
    return readFileSync(join(paths.rootfs(host), HOST_MARKER), 'utf8').trim() === basename(base);
  } catch {
    return false;
  }
}

/** Makes (or keeps) an extra host's rootfs; the host must not be running. */
export async function ensureExtraRootfs(host: string, base: string, fresh: boolean, progress: Progress): Promise<string> {
  const root = paths.rootfs(host);
  if (!fresh && current(host, base)) return root;
  const template = await ensureTemplate(base, progress);
  progress(`${host}: ${existsSync(root) ? 'recreating' : 'creating'} its rootfs (hard links into ${basename(template)})`);
  await rm(root, { recursive: true, force: true });
  await mkdir(root, { recursive: true });
  await linkCopy(template, root, false);
  await writeFile(join(root, HOST_MARKER), `${basename(base)}\n`);
  return root;
}

/**
 * The files a plan names — playbook, inventory, `-e @vars` — recorded with the sha256 of their
 * bytes when the plan is made, and verified by `apply` BEFORE any of them is read or imported
 * (docs/plans.md "Threat model"): each must be a regular file inside the directory apply runs in
 * (the one the plan was made from), unless it is named again on apply's command line, and must
 * have the recorded digest. So a plan cannot make apply import or read a file nobody reviewed.
 */
import { createHash } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { LvsError } from '../../errors.js';
import { checkInputFile } from '../../input-file.js';
import { locateInventory } from '../../inventory/load.js';

export interface PlanSource {
  /** As given on the command line (relative to the directory the plan was made in, or absolute). */
  path: string;
  /** `sha256:` of the file's bytes; null for a directory (an Ansible inventory directory). */
  sha256: string | null;
}

export interface PlanSources {
  playbook: PlanSource;
  /** null: the built-in lab inventory (no file). */
  inventory: PlanSource | null;
  vars: PlanSource[];
}

async function fileDigest(abs: string): Promise<string> {
  return `sha256:${createHash('sha256').update(await readFile(abs)).digest('hex')}`;
}

/** The `@file` paths among `-e` arguments. */
export function varsFiles(extraVars: readonly string[]): string[] {
  return extraVars.map((a) => a.trim()).filter((a) => a.startsWith('@')).map((a) => a.slice(1));
}

/** What the plan run read, with digests (called once its inputs were loaded). */
export async function recordSources(o: { playbook: string; inventory: string; extraVars: readonly string[] }, cwd: string): Promise<PlanSources> {
  const inv = await locateInventory(o.inventory, cwd).catch(() => null);
  const invPath = inv ? (inv.path === resolve(cwd, o.inventory) ? o.inventory : relativeOrAbs(cwd, inv.path)) : null;
  return {
    playbook: { path: o.playbook, sha256: await fileDigest(resolve(cwd, o.playbook)) },
    inventory: inv && invPath ? { path: invPath, sha256: inv.kind === 'dir' ? null : await fileDigest(inv.path) } : null,
    vars: await Promise.all(varsFiles(o.extraVars).map(async (p) => ({ path: p, sha256: await fileDigest(resolve(cwd, p)) }))),
  };
}

function relativeOrAbs(cwd: string, p: string): string {
  const r = relative(cwd, p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
}

async function inside(dir: string, abs: string): Promise<boolean> {
  const [d, f] = await Promise.all([realpath(dir), realpath(abs).catch(() => abs)]);
  const r = relative(d, f);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

const WHAT = { playbook: 'the playbook file', inventory: 'the inventory file', vars: 'an -e vars file' } as const;

/**
 * Checks every file the plan names, before any is read: inside `cwd` (unless `named` again on the
 * command line), a regular file of bounded size, with the recorded digest. E_PLAN naming the field.
 */
/**
 * The files the plan's options name must be the ones its sources pin (apply loads what the options
 * say): the playbook, and the `-e @FILE` arguments in order.
 */
export function checkSourcesMatch(plan: { playbook: string; options: { extraVars: readonly string[] }; sources: PlanSources }, file: string, ownVars: boolean): void {
  const fail = (field: string, why: string): never => {
    throw new LvsError('E_PLAN', `the plan names files its sources do not pin: ${why} — nothing was read`, { file, field, fix: 'make a new plan, review it, then apply it' });
  };
  if (plan.playbook !== plan.sources.playbook.path) fail('playbook', `playbook ${plan.playbook}, pinned ${plan.sources.playbook.path}`);
  if (ownVars) return;
  const named = varsFiles(plan.options.extraVars);
  const pinned = plan.sources.vars.map((v) => v.path);
  if (named.length !== pinned.length || named.some((p, i) => p !== pinned[i])) fail('options.extraVars', `-e files ${named.join(', ') || '(none)'}, pinned ${pinned.join(', ') || '(none)'}`);
}

export async function verifySources(sources: PlanSources, file: string, cwd: string, named: ReadonlySet<string>, inventoryRef?: string): Promise<void> {
  const check = async (src: PlanSource, kind: keyof typeof WHAT, field: string): Promise<void> => {
    const abs = resolve(cwd, src.path);
    if (!named.has(src.path) && !(await inside(cwd, abs))) {
      throw new LvsError('E_PLAN', `${WHAT[kind]} ${src.path} is outside the directory apply runs in (${cwd}) — nothing was read`, {
        file,
        field,
        fix: `run apply in the directory the plan was made in, or name the file again on the command line (${kind === 'vars' ? '-e @FILE' : kind === 'playbook' ? '--playbook FILE' : '-i INVENTORY'}) if you trust it`,
      });
    }
    if (src.sha256 === null) return;
    await checkInputFile(abs, src.path, WHAT[kind]);
    if ((await fileDigest(abs)) !== src.sha256) {
      throw new LvsError('E_PLAN', `changed since the plan was made: ${WHAT[kind]} — nothing was contacted (${src.path})`, {
        file,
        field,
        fix: 'make a new plan from the files as they are now, review it, then apply it',
      });
    }
  };
  await check(sources.playbook, 'playbook', 'sources.playbook');
  if (sources.inventory) await check(sources.inventory, 'inventory', 'sources.inventory');
  else if (inventoryRef !== undefined && (await locateInventory(inventoryRef, cwd).catch(() => null))) {
    // planned on the built-in inventory (no file): a file of that name now would be loaded unverified
    throw new LvsError('E_PLAN', `the plan was made with the built-in inventory "${inventoryRef}", but now -i ${inventoryRef} finds a file — nothing was read`, {
      file,
      field: 'sources.inventory',
      fix: 'apply where the plan was made, or make a new plan here',
    });
  }
  for (const [i, v] of sources.vars.entries()) await check(v, 'vars', `sources.vars.${i}`);
}

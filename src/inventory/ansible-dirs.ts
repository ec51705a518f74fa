/**
 * Ansible's `group_vars/` and `host_vars/` next to an inventory: `group_vars/NAME(.yml|.yaml|.json)`
 * or a `group_vars/NAME/` folder of such files. They override the inventory file's own vars, as in Ansible.
 * Files may be encrypted with Ansible Vault, whole or per value (`!vault |`).
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { LvsError, ValidationErrors } from '../errors.js';
import type { GroupSpec, InventorySpec, Vars } from '../types.js';
import { mapAnsibleVars } from './ansible-vars.js';
import { mergeSpecs } from './merge.js';
import { readPossiblyVaulted } from '../vault/reveal.js';
import type { Vault } from '../vault/vault.js';

const VAR_EXTS = ['', '.yml', '.yaml', '.json'];

async function isDir(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

async function varsFiles(dir: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!(await isDir(dir))) return out;
  for (const entry of (await readdir(dir)).sort()) {
    if (entry.startsWith('.')) continue;
    const full = join(dir, entry);
    if (await isDir(full)) {
      const files = (await readdir(full)).sort().filter((f) => !f.startsWith('.') && VAR_EXTS.includes(extname(f)));
      out.set(entry, [...(out.get(entry) ?? []), ...files.map((f) => join(full, f))]);
    } else if (VAR_EXTS.includes(extname(entry))) {
      const name = basename(entry, extname(entry));
      out.set(name, [...(out.get(name) ?? []), full]);
    }
  }
  return out;
}

/** Reads group_vars/ and host_vars/ under `base` into a spec to merge over the inventory's own. */
export async function readVarsDirs(base: string, cwd: string, known: InventorySpec, vault?: Vault): Promise<InventorySpec | null> {
  const errors: LvsError[] = [];
  const load = async (files: string[]): Promise<Vars> => {
    const vars: Vars = {};
    for (const f of files) {
      const shown = relative(cwd, f) || f;
      const { parseYamlText } = await import('./ansible-yaml.js'); // loaded only when there are vars files
      // a file encrypted whole (group_vars/all/vault.yml): every string in it is a secret
      const { text, vaulted } = await readPossiblyVaulted(f, shown, vault, 'vars file');
      const data = parseYamlText(text, shown, vault, vaulted);
      if (data === null || data === undefined) continue;
      if (typeof data !== 'object' || Array.isArray(data)) {
        errors.push(new LvsError('E_INVENTORY', 'a vars file must hold a mapping', { file: shown, value: Array.isArray(data) ? 'an array' : data, fix: 'name: value lines' }));
        continue;
      }
      Object.assign(vars, data);
    }
    return vars;
  };
  const groupFiles = await varsFiles(join(base, 'group_vars'));
  const hostFiles = await varsFiles(join(base, 'host_vars'));
  if (groupFiles.size === 0 && hostFiles.size === 0) return null;
  const spec: { vars?: Vars; connection?: InventorySpec['connection']; groups?: Record<string, GroupSpec>; hosts?: InventorySpec['hosts'] } = {};
  const knownHosts = new Set<string>([...Object.keys(known.hosts ?? {}), ...Object.values(known.groups ?? {}).flatMap((g) => Object.keys(g.hosts ?? {}))]);
  for (const [name, files] of groupFiles) {
    const field = `group_vars/${name}`;
    const m = mapAnsibleVars(await load(files), { file: relative(cwd, join(base, 'group_vars')) || base, field, level: 'group' }, errors);
    const conn = Object.keys(m.connection).length > 0 ? (m.connection as GroupSpec['connection']) : undefined;
    if (name === 'all') {
      spec.vars = m.vars;
      if (conn) spec.connection = conn;
    } else if (known.groups?.[name]) {
      spec.groups = { ...spec.groups, [name]: { vars: m.vars, ...(conn ? { connection: conn } : {}) } };
    }
    // Ansible ignores vars files of groups the inventory does not define; so do we.
  }
  const hostGroup = (h: string): string | null => {
    for (const [g, gs] of Object.entries(known.groups ?? {})) if (gs.hosts && h in gs.hosts) return g;
    return null;
  };
  for (const [name, files] of hostFiles) {
    if (!knownHosts.has(name)) continue;
    const m = mapAnsibleVars(await load(files), { file: relative(cwd, join(base, 'host_vars')) || base, field: `host_vars/${name}`, level: 'host' }, errors);
    const host = { vars: m.vars, ...(m.address ? { address: m.address } : {}), ...(Object.keys(m.connection).length > 0 ? { connection: m.connection as GroupSpec['connection'] } : {}) };
    const g = known.hosts && name in known.hosts ? null : hostGroup(name);
    if (g) spec.groups = mergeSpecs({ groups: spec.groups ?? {} }, { groups: { [g]: { hosts: { [name]: host } } } }).groups as Record<string, GroupSpec>;
    else spec.hosts = { ...spec.hosts, [name]: host };
  }
  if (errors.length > 0) throw new ValidationErrors(errors);
  return spec;
}

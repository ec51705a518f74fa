/** Ansible YAML inventories (`all: { hosts, children, vars }`), read as Ansible's yaml plugin reads them. */
import { parseDocument } from 'yaml';
import { LvsError, ValidationErrors } from '../errors.js';
import type { InventorySpec, Vars } from '../types.js';
import { AnsibleModel } from './ansible-model.js';
import { expandHostRange } from './ranges.js';
import { YAML11 } from './yaml11.js';
import { checkDepth } from '../input-file.js';
import { revealIn } from '../vault/reveal.js';
import type { Vault } from '../vault/vault.js';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * YAML 1.1 like PyYAML (so `yes`/`no` are booleans, as Ansible sees them), `!vault` values decrypted
 * with `vault` (without one they fail naming the flag to add); `secretAll`: the text was a whole
 * encrypted file, so every string in it is a secret.
 */
export function parseYamlText(text: string, file: string, vault?: Vault, secretAll = false): unknown {
  const doc = parseDocument(text, YAML11);
  if (doc.errors.length > 0) {
    // the first syntax error only: the parser's later ones are usually its consequences
    throw new ValidationErrors(
      doc.errors.slice(0, 1).map((e) => new LvsError('E_INVENTORY', `invalid YAML: ${e.message.split('\n')[0] ?? ''}`, { file: `${file}:${e.linePos?.[0]?.line ?? '?'}`, fix: 'fix the YAML syntax' })),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // the yaml library refuses an alias bomb (aliases that expand beyond maxAliasCount)
    throw new LvsError('E_INVENTORY', `invalid YAML: ${(e as Error).message}`, { file, fix: 'use fewer aliases (at most 1000 expansions): write the values out' });
  }
  checkDepth(data, file, 'YAML document');
  return revealIn(data, file, vault, secretAll);
}

/** True when parsed YAML has the shape of an Ansible inventory (groups mapping to objects or nothing). */
export function looksLikeYamlInventory(data: unknown): boolean {
  return isMap(data) && Object.values(data).every((v) => v === null || isMap(v));
}

export function parseAnsibleYaml(text: string, file: string, vault?: Vault): InventorySpec {
  return ansibleYamlToSpec(parseYamlText(text, file, vault), file);
}

/** The top of the document must be a non-empty mapping of groups, not an inventory plugin's configuration: else it throws at once. */
function checkTopLevel(model: AnsibleModel, data: unknown): asserts data is Record<string, unknown> {
  if (!isMap(data) || Object.keys(data).length === 0) {
    model.error('an Ansible YAML inventory must be a mapping of groups', '', data === null ? null : typeof data, 'start with all: { hosts: ..., children: ..., vars: ... }');
    throw new ValidationErrors(model.errors);
  }
  if ('plugin' in data) {
    model.error('inventory plugin configurations are not supported', 'plugin', data['plugin'], 'list hosts and groups statically (all: { hosts, children, vars })');
    throw new ValidationErrors(model.errors);
  }
}

/** A group's `hosts`/`children`/`vars` value: a mapping, null (empty), a single name as a string; undefined when none of these. */
function sectionOf(v: unknown): Record<string, unknown> | null | undefined {
  return typeof v === 'string' ? { [v]: null } : v === null || isMap(v) ? v : undefined;
}

/** A group at `path` (e.g. `all.children.web`): declared, then its hosts, children and vars. */
function readGroup(model: AnsibleModel, name: string, body: unknown, path: string): void {
  model.group(name, path);
  if (body === null || body === undefined) return;
  if (!isMap(body)) return model.error(`group "${name}" must be a mapping`, path, body, 'a mapping with hosts, children and/or vars');
  for (const [key, raw] of Object.entries(body)) {
    const field = `${path}.${key}`;
    if (key !== 'vars' && key !== 'children' && key !== 'hosts') {
      model.error(`unexpected key "${key}" in group "${name}"`, field, key, 'only hosts, children and vars are valid');
      continue;
    }
    const sec = sectionOf(raw);
    if (sec === undefined) {
      model.error(`"${key}" of group "${name}" must be a mapping`, field, raw, `${key}: { name: ... }`);
      continue;
    }
    if (sec === null) continue;
    if (key === 'vars') Object.assign(model.group(name, path).vars, sec);
    if (key === 'children') readChildren(model, name, sec, field);
    if (key === 'hosts') readHosts(model, name, sec, field);
  }
}

/** A group's `children`: each child read as a group (at `field.child`), then made a child of `parent`. */
function readChildren(model: AnsibleModel, parent: string, children: Record<string, unknown>, field: string): void {
  for (const [child, childBody] of Object.entries(children)) {
    readGroup(model, child, childBody, `${field}.${child}`);
    model.addChild(parent, child, `${field}.${child}`);
  }
}

/** `name:port` as the host name and its port (a name with more colons, like an IPv6 address, has none). */
function hostPattern(pattern: string): { hostName: string; port?: number } {
  const m = /^(.*[^:]):(\d+)$/.exec(pattern);
  const hostName = m && !(m[1] as string).includes(':') ? (m[1] as string) : pattern;
  return hostName !== pattern ? { hostName, port: Number(m?.[2]) } : { hostName };
}

/** A group's `hosts`: each pattern (`web[01:03]`, `db:2222`) expanded to hosts with its vars. */
function readHosts(model: AnsibleModel, group: string, hosts: Record<string, unknown>, field: string): void {
  for (const [pattern, hv] of Object.entries(hosts)) {
    const hostField = `${field}.${pattern}`;
    if (hv !== null && !isMap(hv)) {
      model.error(`vars of host "${pattern}" must be a mapping`, hostField, hv, 'a mapping of variables, or nothing');
      continue;
    }
    const vars: Vars = { ...(hv ?? {}) };
    const { hostName, port } = hostPattern(pattern);
    if (port !== undefined) vars['ansible_port'] = port;
    try {
      for (const h of expandHostRange(hostName, { file: model.file, field: hostField })) model.addHost(group, h, vars, hostField);
    } catch (e) {
      if (e instanceof LvsError) model.errors.push(e);
      else throw e;
    }
  }
}

/** Parsed YAML as an inventory spec: every group from the top down; the problems found are thrown together (E_INVENTORY). */
export function ansibleYamlToSpec(data: unknown, file: string): InventorySpec {
  const model = new AnsibleModel(file, 'yaml');
  checkTopLevel(model, data);
  for (const [name, body] of Object.entries(data)) readGroup(model, name, body, name);
  // toSpec adds the errors of ansible_* values and throws them all together
  return model.toSpec();
}

/**
 * Ansible's JSON inventory format: what an inventory script prints for `--list` and what
 * `ansible-inventory --list` writes. Groups map to a host list, or to `{ hosts: [...], children:
 * [...], vars: {...} }` (or, with none of those keys, to a host's vars under the group's name);
 * `_meta.hostvars` holds each host's vars. Read as Ansible's script plugin reads it.
 */
import { LvsError, ValidationErrors } from '../errors.js';
import type { InventorySpec, Vars } from '../types.js';
import { AnsibleModel } from './ansible-model.js';

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when parsed JSON is in the script format (a `.json` file may also be a YAML-style inventory). */
export function looksLikeScriptJson(data: unknown): boolean {
  if (!isMap(data)) return false;
  if ('_meta' in data) return true;
  return Object.values(data).some((g) => Array.isArray(g) || (isMap(g) && (Array.isArray(g['hosts']) || Array.isArray(g['children']))));
}

/** JSON text parsed, a syntax error named by line and column. */
export function parseJsonText(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      where = ` at line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
    }
    throw new LvsError('E_INVENTORY', `invalid JSON${where}: ${msg.replace(/ in JSON at position \d+.*$/, '')}`, { file, fix: 'print one JSON object: { "GROUP": { "hosts": [...], "vars": {...}, "children": [...] }, "_meta": { "hostvars": {...} } }' });
  }
}

/** The spec of script-format data; `hostVars` of hosts `_meta` lacks (filled by `--host` runs). */
export function scriptJsonToSpec(data: unknown, file: string, hostVars?: ReadonlyMap<string, Vars>): InventorySpec {
  const model = new AnsibleModel(file, 'yaml');
  if (!isMap(data)) {
    model.error('an inventory script must print a JSON object', '', Array.isArray(data) ? 'an array' : typeof data, '{ "GROUP": { "hosts": [...] }, "_meta": { "hostvars": {} } }');
    throw new ValidationErrors(model.errors);
  }
  const meta = isMap(data['_meta']) && isMap(data['_meta']['hostvars']) ? (data['_meta']['hostvars'] as Record<string, unknown>) : null;
  for (const [name, raw] of Object.entries(data)) {
    if (name === '_meta') continue;
    const body: Record<string, unknown> = !isMap(raw) ? { hosts: raw } : 'hosts' in raw || 'vars' in raw || 'children' in raw ? raw : { hosts: [name], vars: raw };
    model.group(name, name);
    if ('hosts' in body) {
      if (!Array.isArray(body['hosts']) || !body['hosts'].every((h) => typeof h === 'string')) model.error(`group "${name}" has a bad host list`, `${name}.hosts`, body['hosts'], 'a list of host names');
      else for (const h of body['hosts'] as string[]) model.addHost(name, h, {}, `${name}.hosts`);
    }
    if ('vars' in body) {
      if (!isMap(body['vars'])) model.error(`group "${name}" has bad vars`, `${name}.vars`, body['vars'], 'a mapping of variables');
      else Object.assign(model.group(name, name).vars, body['vars']);
    }
    if ('children' in body) {
      const kids = Array.isArray(body['children']) ? body['children'] : [];
      // every top-level group is a child of `all` already, and `ungrouped` is implicit
      for (const k of kids.filter((x): x is string => typeof x === 'string')) {
        if (name === 'all' || k === 'ungrouped') model.group(k, `${name}.children`);
        else model.addChild(name, k, `${name}.children`);
      }
    }
  }
  for (const host of model.hostVars.keys()) {
    const vars = meta ? meta[host] : hostVars?.get(host);
    if (vars === undefined || vars === null) continue;
    if (!isMap(vars)) model.error(`host "${host}" has bad vars`, `_meta.hostvars.${host}`, vars, 'a mapping of variables');
    else Object.assign(model.hostVars.get(host) as Vars, vars);
  }
  return model.toSpec();
}

/** Ansible INI inventories, read as Ansible's own ini plugin reads them. */
import { LvsError } from '../errors.js';
import type { InventorySpec, Vars } from '../types.js';
import { AnsibleModel } from './ansible-model.js';
import { parsePythonLiteral } from './py-literal.js';
import { expandHostRange } from './ranges.js';
import { shlexSplit } from './shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;

/** Splits `host`, `host:port`, `[v6]:port`, keeping ranges like `web[01:03]` whole. */
function hostAndPort(token: string): { name: string; port?: number } {
  const v6 = /^\[([0-9A-Fa-f:.]+)\](?::(\d+))?$/.exec(token);
  if (v6 && (v6[1] as string).includes(':')) return { name: v6[1] as string, ...(v6[2] ? { port: Number(v6[2]) } : {}) };
  const outside = token.replace(/\[[^\]]*\]/g, '');
  const m = /^(.*):(\d+)$/.exec(token);
  if (m && outside.split(':').length === 2) return { name: m[1] as string, port: Number(m[2]) };
  return { name: token };
}

export function parseAnsibleIni(text: string, file: string): InventorySpec {
  const model = new AnsibleModel(file, 'ini');
  let group = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' = 'hosts';
  const declared = new Set<string>(['all', 'ungrouped']);
  const pending = new Map<string, { line: number; state: string; child?: string }>();
  const fail = (line: number, message: string, value: unknown, fix: string): void => {
    model.errors.push(new LvsError('E_INVENTORY', message, { file: `${file}:${line}`, value, fix }));
  };
  text.split(/\r?\n/).forEach((raw, idx) => {
    const n = idx + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const m = SECTION.exec(line);
    // a bracketed line that is no header is an error, unless it is a host like [2001:db8::5]:2222
    if (!m && line.startsWith('[') && line.endsWith(']')) return fail(n, 'invalid section header', line, 'use [group], [group:vars] or [group:children], without spaces');
    if (m) {
      group = m[1] as string;
      const kind = m[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        return fail(n, `unknown section type ":${kind}"`, line, 'use [group], [group:vars] or [group:children]');
      }
      state = kind;
      if (state === 'vars') {
        if (!declared.has(group) && !pending.has(group)) pending.set(group, { line: n, state: 'vars' });
      } else {
        declared.add(group);
        pending.delete(group);
        model.group(group, `${file}:${n}`);
      }
      return;
    }
    if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) return fail(n, 'expected key=value in a :vars section', line, 'write name=value');
      const key = line.slice(0, eq).trim();
      model.group(group, `${file}:${n}`).vars[key] = parsePythonLiteral(line.slice(eq + 1).trim());
      return;
    }
    let tokens: string[];
    try {
      tokens = shlexSplit(line);
    } catch (e) {
      return fail(n, `cannot split line: ${(e as Error).message}`, line, 'close the quotes');
    }
    const first = tokens[0];
    if (first === undefined) return;
    if (state === 'children') {
      if (!declared.has(first)) pending.set(first, { line: n, state: 'children', child: first });
      model.addChild(group, first, `${file}:${n}`);
      return;
    }
    const vars: Vars = {};
    for (const t of tokens.slice(1)) {
      const eq = t.indexOf('=');
      if (eq < 0) return fail(n, 'expected key=value host variable', t, 'write name=value after the host name');
      vars[t.slice(0, eq)] = parsePythonLiteral(t.slice(eq + 1));
    }
    const { name, port } = hostAndPort(first);
    if (port !== undefined) vars['ansible_port'] = port;
    try {
      for (const h of expandHostRange(name, { file: `${file}:${n}` })) model.addHost(group, h, vars, `${file}:${n}`);
    } catch (e) {
      if (e instanceof LvsError) model.errors.push(e);
      else throw e;
    }
  });
  for (const [g, p] of pending) {
    if (declared.has(g)) continue;
    if (p.state === 'vars') fail(p.line, `section [${g}:vars] is for an undefined group`, g, `declare [${g}] or list ${g} under a [...:children] section`);
    else fail(p.line, `children section includes undefined group "${g}"`, g, `declare [${g}] (it may be empty)`);
  }
  // toSpec adds the errors of ansible_* values and throws them all together
  return model.toSpec();
}

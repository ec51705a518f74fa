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

/** What the lines of an INI section are: hosts (`[g]`), variables (`[g:vars]`) or child groups (`[g:children]`). */
type SectionKind = 'hosts' | 'vars' | 'children';

/** A group named before it was declared: by a `[g:vars]` header or a `[...:children]` line. */
interface PendingGroup {
  line: number;
  state: string;
  child?: string;
}

/** One pass over an INI inventory, line by line: the current section, and the groups still to be declared. */
class IniReader {
  readonly model: AnsibleModel;
  private group = 'ungrouped';
  private state: SectionKind = 'hosts';
  private readonly declared = new Set<string>(['all', 'ungrouped']);
  private readonly pending = new Map<string, PendingGroup>();

  constructor(private readonly file: string) {
    this.model = new AnsibleModel(file, 'ini');
  }

  /** Records an error at a line of the file (the reading goes on, to report them all). */
  private fail(line: number, message: string, value: unknown, fix: string): void {
    this.model.errors.push(new LvsError('E_INVENTORY', message, { file: `${this.file}:${line}`, value, fix }));
  }

  /** One line: blank or a comment, a section header, or a line of the current section. */
  line(raw: string, n: number): void {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const m = SECTION.exec(line);
    // a bracketed line that is no header is an error, unless it is a host like [2001:db8::5]:2222
    if (!m && line.startsWith('[') && line.endsWith(']')) return this.fail(n, 'invalid section header', line, 'use [group], [group:vars] or [group:children], without spaces');
    if (m) return this.section(m[1] as string, m[2] ?? 'hosts', line, n);
    if (this.state === 'vars') return this.varLine(line, n);
    let tokens: string[];
    try {
      tokens = shlexSplit(line);
    } catch (e) {
      return this.fail(n, `cannot split line: ${(e as Error).message}`, line, 'close the quotes');
    }
    const first = tokens[0];
    if (first === undefined) return;
    if (this.state === 'children') return this.childLine(first, n);
    this.hostLine(first, tokens.slice(1), n);
  }

  /** A `[group]`, `[group:vars]` or `[group:children]` header: the section the next lines belong to. */
  private section(group: string, kind: string, line: string, n: number): void {
    this.group = group;
    if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
      return this.fail(n, `unknown section type ":${kind}"`, line, 'use [group], [group:vars] or [group:children]');
    }
    this.state = kind;
    if (kind === 'vars') {
      if (!this.declared.has(group) && !this.pending.has(group)) this.pending.set(group, { line: n, state: 'vars' });
    } else {
      this.declared.add(group);
      this.pending.delete(group);
      this.model.group(group, `${this.file}:${n}`);
    }
  }

  /** `key=value` in a `:vars` section: a variable of the section's group (its value a Python literal). */
  private varLine(line: string, n: number): void {
    const eq = line.indexOf('=');
    if (eq < 0) return this.fail(n, 'expected key=value in a :vars section', line, 'write name=value');
    const key = line.slice(0, eq).trim();
    this.model.group(this.group, `${this.file}:${n}`).vars[key] = parsePythonLiteral(line.slice(eq + 1).trim());
  }

  /** A group name in a `:children` section: a child of the section's group (declared later, or an error at the end). */
  private childLine(child: string, n: number): void {
    if (!this.declared.has(child)) this.pending.set(child, { line: n, state: 'children', child });
    this.model.addChild(this.group, child, `${this.file}:${n}`);
  }

  /** `host[:port] key=value …` in a hosts section: the host (or each host of a range like `web[01:03]`) with its vars. */
  private hostLine(first: string, assignments: readonly string[], n: number): void {
    const vars: Vars = {};
    for (const t of assignments) {
      const eq = t.indexOf('=');
      if (eq < 0) return this.fail(n, 'expected key=value host variable', t, 'write name=value after the host name');
      vars[t.slice(0, eq)] = parsePythonLiteral(t.slice(eq + 1));
    }
    const { name, port } = hostAndPort(first);
    if (port !== undefined) vars['ansible_port'] = port;
    try {
      for (const h of expandHostRange(name, { file: `${this.file}:${n}` })) this.model.addHost(this.group, h, vars, `${this.file}:${n}`);
    } catch (e) {
      if (e instanceof LvsError) this.model.errors.push(e);
      else throw e;
    }
  }

  /** At the end: an error for each group a `:vars` header or a `:children` line named but no section declared. */
  undefinedGroups(): void {
    for (const [g, p] of this.pending) {
      if (this.declared.has(g)) continue;
      if (p.state === 'vars') this.fail(p.line, `section [${g}:vars] is for an undefined group`, g, `declare [${g}] or list ${g} under a [...:children] section`);
      else this.fail(p.line, `children section includes undefined group "${g}"`, g, `declare [${g}] (it may be empty)`);
    }
  }
}

/** An Ansible INI inventory as a spec; every problem of the file is collected and thrown together (E_INVENTORY). */
export function parseAnsibleIni(text: string, file: string): InventorySpec {
  const reader = new IniReader(file);
  text.split(/\r?\n/).forEach((raw, idx) => reader.line(raw, idx + 1));
  reader.undefinedGroups();
  // toSpec adds the errors of ansible_* values and throws them all together
  return reader.model.toSpec();
}

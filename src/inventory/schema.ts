/**
 * Validation of an InventorySpec coming from user code or a parsed Ansible file (untrusted input).
 * Every problem is collected and thrown at once as ValidationErrors; each names file, dotted field,
 * value (secrets masked) and what is allowed.
 */
import { z } from 'zod';
import { LvsError, ValidationErrors } from '../errors.js';
import type { Connection, InventorySpec } from '../types.js';
import { isIPv4 } from 'node:net';
import { canonicalIp } from '../schema/net.js';
import { port } from '../schema/schemas.js';
import { isSecretRef, MASK } from './secret.js';
import { distance } from './suggest.js';
import { ADDRESS_FIX, GROUP_NAME, GROUP_NAME_FIX, HOST_NAME_FIX, IMPLICIT_GROUPS, isAddress, isHostName, isIPv6 } from './names.js';

type ConnType = Connection['type'];
export const CONNECTION_TYPES: readonly ConnType[] = ['ssh', 'winrm', 'psrp-ssh', 'local'];

/** Fields each connection type accepts (besides `type`). */
export const CONNECTION_FIELDS: Readonly<Record<ConnType, readonly string[]>> = {
  ssh: ['user', 'port', 'keyFile', 'passphrase', 'password', 'agent', 'knownHosts', 'acceptNewHostKeys', 'become', 'becomePassword', 'connectTimeoutMs', 'sshConfig', 'sshOptions'],
  winrm: ['user', 'password', 'port', 'useSsl', 'authentication', 'skipCertCheck', 'caFile'],
  'psrp-ssh': ['user', 'port', 'keyFile', 'knownHosts', 'connectTimeoutMs', 'sshConfig', 'sshOptions'],
  local: [],
};
const ALL_CONNECTION_FIELDS = [...new Set(Object.values(CONNECTION_FIELDS).flat())];
const SECRET_FIELDS = ['password', 'passphrase', 'becomePassword'];

const SECRET_FIX = "a secret reference: secret.env('NAME'), secret.prompt('Question?') or secret.value('...')";
const bool = { schema: z.boolean(), fix: 'true or false' };
const path = (what: string) => ({ schema: z.string().min(1), fix: `a non-empty path to ${what} on the control node` });
const secretRule = { schema: z.custom((v) => isSecretRef(v), { message: 'expected a secret reference, not a plain value' }), fix: SECRET_FIX };

const FIELD_RULES: Readonly<Record<string, { schema: z.ZodTypeAny; fix: string }>> = {
  user: { schema: z.string().min(1), fix: 'a non-empty user name, e.g. root' },
  port: { schema: port, fix: 'an integer from 1 to 65535' },
  keyFile: path('a private key file'),
  knownHosts: path('a known_hosts file'),
  caFile: path('a PEM file of CA certificates'),
  passphrase: secretRule,
  password: secretRule,
  becomePassword: secretRule,
  agent: bool,
  acceptNewHostKeys: bool,
  become: bool,
  useSsl: bool,
  skipCertCheck: bool,
  sshConfig: path('an ssh_config file'),
  sshOptions: {
    schema: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/), z.string()),
    fix: 'an object of OpenSSH options, e.g. { ProxyJump: "admin@bastion" } (as ssh -o Key=Value)',
  },
  connectTimeoutMs: { schema: z.number().int().positive(), fix: 'a positive integer (milliseconds)' },
  authentication: {
    schema: z.enum(['Default', 'Basic', 'Negotiate', 'Kerberos', 'CredSSP']),
    fix: 'one of Default, Basic, Negotiate, Kerberos, CredSSP',
  },
};

const connectionSchema = z
  .record(z.string(), z.unknown())
  .superRefine((conn, ctx) => {
    const type = conn['type'];
    let allowed: readonly string[] = ALL_CONNECTION_FIELDS;
    if (type !== undefined) {
      if (typeof type !== 'string' || !(CONNECTION_TYPES as readonly string[]).includes(type)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['type'], message: 'unknown connection type', params: { fix: `one of ${CONNECTION_TYPES.join(', ')}` } });
      } else {
        allowed = CONNECTION_FIELDS[type as ConnType];
      }
    }
    for (const [key, value] of Object.entries(conn)) {
      if (key === 'type') continue;
      const rule = FIELD_RULES[key];
      if (!rule || !allowed.includes(key)) {
        const forWhat = typeof type === 'string' && allowed !== ALL_CONNECTION_FIELDS ? ` for type ${type}` : '';
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [key],
          message: `unknown connection field "${key}"${forWhat}`,
          params: { fix: allowedFix(key, ['type', ...allowed]) },
        });
        continue;
      }
      const r = rule.schema.safeParse(value);
      if (!r.success) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: r.error.issues[0]?.message ?? 'invalid value', params: { fix: rule.fix } });
      }
    }
  });

const varsSchema = z.record(z.string(), z.unknown());
const address = z.string().refine(isAddress, { message: 'not an IP address or host name' });
const hostSchema = z.object({ address: address.optional(), vars: varsSchema.optional(), connection: connectionSchema.optional() }).strict();
const groupSchema = z
  .object({
    hosts: z.record(z.string(), hostSchema.nullable()).optional(),
    children: z.array(z.string()).optional(),
    vars: varsSchema.optional(),
    connection: connectionSchema.optional(),
  })
  .strict();
const inventorySchema = z
  .object({
    vars: varsSchema.optional(),
    connection: connectionSchema.optional(),
    groups: z.record(z.string(), groupSchema).optional(),
    hosts: z.record(z.string(), hostSchema.nullable()).optional(),
  })
  .strict();

const KEYS = {
  inventory: ['vars', 'connection', 'groups', 'hosts'],
  group: ['hosts', 'children', 'vars', 'connection'],
  host: ['address', 'vars', 'connection'],
};

function keysAt(p: readonly (string | number)[]): string[] {
  if (p.length === 0) return KEYS.inventory;
  if (p.length === 2 && p[0] === 'groups') return KEYS.group;
  if (p.length >= 2 && p[p.length - 2] === 'hosts') return KEYS.host;
  return [];
}

function fixAt(p: readonly (string | number)[]): string | undefined {
  const last = p[p.length - 1];
  if (last === 'address') return ADDRESS_FIX;
  if (last === 'vars') return 'an object of variables, e.g. { vip: "192.0.2.10" }';
  if (last === 'connection') return `an object { type: ${CONNECTION_TYPES.join(' | ')}, ... }`;
  if (last === 'children' || p[p.length - 2] === 'children') return 'an array of group names, e.g. ["directors"]';
  if (last === 'groups') return 'an object mapping group names to { hosts, children, vars, connection }';
  if (last === 'hosts') return 'an object mapping host names to { address, vars, connection } or null';
  if (p.length === 2 && p[0] === 'groups') return `an object { ${KEYS.group.join(', ')} }`;
  if (p.length >= 2 && p[p.length - 2] === 'hosts') return `an object { ${KEYS.host.join(', ')} } or null`;
  if (p.length === 0) return `an object { ${KEYS.inventory.join(', ')} }, usually via inventory({...})`;
  return undefined;
}

/** "allowed: a, b, c" plus a did-you-mean when one allowed key is close. */
function allowedFix(key: string, allowed: readonly string[]): string {
  const close = allowed.filter((k) => distance(k.toLowerCase(), key.toLowerCase()) <= 2);
  const hint = close.length > 0 ? `did you mean "${close[0]}"? ` : '';
  return `${hint}allowed: ${allowed.length > 0 ? allowed.join(', ') : '(none)'}`;
}

function at(input: unknown, p: readonly (string | number)[]): unknown {
  let v = input;
  for (const k of p) v = typeof v === 'object' && v !== null ? (v as Record<string | number, unknown>)[k] : undefined;
  return v;
}

const dotted = (p: readonly (string | number)[]): string => p.join('.');
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function safeValue(p: readonly (string | number)[], v: unknown): unknown {
  return p.some((k) => typeof k === 'string' && SECRET_FIELDS.includes(k)) ? MASK : v;
}

function zodErrors(input: unknown, file: string): LvsError[] {
  const r = inventorySchema.safeParse(input);
  if (r.success) return [];
  const out: LvsError[] = [];
  for (const issue of r.error.issues) {
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      for (const key of issue.keys) {
        out.push(new LvsError('E_INVENTORY', `unknown field "${key}"`, { file, field: dotted([...issue.path, key]), fix: allowedFix(key, keysAt(issue.path)) }));
      }
      continue;
    }
    const params = issue.code === z.ZodIssueCode.custom ? (issue.params as { fix?: string } | undefined) : undefined;
    out.push(
      new LvsError('E_INVENTORY', issue.message, {
        file,
        field: dotted(issue.path),
        value: safeValue(issue.path, at(input, issue.path)),
        fix: params?.fix ?? fixAt(issue.path),
      }),
    );
  }
  return out;
}

interface HostDecl {
  name: string;
  path: string;
  address?: string;
}

/** Declarations of hosts, in inventory order, with their dotted paths. */
function hostDecls(input: Record<string, unknown>): HostDecl[] {
  const out: HostDecl[] = [];
  const add = (hosts: unknown, base: string): void => {
    if (!isObj(hosts)) return;
    for (const [name, spec] of Object.entries(hosts)) {
      const addr = isObj(spec) && typeof spec['address'] === 'string' ? spec['address'] : undefined;
      out.push({ name, path: `${base}.${name}`, ...(addr !== undefined ? { address: addr } : {}) });
    }
  };
  for (const key of Object.keys(input)) {
    if (key === 'hosts') add(input['hosts'], 'hosts');
    if (key === 'groups' && isObj(input['groups'])) {
      for (const [g, spec] of Object.entries(input['groups'])) if (isObj(spec)) add(spec['hosts'], `groups.${g}.hosts`);
    }
  }
  return out;
}

function semanticErrors(input: unknown, file: string): LvsError[] {
  if (!isObj(input)) return [];
  const out: LvsError[] = [];
  const err = (message: string, field: string, value: unknown, fix: string): void => {
    out.push(new LvsError('E_INVENTORY', message, { file, field, value, fix }));
  };
  const groups = isObj(input['groups']) ? input['groups'] : {};
  const names = Object.keys(groups);
  const known = names.length > 0 ? names.join(', ') : '(no groups defined)';
  const edges = new Map<string, string[]>();
  for (const g of names) {
    if ((IMPLICIT_GROUPS as readonly string[]).includes(g)) {
      err(`"${g}" is an implicit group and cannot be defined`, `groups.${g}`, g, 'put vars and connection for every host at the top level (vars, connection) and group-less hosts under hosts');
    } else if (!GROUP_NAME.test(g)) {
      err('invalid group name', `groups.${g}`, g, GROUP_NAME_FIX);
    }
    const spec = groups[g];
    const children = isObj(spec) && Array.isArray(spec['children']) ? spec['children'] : [];
    const kids: string[] = [];
    children.forEach((c: unknown, i: number) => {
      if (typeof c !== 'string') return;
      const field = `groups.${g}.children.${i}`;
      if (c === g) err('a group cannot be its own child', field, c, `remove "${c}" from groups.${g}.children`);
      else if (!(c in groups)) err(`child group "${c}" is not defined`, field, c, `define groups.${c} or use one of: ${known}`);
      else kids.push(c);
    });
    edges.set(g, kids);
  }
  for (const cycle of findCycles(names, edges)) {
    err('group children form a cycle', `groups.${cycle[0]}.children`, cycle.join(' → '), 'remove one of these child links: a group cannot contain itself');
  }
  const addresses = new Map<string, HostDecl>();
  const decls = hostDecls(input);
  for (const d of decls) {
    if (!isHostName(d.name)) err('invalid host name', d.path, d.name, HOST_NAME_FIX);
    if (d.name in groups) err(`host name "${d.name}" is also a group name`, d.path, d.name, 'rename the host or the group: patterns could not tell them apart');
    if (d.address === undefined) continue;
    const first = addresses.get(d.name);
    if (!first) addresses.set(d.name, d);
    else if (first.address !== d.address) {
      err(`host "${d.name}" has two addresses (${first.path}.address is ${first.address})`, `${d.path}.address`, d.address, `declare the address once; other groups can list the host as ${d.name}: null`);
    }
  }
  out.push(...sharedAddressErrors(input, decls, file));
  const reported = new Set<string>();
  for (const d of decls) {
    if (addresses.has(d.name) || reported.has(d.name) || isAddress(d.name) || !isHostName(d.name)) continue;
    reported.add(d.name);
    err(`host "${d.name}" has no address and its name is not a valid host name`, `${d.path}.address`, undefined, `set address to ${ADDRESS_FIX}`);
  }
  return out;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { ssh: 22, 'psrp-ssh': 22, winrm: 5985 };

/**
 * Two host names for one machine (same address, connection type and port) would run as two hosts
 * at once, their writes interleaved: refused. One machine in two groups is declared once and
 * listed as `NAME: null` in the other group. (Connection type and port: the host's own, else its
 * group's, else the top level's.)
 */
function sharedAddressErrors(input: Record<string, unknown>, decls: readonly HostDecl[], file: string): LvsError[] {
  const conn = (v: unknown): Record<string, unknown> => (isObj(v) && isObj(v['connection']) ? v['connection'] : {});
  const top = conn(input);
  const groups = isObj(input['groups']) ? input['groups'] : {};
  const out: LvsError[] = [];
  const seen = new Map<string, HostDecl>();
  for (const d of decls) {
    if (d.address === undefined) continue;
    const g = d.path.startsWith('groups.') ? (d.path.split('.')[1] ?? '') : null;
    const hostsOf = (v: unknown): Record<string, unknown> => (isObj(v) && isObj(v['hosts']) ? v['hosts'] : {});
    const hostSpec = hostsOf(g === null ? input : groups[g])[d.name];
    const layers = [conn(hostSpec), g === null ? {} : conn(groups[g]), top];
    const pick = (k: string): unknown => layers.find((l) => l[k] !== undefined)?.[k];
    const type = typeof pick('type') === 'string' ? (pick('type') as string) : 'ssh';
    if (type === 'local') continue;
    const addr = isIPv4(d.address) ? d.address : isIPv6(d.address) ? canonicalIp(d.address) : d.address.toLowerCase().replace(/\.$/, '');
    const key = `${type} ${addr} ${String(pick('port') ?? DEFAULT_PORTS[type] ?? '')}`;
    const first = seen.get(key);
    if (!first) seen.set(key, d);
    else if (first.name !== d.name) {
      out.push(new LvsError('E_INVENTORY', `hosts "${first.name}" and "${d.name}" have the same address ${d.address}: one machine would be run as two hosts at once`, {
        file,
        field: `${d.path}.address`,
        value: d.address,
        fix: `give "${d.name}" its own address; to put "${first.name}" in another group too, list it there as ${first.name}: null (INI: its name alone)`,
      }));
    }
  }
  return out;
}

/** Each elementary cycle's node list (first node repeated at the end), reported once. */
function findCycles(nodes: readonly string[], edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const seenCycle = new Set<string>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const visit = (n: string): void => {
    stack.push(n);
    onStack.add(n);
    for (const m of edges.get(n) ?? []) {
      if (onStack.has(m)) {
        const cyc = stack.slice(stack.indexOf(m));
        const key = [...cyc].sort().join(',');
        if (!seenCycle.has(key)) {
          seenCycle.add(key);
          cycles.push([...cyc, m]);
        }
      } else if (!done.has(m)) visit(m);
    }
    stack.pop();
    onStack.delete(n);
    done.add(n);
  };
  for (const n of nodes) if (!done.has(n)) visit(n);
  return cycles;
}

/** All problems of an inventory value, empty when valid. */
export function inventoryErrors(input: unknown, file: string): LvsError[] {
  return [...zodErrors(input, file), ...semanticErrors(input, file)];
}

/** Validates untrusted input as an InventorySpec; throws ValidationErrors listing every problem. */
export function validateInventorySpec(input: unknown, file: string): InventorySpec {
  const errors = inventoryErrors(input, file);
  if (errors.length > 0) throw new ValidationErrors(errors);
  return input as InventorySpec;
}

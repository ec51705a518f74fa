/**
 * `lvs-play init`: the inventory it writes (inventory/prod.ts), from answers or from an Ansible
 * inventory's spec. Secrets are never copied: a password becomes a `secret.env(NAME)` reference
 * (Ansible's `lookup('env', 'NAME')` keeps its NAME), a secret-looking var is left out with a note.
 */
import { isSecretRef } from '../inventory/secret.js';
import { SITE_GROUPS, type SiteGroups } from '../site/index.js';
import type { GroupSpec, HostSpec, InventorySpec, SecretRef, Vars } from '../types.js';

/** The site's default groups (the site model's settings, src/site/groups.ts). */
export const DEFAULT_GROUPS: SiteGroups = { directors: SITE_GROUPS.directors.fallback, linux: SITE_GROUPS.linux.fallback, windows: SITE_GROUPS.windows.fallback };

const SECRET_VAR = /pass(word)?|secret|token|vault|private_key/i;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const envName = (scope: string, field: string): string =>
  `${scope}_${field}`.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();

/** A single-quoted TS string literal of any text (line breaks of every kind escaped). */
const str = (s: string): string =>
  `'${s.replace(/[\\'\r\n\u2028\u2029]/g, (c) => ({ '\\': '\\\\', "'": "\\'", '\r': '\\r', '\n': '\\n', '\u2028': '\\u2028', '\u2029': '\\u2029' })[c] ?? c)}'`;
/** Text safe inside a `//` comment of the generated file: no line break of any kind. */
export const commentText = (s: string): string => s.replace(/[\r\n\u2028\u2029]+/g, ' ');
const key = (k: string): string => (IDENT.test(k) ? k : str(k));

/** TS source of a value; `scope` names env variables for secrets found inside. */
function literal(v: unknown, indent: string, scope: string, field = ''): string {
  if (isSecretRef(v)) {
    const src = (v as SecretRef).source;
    if ('env' in src) return `secret.env(${str(src.env)})`;
    if ('prompt' in src) return `secret.prompt(${str(src.prompt)})`;
    return `secret.env(${str(envName(scope, field || 'secret'))})`; // the value itself is never written
  }
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) return v.length === 0 ? '[]' : `[${v.map((x) => literal(x, inner, scope, field)).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([k, x]) =>
    SECRET_VAR.test(k) && !isSecretRef(x) && field !== 'connection'
      ? `${inner}// ${commentText(k)}: not copied (a secret); give it through the environment or -e`
      : `${inner}${key(k)}: ${literal(x, inner, scope, k === 'connection' ? 'connection' : k)},`,
  );
  return `{\n${lines.join('\n')}\n${indent}}`;
}

export interface PromptAnswers {
  vip: string;
  port: number;
  directors: readonly { name: string; address: string }[];
  linux: readonly { name: string; address: string }[];
  windows: readonly { name: string; address: string }[];
}

const hostsOf = (list: PromptAnswers['directors'], vars?: (i: number) => Vars): Record<string, HostSpec> =>
  Object.fromEntries(list.map((h, i) => [h.name, { address: h.address, ...(vars ? { vars: vars(i) } : {}) }]));

/** A director's VRRP vars: the first is MASTER (150), the others BACKUP (100, 90, …). */
export const vrrpOf = (i: number): Vars => ({ vrrp: i === 0 ? { state: 'MASTER', priority: 150 } : { state: 'BACKUP', priority: Math.max(1, 100 - 10 * (i - 1)) } });

/** The spec of a new site from answers (flags or questions), in the reference site's layout. */
export function specFromAnswers(a: PromptAnswers): InventorySpec {
  const groups: Record<string, GroupSpec> = {
    [DEFAULT_GROUPS.directors]: { connection: { type: 'ssh', user: 'root' }, hosts: hostsOf(a.directors, vrrpOf) },
  };
  if (a.linux.length > 0) groups[DEFAULT_GROUPS.linux] = { connection: { type: 'ssh', user: 'root' }, hosts: hostsOf(a.linux) };
  if (a.windows.length > 0) {
    groups[DEFAULT_GROUPS.windows] = { connection: { type: 'winrm', user: 'Administrator', password: { type: 'secret', source: { env: 'WIN_PASSWORD' } } }, hosts: hostsOf(a.windows) };
  }
  return { vars: { vip: a.vip, port: a.port }, groups };
}

/**
 * An Ansible inventory's spec, made ready for the site: the group settings and the VIP/port in the
 * `all` vars, and VRRP vars for directors that have none.
 */
export function adaptAnsibleSpec(spec: InventorySpec, groups: SiteGroups, extra: Vars): InventorySpec {
  const vars: Vars = { ...spec.vars, ...extra };
  for (const role of ['directors', 'linux', 'windows'] as const) if (groups[role] !== DEFAULT_GROUPS[role]) vars[SITE_GROUPS[role].name] = groups[role];
  const out: Record<string, GroupSpec> = {};
  for (const [g, gs] of Object.entries(spec.groups ?? {})) {
    if (g !== groups.directors) {
      out[g] = gs;
      continue;
    }
    const hosts = Object.entries(gs.hosts ?? {}).map(([name, h], i): [string, HostSpec] => [name, h?.vars?.vrrp ? (h ?? {}) : { ...(h ?? {}), vars: { ...vrrpOf(i), ...h?.vars } }]);
    out[g] = { ...gs, hosts: Object.fromEntries(hosts) };
  }
  return { ...spec, vars, groups: out };
}

/** inventory/prod.ts text for a spec. */
export function inventorySource(spec: InventorySpec, header: string): string {
  const parts: string[] = [];
  // a host's password is HOST_PASSWORD, a group's GROUP_PASSWORD, the top level's ALL_PASSWORD
  const scopeOf = (path: string[]): string => path.filter((p) => p !== 'groups' && p !== 'hosts').at(-1) ?? 'ALL';
  // each part rendered with its own scope, so a password of group web_win becomes WEB_WIN_PASSWORD
  const render = (v: unknown, indent: string, path: string[]): string => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || isSecretRef(v)) return literal(v, indent, scopeOf(path));
    const inner = `${indent}  `;
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    const rows = entries.map(([k, x]) => {
      if (k === 'vars' || k === 'connection') return `${inner}${key(k)}: ${literal(x, inner, scopeOf(path), k)},`;
      return `${inner}${key(k)}: ${render(x, inner, [...path, k])},`;
    });
    return `{\n${rows.join('\n')}\n${indent}}`;
  };
  const body = render(spec, '', []);
  parts.push(header.trimEnd(), "import { inventory, secret } from 'lvs-play';", '', `export default inventory(${body});`, '');
  const text = parts.join('\n');
  return text.includes('secret.') ? text : text.replace("import { inventory, secret } from 'lvs-play';", "import { inventory } from 'lvs-play';");
}

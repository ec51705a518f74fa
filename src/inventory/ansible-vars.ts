/**
 * Ansible's connection variables (ansible_host, ansible_port, ansible_user, ...) mapped to
 * lvs-play's address and Connection fields. Every other variable stays a plain var.
 */
import { LvsError } from '../errors.js';
import type { Vars } from '../types.js';
import { MASK } from '../mask.js';
import { isPort } from '../schema/net.js';
import { secret } from './secret.js';
import { parseSshArgs } from './ssh-args.js';

export interface MappedVars {
  address?: string;
  connection: Record<string, unknown>;
  vars: Vars;
}

export interface VarsOrigin {
  file: string;
  /** Prefix for field names, e.g. "all.children.directors.vars" or "[web:vars]"; empty for none. */
  field: string;
  /** Host-level vars may set the address; group vars may not. */
  level: 'host' | 'group';
}

const CONNECTION_TYPE: Readonly<Record<string, string>> = {
  ssh: 'ssh',
  smart: 'ssh',
  paramiko: 'ssh',
  paramiko_ssh: 'ssh',
  winrm: 'winrm',
  psrp: 'winrm',
  local: 'local',
};

const WINRM_AUTH: Readonly<Record<string, string>> = {
  basic: 'Basic',
  ntlm: 'Negotiate',
  negotiate: 'Negotiate',
  kerberos: 'Kerberos',
  credssp: 'CredSSP',
};

const TRUE = ['yes', 'on', '1', 'true', 'y', 't'];
const FALSE = ['no', 'off', '0', 'false', 'n', 'f'];

/** Ansible's `boolean()` filter; undefined when the value is not a boolean. */
function ansibleBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  const s = String(v).trim().toLowerCase();
  if (TRUE.includes(s)) return true;
  if (FALSE.includes(s)) return false;
  return undefined;
}

const ENV_LOOKUP = /^\{\{\s*lookup\(\s*['"]env['"]\s*,\s*['"]([A-Za-z_][A-Za-z0-9_]*)['"]\s*\)\s*\}\}$/;

/** The Ansible variable names each lvs-play field comes from (first is the canonical name). */
const ANSIBLE_NAMES = {
  address: ['ansible_host', 'ansible_ssh_host'],
  port: ['ansible_port', 'ansible_ssh_port'],
  user: ['ansible_user', 'ansible_ssh_user'],
  password: ['ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password'],
  keyFile: ['ansible_ssh_private_key_file', 'ansible_private_key_file'],
  caFile: ['ansible_winrm_ca_trust_path', 'ansible_psrp_ca_cert'],
  become: ['ansible_become'],
  becomePassword: ['ansible_become_password', 'ansible_become_pass'],
  type: ['ansible_connection'],
  connectTimeoutMs: ['ansible_timeout', 'ansible_ssh_timeout'],
} as const;

const SPECIAL = new Set<string>([
  ...Object.values(ANSIBLE_NAMES).flat(),
  'ansible_shell_type',
  'ansible_winrm_transport',
  'ansible_psrp_auth',
  'ansible_winrm_scheme',
  'ansible_psrp_protocol',
  'ansible_winrm_server_cert_validation',
  'ansible_psrp_cert_validation',
  'ansible_become_method',
  'ansible_become_user',
]);

/** `-o UserKnownHostsFile=FILE` (or `-oUserKnownHostsFile FILE`) out of ssh arguments. */
export function knownHostsFromSshArgs(args: string): string | undefined {
  const m = /-o\s*UserKnownHostsFile[=\s]\s*("[^"]+"|'[^']+'|\S+)/i.exec(args);
  return m?.[1]?.replace(/^["']|["']$/g, '');
}

/** The checks of one vars block: problems go to `errors`, named by the block's file and field. */
function checksOf(origin: VarsOrigin, errors: LvsError[]) {
  const fail = (name: string, value: unknown, message: string, fix: string): void => {
    const secretLike = /pass/.test(name);
    errors.push(new LvsError('E_INVENTORY', message, { file: origin.file, field: origin.field ? `${origin.field}.${name}` : name, value: secretLike ? MASK : value, fix }));
  };
  const text = (name: string, v: unknown): string | undefined => {
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    fail(name, v, `${name} must be a string`, 'a plain string value');
    return undefined;
  };
  const templated = (name: string, v: string): boolean => {
    if (!v.includes('{{')) return false;
    fail(name, v, `${name} uses a Jinja template, which lvs-play does not evaluate`, "write the value itself (for passwords, {{ lookup('env', 'NAME') }} is understood)");
    return true;
  };
  /** A whole number from a number or a string of digits; NaN otherwise. */
  const whole = (v: unknown): number => (typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN);
  return { fail, text, templated, whole };
}

type Checks = ReturnType<typeof checksOf>;

/** One of Ansible's connection vars (SPECIAL) into `out`; `ansible_shell_type` is returned, applied after all. */
function mapSpecial(name: string, v: unknown, out: MappedVars, origin: VarsOrigin, { fail, text, templated, whole }: Checks): string | undefined {
  const c = out.connection;
  const field = fieldOf(name);
  if (field === 'address') {
    const s = text(name, v);
    if (s === undefined || templated(name, s)) return undefined;
    if (origin.level === 'group') fail(name, v, `${name} in group vars is not supported`, 'set ansible_host on each host');
    else out.address = s;
  } else if (field === 'port') {
    const n = whole(v);
    if (isPort(n)) c['port'] = n;
    else fail(name, v, `${name} is not a port number`, 'an integer from 1 to 65535');
  } else if (field === 'user' || field === 'keyFile' || field === 'caFile') {
    const s = text(name, v);
    // a key file's ~ is expanded on the control node when connecting (src/sshconfig), as Ansible does
    if (s !== undefined && !templated(name, s)) c[field] = s;
  } else if (field === 'connectTimeoutMs') {
    const n = whole(v);
    if (Number.isInteger(n) && n >= 1) c['connectTimeoutMs'] = n * 1000;
    else fail(name, v, `${name} is not a number of seconds`, 'a positive integer, e.g. 30');
  } else if (name === 'ansible_become_method') {
    if (String(v) !== 'sudo') fail(name, v, `${name} ${String(v)} is not supported: lvs-play escalates with sudo`, 'ansible_become_method: sudo (or leave it unset)');
  } else if (name === 'ansible_become_user') {
    if (String(v) !== 'root') fail(name, v, `${name} ${String(v)} is not supported: the site's tasks run as root`, 'ansible_become_user: root (or leave it unset)');
  } else if (field === 'password' || field === 'becomePassword') {
    const s = text(name, v);
    const env = s === undefined ? null : ENV_LOOKUP.exec(s);
    if (env) c[field] = secret.env(env[1] as string);
    else if (s !== undefined && !templated(name, s)) c[field] = secret.value(s);
  } else if (field === 'become') {
    const b = ansibleBool(v);
    if (b === undefined) fail(name, v, `${name} is not a boolean`, 'yes/no, true/false, 1/0');
    else c['become'] = b;
  } else if (field === 'type') {
    const t = CONNECTION_TYPE[String(v)];
    if (t) c['type'] = t;
    else fail(name, v, `unsupported ${name}`, `one of ${Object.keys(CONNECTION_TYPE).join(', ')}`);
  } else if (name === 'ansible_shell_type') {
    return String(v);
  } else mapWinRm(name, v, c, fail);
  return undefined;
}

/** The WinRM / PSRP transport vars: authentication, scheme, certificate validation. */
function mapWinRm(name: string, v: unknown, c: MappedVars['connection'], fail: Checks['fail']): void {
  if (name === 'ansible_winrm_transport' || name === 'ansible_psrp_auth') {
    const first = String(v).split(',')[0]?.trim().toLowerCase() ?? '';
    const auth = WINRM_AUTH[first];
    if (auth) c['authentication'] = auth;
    else fail(name, v, `unsupported ${name}`, `one of ${Object.keys(WINRM_AUTH).join(', ')}`);
  } else if (name === 'ansible_winrm_scheme' || name === 'ansible_psrp_protocol') {
    c['useSsl'] = String(v).toLowerCase() === 'https';
  } else {
    c['skipCertCheck'] = String(v).toLowerCase() === 'ignore';
  }
}

/** Splits Ansible vars into address, connection fields and remaining vars; problems go to `errors`. */
export function mapAnsibleVars(input: Vars, origin: VarsOrigin, errors: LvsError[]): MappedVars {
  const out: MappedVars = { connection: {}, vars: {} };
  const checks = checksOf(origin, errors);
  let shellType: string | undefined;
  mapSshArgs(input, out.connection);
  for (const [name, v] of Object.entries(input)) {
    if (!SPECIAL.has(name)) out.vars[name] = v;
    else shellType = mapSpecial(name, v, out, origin, checks) ?? shellType;
  }
  // PowerShell over SSH (Windows OpenSSH) is Ansible's ssh connection with the powershell shell.
  const c = out.connection;
  if (shellType === 'powershell' && (c['type'] === undefined || c['type'] === 'ssh')) c['type'] = 'psrp-ssh';
  return out;
}

/**
 * ansible_ssh_common_args, then ansible_ssh_extra_args (as Ansible puts them on ssh's command
 * line: the first value wins): `-o` options (ProxyJump, ProxyCommand, …) become the connection's
 * sshOptions, `-F FILE` its sshConfig. The var stays a var too.
 */
function mapSshArgs(input: Vars, c: Record<string, unknown>): void {
  const common = input['ansible_ssh_common_args'];
  const extra = input['ansible_ssh_extra_args'];
  if (common === undefined && extra === undefined) return;
  const args = parseSshArgs(common === undefined ? undefined : String(common), extra === undefined ? undefined : String(extra));
  const file = knownHostsFromSshArgs(`${String(common ?? '')} ${String(extra ?? '')}`);
  if (file) c['knownHosts'] = file;
  if (Object.keys(args.options).length) c['sshOptions'] = args.options;
  if (args.configFile) c['sshConfig'] = args.configFile; // its ~ is expanded when read (src/sshconfig)
}

function fieldOf(name: string): string {
  for (const [field, names] of Object.entries(ANSIBLE_NAMES)) if ((names as readonly string[]).includes(name)) return field;
  return name;
}

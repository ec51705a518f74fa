/**
 * Dynamic inventories: `-i SCRIPT`, an executable file, is run as Ansible runs it — `SCRIPT --list`
 * (no shell), then `SCRIPT --host NAME` per host when its output has no `_meta.hostvars`. Each run
 * is bounded: $LVS_PLAY_INVENTORY_TIMEOUT seconds (default 30) and 64 MiB of output.
 */
import { execFile } from 'node:child_process';
import { LvsError } from '../errors.js';
import { Pool } from '../pool.js';
import type { InventorySpec, Vars } from '../types.js';
import { parseJsonText, scriptJsonToSpec } from './ansible-json.js';

const MAX_OUTPUT = 64 * 1024 * 1024;
const DEFAULT_TIMEOUT_S = 30;

export function scriptTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env['LVS_PLAY_INVENTORY_TIMEOUT'];
  const s = raw === undefined || raw === '' ? DEFAULT_TIMEOUT_S : Number(raw);
  if (!Number.isFinite(s) || s <= 0) {
    throw new LvsError('E_USAGE', 'LVS_PLAY_INVENTORY_TIMEOUT must be a number of seconds above 0', { value: raw, fix: 'e.g. LVS_PLAY_INVENTORY_TIMEOUT=60' });
  }
  return Math.round(s * 1000);
}

/** The last lines of a script's stderr, for an error message. */
function tail(stderr: string): string {
  const lines = stderr.trimEnd().split('\n').slice(-5).join(' | ');
  return lines.length > 1000 ? `…${lines.slice(-1000)}` : lines;
}

function runScript(path: string, args: readonly string[], file: string, timeout: number): Promise<string> {
  const shown = `${file} ${args.join(' ')}`;
  return new Promise((done, reject) => {
    execFile(path, [...args], { timeout, maxBuffer: MAX_OUTPUT, encoding: 'utf8', shell: false, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (!err) return done(stdout);
      const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string; signal?: string };
      let reason: string;
      if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') reason = `printed more than ${MAX_OUTPUT / 1024 / 1024} MiB`;
      else if (e.killed || e.signal === 'SIGKILL') reason = `did not finish within ${timeout / 1000} s (killed)`;
      else if (typeof e.code === 'string') reason = `could not be run: ${e.message}`;
      else reason = `exited with ${e.code ?? e.signal}${stderr.trim() ? `: ${tail(stderr)}` : ''}`;
      reject(new LvsError('E_INVENTORY', `inventory script ${reason}`, {
        file: shown,
        fix: e.killed ? 'make it answer sooner, or raise LVS_PLAY_INVENTORY_TIMEOUT (seconds)' : `run ${shown} by hand to see why`,
      }));
    });
  });
}

/** Reads an executable inventory: its groups, children and vars, host vars from `_meta` or `--host`. */
export async function readScriptInventory(path: string, file: string, env: NodeJS.ProcessEnv = process.env): Promise<InventorySpec> {
  const timeout = scriptTimeoutMs(env);
  const data = parseJsonText(await runScript(path, ['--list'], file, timeout), `${file} --list`);
  const meta = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>)['_meta'] : undefined;
  const hasMeta = typeof meta === 'object' && meta !== null && 'hostvars' in meta;
  if (hasMeta) return scriptJsonToSpec(data, file);
  // without _meta: ask per host, a few at a time (the spec tells which hosts there are)
  const hosts = hostsOf(data);
  const pool = new Pool(8);
  const vars = new Map<string, Vars>();
  await Promise.all(hosts.map((h) => pool.use(async () => {
    const out = await runScript(path, ['--host', h], file, timeout);
    if (out.trim() === '') return;
    const v = parseJsonText(out, `${file} --host ${h}`);
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) vars.set(h, v as Vars);
    else throw new LvsError('E_INVENTORY', 'the vars of a host must be a JSON object', { file: `${file} --host ${h}`, value: Array.isArray(v) ? 'an array' : v, fix: 'print {} or { "name": value, ... }' });
  })));
  return scriptJsonToSpec(data, file, vars);
}

/** Host names of script-format data, in order of appearance. */
function hostsOf(data: unknown): string[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return [];
  const out = new Set<string>();
  for (const [name, g] of Object.entries(data as Record<string, unknown>)) {
    if (name === '_meta') continue;
    const list = Array.isArray(g) ? g : typeof g === 'object' && g !== null ? ('hosts' in g || 'vars' in g || 'children' in g ? (g as { hosts?: unknown }).hosts : [name]) : [];
    if (Array.isArray(list)) for (const h of list) if (typeof h === 'string') out.add(h);
  }
  return [...out];
}

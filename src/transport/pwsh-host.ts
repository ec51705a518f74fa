/**
 * One local pwsh process driven by node-powershell, with the lvs-play helper functions loaded
 * (src/transport/pwsh-scripts.ts). It runs scripts with `$data` either in the remote session it
 * opened or, before that, locally. Invocations on one instance are serialised by node-powershell:
 * use one instance per host.
 */
import { createRequire } from 'node:module';
import type { PowerShell } from 'node-powershell';
import { redact } from '../mask.js';
import type { JsonValue, PsScript } from '../types.js';
import { LOCAL_PRELUDE, REMOTE_WRAPPER, RESULT_PREFIX } from './pwsh-scripts.js';

export interface PwshHostOptions {
  /** Absolute path of pwsh (see findPwsh). */
  pwshPath: string;
  /** Extra environment of the pwsh process (e.g. the WinRM password, removed by the session script). */
  env?: Readonly<Record<string, string>>;
  /** Values to redact from every message (secrets). */
  redact?: readonly string[];
}

/** What one invocation returned, decoded from the `LVSRESULT:` line. */
export type PwshEnvelope =
  | { ok: true; value: JsonValue; warnings?: string[] }
  | { ok: false; error: string; where?: string | null; transport?: boolean };

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The single stdin line that runs `script` with `data` (only base64 literals: nothing to escape). */
export function invocationLine(script: PsScript, data: JsonValue): string {
  return `Invoke-LvsRemote '${b64(script)}' '${b64(JSON.stringify(data))}'`;
}

/** The single stdin line that defines the helpers (dot-sourced into the global scope). */
export function preludeLine(): string {
  return `$LvsWrapperB64 = '${b64(REMOTE_WRAPPER)}'; . ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${b64(LOCAL_PRELUDE)}'))))`;
}

/** Finds and decodes the result line in pwsh's stdout (also the WinRM bootstrap's). */
export function parseEnvelope(stdout: string): PwshEnvelope | null {
  // pwsh may prefix lines with terminal escapes (e.g. ESC[?1h): search, don't anchor.
  const matches = [...stdout.matchAll(new RegExp(`${RESULT_PREFIX}([A-Za-z0-9+/=]+)`, 'g'))];
  const last = matches[matches.length - 1];
  if (last?.[1] === undefined) return null;
  const json = Buffer.from(last[1], 'base64').toString('utf8');
  const parsed = JSON.parse(json) as PwshEnvelope;
  if (parsed.ok) return { ...parsed, value: parsed.value ?? null };
  return parsed;
}

export class PwshHost {
  private exited = false;

  private constructor(
    private readonly shell: PowerShell,
    private readonly redactions: readonly string[],
  ) {}

  /** Starts pwsh and loads the helpers. The caller must have checked that pwshPath exists. */
  static async start(opts: PwshHostOptions): Promise<PwshHost> {
    // node-powershell loads with the first pwsh started (a run without Windows hosts never needs it),
    // through require: the built bundle runs no import() (src/launch.ts)
    const { PowerShell: Shell } = createRequire(import.meta.url)('node-powershell') as typeof import('node-powershell');
    // node-powershell prefers $NODE_POWERSHELL over `executable`; the caller already chose.
    const saved = process.env.NODE_POWERSHELL;
    delete process.env.NODE_POWERSHELL;
    let shell: PowerShell;
    try {
      shell = new Shell({
        executable: opts.pwshPath,
        executableOptions: { '-NoProfile': true, '-NonInteractive': true },
        throwOnInvocationError: false,
        spawnOptions: { env: { ...process.env, TERM: 'dumb', ...(saved === undefined ? {} : { NODE_POWERSHELL: saved }), ...opts.env } },
      });
    } finally {
      if (saved !== undefined) process.env.NODE_POWERSHELL = saved;
    }
    const host = new PwshHost(shell, (opts.redact ?? []).filter((s) => s.length > 0));
    // The exit promise rejects when pwsh dies (or never started): never leave it unhandled.
    const exitPromise = (shell as unknown as { exitPromise?: Promise<void> }).exitPromise;
    void exitPromise?.then(
      () => (host.exited = true),
      () => (host.exited = true),
    );
    const r = await host.raw(preludeLine());
    if (r.stderr.trim() !== '' || r.exited) {
      await host.dispose();
      throw new Error(`pwsh did not start: ${host.redact(r.stderr.trim() || 'it exited')}`);
    }
    return host;
  }

  /** Replaces every secret in `text` by ********. */
  redact(text: string): string {
    return redact(text, this.redactions);
  }

  private async raw(line: string): Promise<{ stdout: string; stderr: string; exited: boolean }> {
    if (this.exited) return { stdout: '', stderr: 'the local pwsh process has exited', exited: true };
    try {
      const rec = await this.shell.invoke(line);
      // node-powershell keeps every command in `history`: it holds base64 data, drop it.
      this.shell.history.length = 0;
      return { stdout: rec.stdout?.toString('utf8') ?? '', stderr: rec.stderr?.toString('utf8') ?? '', exited: this.exited };
    } catch (e) {
      this.shell.history.length = 0;
      return { stdout: '', stderr: e instanceof Error ? e.message : String(e), exited: this.exited };
    }
  }

  /** Runs `script` with `$data` in the session (or locally before one is open). */
  async run(script: PsScript, data: JsonValue): Promise<PwshEnvelope> {
    return this.call(invocationLine(script, data));
  }

  /** Removes the remote session, if any. */
  async closeSession(): Promise<PwshEnvelope> {
    return this.call('Close-LvsSession');
  }

  private async call(line: string): Promise<PwshEnvelope> {
    const r = await this.raw(line);
    let env: PwshEnvelope | null = null;
    try {
      env = parseEnvelope(r.stdout);
    } catch (e) {
      env = { ok: false, transport: true, error: `unreadable result from pwsh: ${(e as Error).message}` };
    }
    if (env === null) {
      const why = r.stderr.trim() || r.stdout.trim() || (r.exited ? 'the local pwsh process has exited' : 'no result');
      env = { ok: false, transport: true, error: why };
    }
    if (!env.ok) return { ...env, error: this.redact(env.error), ...(env.where ? { where: this.redact(env.where) } : {}) };
    return env;
  }

  get isAlive(): boolean {
    return !this.exited;
  }

  async dispose(): Promise<void> {
    if (this.exited) return;
    await this.shell.dispose().catch(() => undefined);
    this.exited = true;
  }
}

/**
 * A PowerShellTransport for unit tests: the role's scripts run in a LOCAL pwsh (no remote session)
 * through the same wrapper as the real transport, with the Windows SIMULATION on $PSModulePath
 * (auto-loaded, never imported by the scripts) and its state in a temp file.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { findPwsh } from '../../../src/transport/pwsh-find.js';
import { PwshHost } from '../../../src/transport/pwsh-host.js';
import type { JsonValue, PowerShellTransport, PsScript } from '../../../src/types.js';
import { SIM_MODULES_DIR, SIM_STATE_ENV, type SimState } from './state.js';

export class SimLocalTransport implements PowerShellTransport {
  readonly shell = 'powershell' as const;
  private pwsh: PwshHost | null = null;

  private constructor(
    readonly host: string,
    /** Plays the inventory address (the NIC holding it is the default NIC). */
    readonly address: string,
    readonly dir: string,
  ) {}

  get statePath(): string {
    return join(this.dir, 'state.json');
  }

  /** A fresh temp dir with `state` as the sim state; pwsh starts on first use. */
  static async create(state: SimState, opts: { host?: string; address?: string } = {}): Promise<SimLocalTransport> {
    const dir = await mkdtemp(join(tmpdir(), 'lvs-winsim-'));
    const t = new SimLocalTransport(opts.host ?? 'winsim', opts.address ?? state.adapters[0]?.addresses[0]?.ip ?? '10.77.0.18', dir);
    await t.writeState(state);
    return t;
  }

  async writeState(state: SimState): Promise<void> {
    await writeFile(this.statePath, JSON.stringify(state, null, 2));
  }

  async readState(): Promise<SimState> {
    return JSON.parse(await readFile(this.statePath, 'utf8')) as SimState;
  }

  /** Starts a new pwsh (a new "session"): e.g. after switching the sim to 2008 R2. */
  async restart(): Promise<void> {
    await this.pwsh?.dispose();
    this.pwsh = null;
  }

  private async session(): Promise<PwshHost> {
    if (this.pwsh?.isAlive) return this.pwsh;
    const env = {
      [SIM_STATE_ENV]: this.statePath,
      PSModulePath: [SIM_MODULES_DIR, process.env.PSModulePath].filter(Boolean).join(delimiter),
      windir: '',
    };
    this.pwsh = await PwshHost.start({ pwshPath: findPwsh(), env });
    return this.pwsh;
  }

  async invoke<T extends JsonValue = JsonValue>(script: PsScript, data: JsonValue): Promise<T> {
    const r = await (await this.session()).run(script, data);
    if (!r.ok) throw new Error(`${this.host}: ${r.error}`);
    return r.value as T;
  }

  async close(): Promise<void> {
    await this.pwsh?.dispose();
    this.pwsh = null;
    await rm(this.dir, { recursive: true, force: true });
  }
}

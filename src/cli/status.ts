/**
 * `lvs-play status -i INVENTORY [-e VARS] [--watch [N]] [--json FILE]`: read-only facts of every
 * director and real server (src/status), a table, problems with fixes. Exit 0 = no problem,
 * 2 = a problem was found (also an unreachable host), 4 = invalid inventory, 5 = bad options.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { LvsError } from '../errors.js';
import { loadInputs, VAULT_OPTIONS, vaultSourcesOf } from './vault-options.js';
import type { VaultSources } from '../vault/passwords.js';
import { SecretResolver } from '../inventory/secret.js';
import { Redactor } from '../run/redact.js';
import { requireDirectors } from '../site/index.js';
import { StatusCollector, targetsOf } from '../status/collect.js';
import { renderStatus } from '../status/render.js';
import { makeConnector } from './connect.js';

export const STATUS_USAGE = `Usage: lvs-play status -i INVENTORY [-e K=V|@FILE] [--watch [SECONDS]] [--json FILE]

Shows, read-only, who is MASTER, who holds each VIP, the IPVS table (weights, connections,
rates) and every real server's VIP/ARP/port state, with each problem found and its fix.
  --watch [N]    refresh every N seconds (default 2) over the same connections; Ctrl-C ends
  --json FILE    also write the report (format lvs-play-status/1, docs/operate.md)
  --vault-password-file FILE, --vault-id LABEL@SOURCE, --ask-vault-pass   as for a playbook run
Exit codes: 0 no problem, 2 a problem found, 4 invalid inventory, 5 bad options.`;

export interface StatusOptions {
  inventory: string;
  extraVars: string[];
  watch: number | null;
  json?: string;
  acceptNewHostKeys: boolean;
  vault?: VaultSources;
}

function usage(msg: string): LvsError {
  return new LvsError('E_USAGE', msg, { file: 'command line', fix: STATUS_USAGE.split('\n')[0]! });
}

export function parseStatusArgs(argv: readonly string[]): StatusOptions | 'help' {
  // --watch takes an optional number: give it one when the next word is not a number
  const args = [...argv];
  const w = args.findIndex((a) => a === '--watch');
  if (w >= 0 && !/^\d+(\.\d+)?$/.test(args[w + 1] ?? '')) args.splice(w + 1, 0, '2');
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      inventory: { type: 'string', short: 'i' },
      'extra-vars': { type: 'string', short: 'e', multiple: true },
      watch: { type: 'string' },
      json: { type: 'string' },
      'accept-new-host-keys': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      ...VAULT_OPTIONS,
    },
  });
  if (values.help) return 'help';
  if (positionals.length) throw usage(`unexpected arguments: ${positionals.join(' ')}`);
  if (!values.inventory) throw usage('no inventory given: add -i INVENTORY (e.g. -i lab)');
  const watch = values.watch === undefined ? null : Number(values.watch);
  if (watch !== null && !(watch >= 0.5 && watch <= 3600)) throw usage(`--watch takes seconds between 0.5 and 3600 (got ${values.watch})`);
  return {
    inventory: values.inventory,
    extraVars: values['extra-vars'] ?? [],
    watch,
    ...(values.json ? { json: values.json } : {}),
    acceptNewHostKeys: values['accept-new-host-keys'] ?? false,
    ...(vaultSourcesOf(values) ? { vault: vaultSourcesOf(values)! } : {}),
  };
}

export async function statusCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let o;
  try {
    o = parseStatusArgs(argv);
  } catch (e) {
    if (e instanceof LvsError) throw e;
    throw usage(e instanceof Error ? e.message : String(e));
  }
  if (o === 'help') return out.write(`${STATUS_USAGE}\n`), 0;
  const cwd = process.cwd();
  const { inv } = await loadInputs(o, cwd);
  const targets = targetsOf(inv);
  requireDirectors(targets);
  const redactor = new Redactor().add(...(inv.secrets ?? []));
  const collector = new StatusCollector(targets, makeConnector({ secrets: new SecretResolver({}, redactor), redactor, acceptNewHostKeys: o.acceptNewHostKeys }), inv.source);
  const tty = Boolean((out as NodeJS.WriteStream).isTTY);
  const color = tty && !process.env.NO_COLOR && !process.env.CI;
  let stop = false;
  let wake: (() => void) | null = null;
  const onSigint = () => {
    stop = true;
    wake?.();
  };
  process.on('SIGINT', onSigint);
  let code = 0;
  try {
    do {
      const report = await collector.read();
      code = report.problems.length ? 2 : 0;
      const text = redactor.redact(renderStatus(report, color));
      out.write(o.watch !== null && tty ? `\u001b[H\u001b[2J${text}\n` : `${text}\n`);
      if (o.json) await writeFile(o.json, `${redactor.redact(JSON.stringify(report, null, 2))}\n`);
      if (o.watch === null || stop) break;
      if (!tty) out.write('\n');
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, o.watch! * 1000);
      });
    } while (!stop);
  } finally {
    process.off('SIGINT', onSigint);
    await collector.close();
  }
  return code;
}

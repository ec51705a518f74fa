/**
 * `lvs-play status -i INVENTORY [-e VARS] [--watch [N]] [--json FILE]`: read-only facts of every
 * director and real server (src/status), a table, problems with fixes. Exit 0 = no problem,
 * 2 = a problem was found (also an unreachable host), 4 = invalid inventory, 5 = bad options.
 */
import { writeFile } from 'node:fs/promises';
import { LvsError } from '../errors.js';
import { loadInputs } from './vault-options.js';
import { DEFAULT_FORKS, optionsOf } from './options.js';
import { SecretResolver } from '../inventory/secret.js';
import { Redactor } from '../run/redact.js';
import { StatusCollector } from '../status/collect.js';
import { clusterTargets, parseClusterArgs, type ClusterOptions } from './cluster.js';
import { renderStatus } from '../status/render.js';
import { makeConnector } from './connect.js';
import { listenUrl, parseListen, serveUntilSignal, type Listen } from './listen.js';
import { Sampler } from '../status/sampler.js';
import { serveStatus } from './status-serve.js';

export const STATUS_USAGE = `Usage: lvs-play status -i INVENTORY [-e K=V|@FILE] [--watch [SECONDS]] [--json FILE] [--serve [ADDRESS:]PORT]

Shows, read-only, who is MASTER, who holds each VIP, the IPVS table (weights, connections,
rates) and every real server's VIP/ARP/port state, with each problem found and its fix.
  --watch [N]    refresh every N seconds (default 2) over the same connections; Ctrl-C ends
  --json FILE    also write the report (format lvs-play-status/1, docs/operate.md)
  --serve [A:]P  serve a live page of the cluster (default 127.0.0.1:9470, loopback), read again
                 every --watch seconds (default 2); runs until Ctrl-C
  --vault-password-file FILE, --vault-id LABEL@SOURCE, --ask-vault-pass   as for a playbook run
  --ssh-config FILE, -T/--timeout N   as for a playbook run
Exit codes: 0 no problem, 2 a problem found, 4 invalid inventory, 5 bad options.`;

export interface StatusOptions extends ClusterOptions {
  watch: number | null;
  json?: string;
  /** --serve: the live page's address (src/cli/status-serve.ts). */
  serve?: Listen;
}

export const DEFAULT_SERVE = '127.0.0.1:9470';

function usage(msg: string): LvsError {
  return new LvsError('E_USAGE', msg, { file: 'command line', fix: STATUS_USAGE.split('\n')[0]! });
}

export function parseStatusArgs(argv: readonly string[]): StatusOptions | 'help' {
  // --watch takes an optional number: give it one when the next word is not a number
  const args = [...argv];
  const w = args.findIndex((a) => a === '--watch');
  if (w >= 0 && !/^\d+(\.\d+)?$/.test(args[w + 1] ?? '')) args.splice(w + 1, 0, '2');
  // --serve takes an optional [ADDRESS:]PORT: the default when the next word is an option or absent
  const sv = args.findIndex((a) => a === '--serve');
  if (sv >= 0 && (args[sv + 1] === undefined || args[sv + 1]!.startsWith('-'))) args.splice(sv + 1, 0, DEFAULT_SERVE);
  const p = parseClusterArgs(args, optionsOf('watch', 'json', 'serve'), STATUS_USAGE.split('\n')[0]!);
  if (p === 'help') return 'help';
  const values = p.values as { watch?: string; json?: string; serve?: string };
  const watch = values.watch === undefined ? null : Number(values.watch);
  if (watch !== null && !(watch >= 0.5 && watch <= 3600)) throw usage(`--watch takes seconds between 0.5 and 3600 (got ${values.watch})`);
  return {
    ...p.common,
    watch,
    ...(values.json ? { json: values.json } : {}),
    ...(values.serve !== undefined ? { serve: parseListen(values.serve, '--serve', STATUS_USAGE.split('\n')[0]!) } : {}),
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
  const targets = clusterTargets(inv);
  const redactor = new Redactor().add(...(inv.secrets ?? []));
  const collector = new StatusCollector(targets, makeConnector({ secrets: new SecretResolver({}, redactor), redactor, acceptNewHostKeys: o.acceptNewHostKeys, ...(o.sshConfig ? { sshConfig: o.sshConfig } : {}), ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) }), inv.source, { forks: DEFAULT_FORKS });
  if (o.serve) return serve(collector, o.serve, o.watch ?? 2, redactor, out);
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

/** --serve: the live page until Ctrl-C / SIGTERM (exit 0). */
async function serve(collector: StatusCollector, at: Listen, seconds: number, redactor: Redactor, out: NodeJS.WritableStream): Promise<number> {
  const sampler = new Sampler(collector, seconds * 1000);
  const server = await serveStatus(sampler, at, redactor);
  out.write(`lvs-play status: live page on ${listenUrl(at)}/ (read every ${seconds} s; Ctrl-C ends)\n`);
  return serveUntilSignal(sampler, server);
}

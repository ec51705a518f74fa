/**
 * `lvs-play render PLAYBOOK -i INVENTORY [--limit P] [-e K=V] [--out DIR]`: every file and setting
 * each host would get, computed from the playbook and inventory alone — no connection is opened,
 * no secret resolved; secrets the resources declare are masked. Without --out, printed; with it,
 * one folder per host (src/render/output.ts), identical for the same site.
 */
import { LvsError } from '../errors.js';
import { parseExtraVars } from '../inventory/extra-vars.js';
import { loadInventory } from '../inventory/load.js';
import { selectHosts } from '../inventory/pattern.js';
import { renderPlays } from '../render/desired.js';
import { renderText, writeRenderDir } from '../render/output.js';
import { selectPlaybook } from '../run/select.js';
import { onceWarner } from '../warnings.js';
import { parseCommandArgs } from './command-args.js';
import { optionsOf } from './options.js';
import { builtinInventory } from './builtin-inventory.js';
import { EXIT } from './exit.js';
import { loadPlaybook } from './run.js';

export const RENDER_USAGE = 'lvs-play render PLAYBOOK -i INVENTORY [--limit PATTERN] [-e K=V|@FILE] [--out DIR]';

export interface RenderOptions {
  playbook: string;
  inventory: string;
  limit?: string;
  extraVars: string[];
  out?: string;
}

export function parseRenderArgs(argv: readonly string[]): RenderOptions {
  const { values, positionals } = parseCommandArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      ...optionsOf('inventory', 'limit', 'extra-vars', 'out'),
    },
  }, RENDER_USAGE);
  if (positionals.length !== 1) throw new LvsError('E_USAGE', positionals.length ? `unexpected arguments: ${positionals.slice(1).join(' ')}` : 'no playbook given', { file: 'command line', fix: RENDER_USAGE });
  if (!values.inventory) throw new LvsError('E_USAGE', 'no inventory given', { file: 'command line', fix: RENDER_USAGE });
  return {
    playbook: positionals[0]!,
    inventory: values.inventory,
    ...(values.limit ? { limit: values.limit } : {}),
    extraVars: values['extra-vars'] ?? [],
    ...(values.out ? { out: values.out } : {}),
  };
}

/** Runs `lvs-play render`; returns the exit code (invalid input throws, as a run's does: exit 4). */
export async function renderCommand(argv: readonly string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) return out.write(`Usage: ${RENDER_USAGE}\n\nEvery file and setting each host would get, from the playbook and inventory alone: no connection is\nopened, secrets are masked. --out DIR: one folder per host (DIR/HOST/settings.txt, DIR/HOST/files/PATH).\n`), EXIT.ok;
  const o = parseRenderArgs(argv);
  const cwd = process.cwd();
  const extraVars = await parseExtraVars(o.extraVars, { cwd });
  const pb = await loadPlaybook(o.playbook);
  const warn = onceWarner();
  const inv = await loadInventory(o.inventory, { cwd, extraVars, warn, fallback: builtinInventory });
  const plays = selectPlaybook(pb, {
    file: o.playbook,
    ...(inv.vars ? { vars: inv.vars } : {}),
    select: (pattern, field) => selectHosts(inv, pattern, field ? { source: o.playbook, field, onUnknown: warn } : { source: '--limit' }),
    ...(o.limit ? { limit: o.limit } : {}),
  });
  const hosts = renderPlays(plays);
  const source = `${o.playbook} -i ${o.inventory}${o.limit ? ` --limit ${o.limit}` : ''}`;
  if (o.out) {
    const files = await writeRenderDir(o.out, hosts, source);
    out.write(`rendered ${hosts.length} host(s) into ${o.out}: ${files.length} file(s)\n`);
  } else out.write(renderText(hosts, source));
  return EXIT.ok;
}

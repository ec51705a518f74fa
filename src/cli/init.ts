/**
 * `lvs-play init [DIR]`: a new site repository in the reference layout — package.json (lvs-play,
 * scripts check/apply/test), tsconfig.json, playbooks/site.ts, inventory/prod.ts, roles/ with one
 * example role and its test, test/ — from flags, from questions (in a terminal), or from an
 * Ansible inventory (`--from-ansible hosts.ini`). Writes only into DIR; refuses to overwrite.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { optionsOf } from './options.js';
import { LvsError } from '../errors.js';
import { readInventorySpec } from '../inventory/load.js';
import { isIPv4, isPort } from '../schema/net.js';
import type { SiteGroups } from '../site/index.js';
import { isScheduler, SCHEDULER_NAMES, type SchedulerName } from '../kit/schedulers.js';
import { lvsPlayDependency } from './init-dependency.js';
import { ownPackage, type OwnPackage } from '../package-root.js';
import { siteGroupsFor } from './init-groups.js';
import { adaptAnsibleSpec, commentText, inventorySource, specFromAnswers, type PromptAnswers } from './init-inventory.js';
import { checkGivenGroups, checkInitHost, checkRepresentable } from './init-validate.js';

export const INIT_USAGE = `Usage: lvs-play init [DIR] [--vip IP] [--directors LIST] [--linux LIST] [--windows LIST] [--port N] [--lb-algo NAME]
       lvs-play init [DIR] --from-ansible hosts.ini [--vip IP] [--port N]
                     [--directors-group G] [--linux-group G] [--windows-group G]

Scaffolds a site repository in DIR (default .): package.json, tsconfig.json, playbooks/site.ts,
inventory/prod.ts, roles/motd (an example role and its test), test/. LIST: addresses or
name=address, comma-separated (e.g. lvs1=192.168.1.14,lvs2=192.168.1.15). Missing values are asked
in a terminal; otherwise the reference site's are used (VIP 192.168.1.10, directors .14/.15,
Windows real servers .16/.17, port 80). --from-ansible converts an Ansible INI/YAML inventory
(groups, children, vars, connections; passwords become secret.env(...) references, never copied).
--lb-algo: the IPVS scheduler the site's lb_algo defaults to (wrr): ${SCHEDULER_NAMES.join(' ')}.`;

/** lvs-play's own package (src/package-root.ts), with the templates `init` copies. */
function ownWithTemplates(): OwnPackage {
  const own = ownPackage();
  if (!own || !existsSync(join(own.root, 'templates', 'init'))) throw new Error(`lvs-play init: templates/init not found in ${own?.root ?? 'the package'}`);
  return own;
}

const usage = (msg: string, fix: string): LvsError => new LvsError('E_USAGE', msg, { file: 'lvs-play init', fix });

type Host = { name: string; address: string };

function parseList(flag: string, value: string, prefix: string): Host[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item, i) => {
      const [a, b] = item.includes('=') ? item.split('=', 2) : [`${prefix}${i + 1}`, item];
      const name = (a ?? '').trim();
      const address = (b ?? '').trim();
      if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) || !address) throw usage(`${flag}: "${item}" is not NAME=ADDRESS or an address`, `e.g. ${flag} ${prefix}1=192.168.1.14,${prefix}2=192.168.1.15`);
      checkInitHost(flag, item, name, address);
      return { name, address };
    });
}

export interface InitOptions {
  dir: string;
  vip?: string;
  port?: number;
  directors?: Host[];
  linux?: Host[];
  windows?: Host[];
  fromAnsible?: string;
  /** The site's default lb_algo (the kit's list of schedulers). */
  lbAlgo: SchedulerName;
  /** Groups named by flags (--directors-group …); the rest come from the inventory (init-groups.ts). */
  groups: Partial<SiteGroups>;
  interactive: boolean;
}

export function parseInitArgs(argv: readonly string[], interactive: boolean): InitOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      ...optionsOf('vip', 'port', 'lb-algo', 'directors', 'linux', 'windows', 'from-ansible', 'directors-group', 'linux-group', 'windows-group', 'yes'),
    },
  });
  if (positionals.length > 1) throw usage(`unexpected arguments: ${positionals.slice(1).join(' ')}`, 'lvs-play init [DIR] [options]');
  if (values.vip !== undefined && !isIPv4(values.vip)) throw usage(`--vip: "${values.vip}" is not an IPv4 address`, 'e.g. --vip 192.168.1.10');
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !isPort(port)) throw usage(`--port: "${values.port}" is not a port (1-65535)`, 'e.g. --port 80');
  const lbAlgo = values['lb-algo'] ?? 'wrr';
  if (!isScheduler(lbAlgo)) throw usage(`--lb-algo: "${lbAlgo}" is not an IPVS scheduler`, `use one of: ${SCHEDULER_NAMES.join(', ')} (docs/site.md)`);
  return {
    dir: positionals[0] ?? '.',
    lbAlgo,
    ...(values.vip ? { vip: values.vip } : {}),
    ...(port ? { port } : {}),
    ...(values.directors !== undefined ? { directors: parseList('--directors', values.directors, 'lvs') } : {}),
    ...(values.linux !== undefined ? { linux: parseList('--linux', values.linux, 'rs') } : {}),
    ...(values.windows !== undefined ? { windows: parseList('--windows', values.windows, 'web') } : {}),
    ...(values['from-ansible'] ? { fromAnsible: values['from-ansible'] } : {}),
    groups: {
      ...(values['directors-group'] ? { directors: values['directors-group'] } : {}),
      ...(values['linux-group'] ? { linux: values['linux-group'] } : {}),
      ...(values['windows-group'] ? { windows: values['windows-group'] } : {}),
    },
    interactive: interactive && !values.yes,
  };
}

const REFERENCE: PromptAnswers = {
  vip: '192.168.1.10',
  port: 80,
  directors: [{ name: 'lvs1', address: '192.168.1.14' }, { name: 'lvs2', address: '192.168.1.15' }],
  linux: [],
  windows: [{ name: 'web1', address: '192.168.1.16' }, { name: 'web2', address: '192.168.1.17' }],
};

async function answers(o: InitOptions): Promise<PromptAnswers> {
  const given = { vip: o.vip, port: o.port, directors: o.directors, linux: o.linux, windows: o.windows };
  if (!o.interactive) {
    // Real servers given for one kind only: the other kind is none (not the reference site's).
    const some = o.linux !== undefined || o.windows !== undefined;
    return {
      vip: given.vip ?? REFERENCE.vip,
      port: given.port ?? REFERENCE.port,
      directors: given.directors ?? REFERENCE.directors,
      linux: given.linux ?? (some ? [] : REFERENCE.linux),
      windows: given.windows ?? (some ? [] : REFERENCE.windows),
    };
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
  // lines are queued (typed ahead or pasted at once); end of input takes the defaults
  const lines = rl[Symbol.asyncIterator]();
  try {
    const ask = async (q: string, def: string): Promise<string> => {
      process.stderr.write(`${q} [${def}]: `);
      const r = await lines.next();
      return (r.done ? '' : String(r.value)).trim() || def;
    };
    const show = (l: readonly Host[]) => l.map((h) => `${h.name}=${h.address}`).join(',');
    const vip = given.vip ?? (await ask('VIP (the service address)', REFERENCE.vip));
    if (!isIPv4(vip)) throw usage(`VIP "${vip}" is not an IPv4 address`, 'e.g. 192.168.1.10');
    const port = given.port ?? Number(await ask('Service port', String(REFERENCE.port)));
    if (!isPort(port)) throw usage(`port "${port}" is not a port (1-65535)`, 'e.g. 80');
    const directors = given.directors ?? parseList('directors', await ask('Directors (NAME=ADDRESS,…)', show(REFERENCE.directors)), 'lvs');
    const none = (s: string) => (s === '-' ? '' : s);
    const linux = given.linux ?? parseList('linux', none(await ask('Linux real servers (none: -)', '-')), 'rs');
    const windows = given.windows ?? parseList('windows', none(await ask('Windows real servers (none: -)', show(REFERENCE.windows))), 'web');
    return { vip, port, directors, linux, windows };
  } finally {
    rl.close();
  }
}

async function files(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) out.push(...(await files(p)).map((f) => join(e.name, f)));
    else out.push(e.name);
  }
  return out;
}

/** Runs `lvs-play init`; returns the exit code. */
export async function initCommand(argv: readonly string[], interactive = Boolean(process.stdin.isTTY)): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) return process.stdout.write(`${INIT_USAGE}\n`), 0;
  const o = parseInitArgs(argv, interactive);
  const dir = resolve(o.dir);
  const { root: pkgRoot, json: own } = ownWithTemplates();

  let inventoryTs: string;
  let port = o.port ?? 80;
  if (o.fromAnsible) {
    const { spec, source } = await readInventorySpec(resolve(o.fromAnsible), process.cwd());
    checkGivenGroups(o.groups, Object.keys(spec.groups ?? {}), o.fromAnsible);
    checkRepresentable(spec, o.fromAnsible);
    const groups = siteGroupsFor(spec, o.groups, source);
    const hasVip = JSON.stringify(spec).includes('"vip"');
    if (!o.vip && !hasVip) throw usage(`${o.fromAnsible} sets no vip`, 'add --vip 192.168.1.10 (or a vip var in the inventory)');
    const adapted = adaptAnsibleSpec(spec, groups, { ...(o.vip ? { vip: o.vip } : {}), ...(o.port ? { port: o.port } : {}) });
    inventoryTs = inventorySource(adapted, `// Converted by \`lvs-play init --from-ansible\` from ${commentText(basename(source))}.\n// Group settings: directors=${commentText(groups.directors)}, Linux real servers=${commentText(groups.linux)}, Windows real servers=${commentText(groups.windows)}.`);
  } else {
    const a = await answers(o);
    port = a.port;
    inventoryTs = inventorySource(specFromAnswers(a), '// The site (`lvs-play init`). Passwords come from the environment (secret.env), never from this file.');
  }

  const template = join(pkgRoot, 'templates', 'init');
  const names = await files(template);
  const targets = names.map((f) => f.replace(/\.tmpl$/, '').replace(/(^|\/)_gitignore$/, '$1.gitignore'));
  const clash = targets.filter((f) => existsSync(join(dir, f))).concat(existsSync(join(dir, 'inventory', 'prod.ts')) ? ['inventory/prod.ts'] : []);
  if (clash.length > 0) throw usage(`${o.dir}: would overwrite ${[...new Set(clash)].join(', ')}`, 'run init in an empty or new directory');
  const dependency = await lvsPlayDependency(pkgRoot, own.version);
  const vars: Record<string, string> = {
    NAME: basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'lvs-site',
    LVS_PLAY_DEPENDENCY: JSON.stringify(dependency.spec).slice(1, -1), // inside a JSON string of package.json
    TYPESCRIPT_VERSION: own.devDependencies.typescript ?? '^5.9.0',
    VITEST_VERSION: own.devDependencies.vitest ?? '^4.1.0',
    TYPES_NODE_VERSION: own.devDependencies['@types/node'] ?? '^20.19.0',
    PORT: String(port),
    LB_ALGO: o.lbAlgo,
  };
  for (const [i, f] of names.entries()) {
    const text = (await readFile(join(template, f), 'utf8')).replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m);
    const target = join(dir, targets[i] as string);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, text);
  }
  await mkdir(join(dir, 'inventory'), { recursive: true });
  await writeFile(join(dir, 'inventory', 'prod.ts'), inventoryTs);
  const r = relative(process.cwd(), dir);
  const rel = r === '' ? '.' : r.startsWith('..') ? dir : r;
  process.stdout.write(
    `created ${rel}: ${[...targets, 'inventory/prod.ts'].sort().join(', ')}\n` +
      (dependency.from === 'local' ? `lvs-play ${own.version} is not on the npm registry: package.json depends on the package this init ran from (${dependency.spec})\n` : '') +
      `next: cd ${rel} && npm install && npx lvs-play playbooks/site.ts -i prod --list-hosts\n`,
  );
  return 0;
}

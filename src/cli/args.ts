import { parseArgs } from 'node:util';
import { LvsError } from '../errors.js';
import { forksOf, optionsOf } from './options.js';
import { parseShard, type Shard } from './shard.js';
import type { VaultSources } from './vault-passwords.js';
import { VAULT_OPTIONS, VAULT_USAGE, vaultSourcesOf } from './vault-options.js';
import { SSH_OPTIONS, sshOptionsOf } from './ssh-options.js';

export interface CliOptions {
  playbook: string;
  inventory: string;
  check: boolean;
  diff: boolean;
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  extraVars: string[];
  forks: number;
  listHosts: boolean;
  listTasks: boolean;
  json?: string;
  verbose: number;
  maxFailPercentage?: number;
  acceptNewHostKeys: boolean;
  /** --check --plan-out FILE: write a saved plan (docs/plans.md). */
  planOut?: string;
  /** --plan-key FILE: sign the saved plan with this key (HMAC-SHA256; else $LVS_PLAN_KEY). */
  planKey?: string;
  /** --shard K/N: this run's part of the selected hosts (src/cli/shard.ts). */
  shard?: Shard;
  /** --ssh-config FILE: read instead of ~/.ssh/config and /etc/ssh/ssh_config. */
  sshConfig?: string;
  /** --timeout N / -T N: ssh connect timeout (ms), below the inventory's ansible_timeout. */
  timeoutMs?: number;
  /** --detailed-exitcode (with --check): exit 7 when something would change (EXIT.changes). */
  detailedExitcode?: boolean;
  /** --junit FILE: also write the report as JUnit XML (src/run/junit.ts). */
  junit?: string;
  /** --vault-password-file, --vault-id, --ask-vault-pass (src/cli/vault-options.ts). */
  vault?: VaultSources;
}

export type Command =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'lab'; argv: string[] }
  | { kind: 'apply'; argv: string[] }
  | { kind: 'show'; argv: string[] }
  | { kind: 'status'; argv: string[] }
  | { kind: 'exporter'; argv: string[] }
  | { kind: 'drain'; argv: string[] }
  | { kind: 'undrain'; argv: string[] }
  | { kind: 'init'; argv: string[] }
  | { kind: 'render'; argv: string[] }
  | { kind: 'report'; argv: string[] }
  | { kind: 'vault'; argv: string[] }
  | { kind: 'run'; options: CliOptions };

export const USAGE = `Usage: lvs-play PLAYBOOK -i INVENTORY [options]
       lvs-play lab up [--fresh] [--directors netns|vm] [--realservers N] | lab down [--purge] | lab status
       lvs-play init [DIR] [--vip IP --directors LIST --linux LIST --windows LIST --port N | --from-ansible hosts.ini]
       lvs-play apply PLAN.json [--plan-key FILE] [--allow-stale] [--max-age 1h] | show PLAN.json [--json]   (docs/plans.md)
       lvs-play render PLAYBOOK -i INVENTORY [--limit P] [-e K=V] [--out DIR]   every file and setting each host would get (no connection)
       lvs-play report merge A.json B.json … [--json FILE]   (docs/scaling.md)
       lvs-play vault encrypt|decrypt|view|encrypt_string …   (ansible-vault's, docs/inventory.md)
       lvs-play status -i INVENTORY [--watch [N]] [--json FILE] [--serve [ADDR:PORT]] | drain HOST -i INVENTORY [--wait 60s] | undrain HOST -i INVENTORY   (docs/operate.md)
       lvs-play exporter -i INVENTORY [--listen 127.0.0.1:9469] [--interval 15s]   (Prometheus metrics, docs/operate.md)

Runs a typed TypeScript playbook against an inventory (TS file, or an Ansible INI/YAML inventory).

Options:
  -i, --inventory NAME|PATH   inventory: "prod" means inventory/prod.ts (.ts .js .yml .yaml .ini), or a path;
                              an executable is an inventory script (run with --list)
  -C, --check                 change nothing; report what a real run would change
  -D, --diff                  show unified diffs / before-after of changes (secrets redacted)
  -l, --limit PATTERN         further limit hosts (groups, hosts, globs, a:b, a:&b, a:!b)
  -t, --tags a,b              run only resources tagged so (role names are tags)
      --skip-tags a,b         skip resources tagged so
  -e, --extra-vars K=V|@FILE  extra vars, highest precedence (repeatable; JSON/YAML file with @)
  -f, --forks N               hosts running their tasks in parallel (default 10; every host connects
                              and makes its reads at once, up to 100)
      --shard K/N             run the K-th of N deterministic parts of the hosts (serial plays kept whole)
      --max-fail-percentage N stop a serial play when more than N% of a batch failed
      --ssh-config FILE       OpenSSH client config to read instead of ~/.ssh/config and /etc/ssh/ssh_config
  -T, --timeout N             ssh connect timeout in seconds (inventory ansible_timeout wins; default
                              ssh_config's ConnectTimeout, else 10)
      --accept-new-host-keys  record unknown SSH host keys (changed keys are always refused)
      --list-hosts            print the hosts each play would run on, then exit (no connection)
      --list-tasks            print each play's tasks per host, then exit (no connection)
      --json FILE             write the machine-readable report (format: docs/json-report.md)
      --plan-out FILE         with --check: save the plan, to review (lvs-play show) and apply (lvs-play apply)
      --plan-key FILE         sign the saved plan (HMAC-SHA256; or the key in $LVS_PLAN_KEY): apply checks it
      --detailed-exitcode     with --check: exit 7 when something would change (0: nothing would)
      --junit FILE            write a JUnit XML report: one test case per host and resource (docs/operate.md)
${VAULT_USAGE}
  -v, --verbose               also show how long each resource took (-vv: where each host's ssh
                              setting came from: inventory, ssh_config FILE:LINE, default)
  -h, --help                  this help
      --version               print the version

Exit codes: 0 ok (also --check with pending changes), 1 internal error, 2 a host failed,
3 a host was unreachable (and none failed), 4 playbook/inventory/vars/plan invalid, 5 bad options,
6 no host matched (the patterns and --limit select no host), 7 --check --detailed-exitcode: something
would change (and nothing failed), 99 interrupted (Ctrl-C).`;

function csv(v: string | undefined): string[] | undefined {
  return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean);
}

function usage(msg: string, fix: string): LvsError {
  return new LvsError('E_USAGE', msg, { file: 'command line', fix });
}

/** The commands that parse their own arguments (`lvs-play lab …`, `lvs-play apply …`): the first word names one. */
const SUBCOMMANDS = ['lab', 'report', 'apply', 'show', 'status', 'exporter', 'drain', 'undrain', 'init', 'render', 'vault'] as const;
type Subcommand = (typeof SUBCOMMANDS)[number];

/** A subcommand with the rest of the command line, or undefined when the first word names none (a playbook run). */
function subcommandOf(argv: readonly string[]): Command | undefined {
  const first = argv[0];
  if (!(SUBCOMMANDS as readonly (string | undefined)[]).includes(first)) return undefined;
  return { kind: first as Subcommand, argv: argv.slice(1) };
}

/** The options and positionals of a playbook run (unknown options refused by parseArgs). */
function parseRunArgv(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      ...optionsOf('inventory', 'check', 'diff', 'limit', 'tags', 'skip-tags', 'extra-vars', 'forks', 'max-fail-percentage', 'accept-new-host-keys'),
      ...optionsOf('list-hosts', 'list-tasks', 'json', 'plan-out', 'plan-key', 'detailed-exitcode', 'junit', 'shard', 'verbose', 'help', 'version'),
      ...SSH_OPTIONS,
      ...VAULT_OPTIONS,
    },
  });
}

/** The parsed options of a playbook run, as parseArgs types them. */
type RunValues = ReturnType<typeof parseRunArgv>['values'];

/** The one playbook and the inventory a run needs: a usage error when either is missing or more words follow. */
function runInputsOf(positionals: readonly string[], inventory: string | undefined): { playbook: string; inventory: string } {
  const [playbook, ...rest] = positionals;
  if (!playbook) throw usage('no playbook given', 'lvs-play PLAYBOOK -i INVENTORY (see --help)');
  if (rest.length) throw usage(`unexpected arguments: ${rest.join(' ')}`, 'one playbook per run; options start with -');
  if (!inventory) throw usage('no inventory given', 'add -i INVENTORY, e.g. -i lab or -i inventory/prod.ts');
  return { playbook, inventory };
}

/** --max-fail-percentage N: a number 0..100, or undefined when not given. */
function maxFailOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const maxFail = Number(value);
  if (!Number.isFinite(maxFail) || maxFail < 0 || maxFail > 100) throw usage(`--max-fail-percentage must be 0..100 (got ${value})`, 'e.g. --max-fail-percentage 25');
  return maxFail;
}

/** --plan-key needs --plan-out, and --plan-out needs --check (a saved plan is a check run's). */
function checkPlanOptions(values: RunValues): void {
  if (values['plan-key'] !== undefined && values['plan-out'] === undefined) throw usage('--plan-key needs --plan-out', 'lvs-play PLAYBOOK -i INV --check --plan-out plan.json --plan-key KEYFILE');
  if (values['plan-out'] !== undefined && !values.check) throw usage('--plan-out needs --check', 'lvs-play PLAYBOOK -i INV --check --plan-out plan.json, then lvs-play apply plan.json');
}

/** A playbook run's options, each checked (in the order the usage errors are reported). */
function runOptionsOf(playbook: string, inventory: string, values: RunValues): CliOptions {
  const forks = forksOf(values.forks, 'e.g. --forks 20');
  const maxFail = maxFailOf(values['max-fail-percentage']);
  checkPlanOptions(values);
  const ssh = sshOptionsOf(values);
  if (values['detailed-exitcode'] && !values.check) throw usage('--detailed-exitcode needs --check', 'lvs-play PLAYBOOK -i INV --check --detailed-exitcode (exit 7 = drift)');
  const tags = csv(values.tags);
  const skipTags = csv(values['skip-tags']);
  const vault = vaultSourcesOf(values);
  return {
    playbook,
    inventory,
    check: values.check ?? false,
    diff: values.diff ?? false,
    ...(values.limit ? { limit: values.limit } : {}),
    ...(tags ? { tags } : {}),
    ...(skipTags ? { skipTags } : {}),
    extraVars: values['extra-vars'] ?? [],
    forks,
    listHosts: values['list-hosts'] ?? false,
    listTasks: values['list-tasks'] ?? false,
    ...(values.json ? { json: values.json } : {}),
    verbose: values.verbose?.length ?? 0,
    ...(maxFail !== undefined ? { maxFailPercentage: maxFail } : {}),
    acceptNewHostKeys: values['accept-new-host-keys'] ?? false,
    ...(values['plan-out'] ? { planOut: values['plan-out'] } : {}),
    ...(values['plan-key'] !== undefined ? { planKey: values['plan-key'] } : {}),
    ...(values.shard !== undefined ? { shard: parseShard(values.shard) } : {}),
    ...ssh,
    ...(values['detailed-exitcode'] ? { detailedExitcode: true } : {}),
    ...(values.junit ? { junit: values.junit } : {}),
    ...(vault ? { vault } : {}),
  };
}

/** The command a command line asks for: a subcommand, --help, --version, or a playbook run with its checked options. */
export function parseCli(argv: readonly string[]): Command {
  const subcommand = subcommandOf(argv);
  if (subcommand) return subcommand;
  const { values, positionals } = parseRunArgv(argv);
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const { playbook, inventory } = runInputsOf(positionals, values.inventory);
  return { kind: 'run', options: runOptionsOf(playbook, inventory, values) };
}

/**
 * keepalived.conf on the host: rendered from the typed model (render.ts), validated with the
 * model's rules when the role is built (validate.ts), then checked on the host by keepalived itself
 * (`keepalived -t -l -f TMP`) before it replaces the live file — a config keepalived rejects never
 * goes live. A change notifies `reload keepalived` (SIGHUP through the init system: never a
 * restart, which would drop the VIPs) and then `keepalived health`.
 * auth_pass values are declared as the resource's secrets and redacted from the diff.
 */
import { type AnyResource, DRAINED_DIR, drainedListCommand, file, type Fact, parseDrainedList, type Resource, serviceAction } from 'lvs-play';
import { planFileContent, raw, sh, type FileChange, type FileState } from 'lvs-play/kit';
import type { KeepalivedConfig } from './model.js';
import { redactKeepalivedConf, renderKeepalivedConf } from './render.js';
import { validateKeepalived } from './validate.js';
import { keepalivedHealth, type HealthOptions } from './health.js';

export const DEFAULT_CONFIG_PATH = '/etc/keepalived/keepalived.conf';
export const RELOAD_HANDLER = 'reload keepalived';
export const HEALTH_HANDLER = 'keepalived health';

export interface ConfigSpec {
  config: unknown;
  path: string;
  binary: string;
  /** Playbook file, for validation messages. */
  file?: string;
  /** Field path of the config in that file, for validation messages. */
  field: string;
  /** Options of the health handler that runs after a reload. */
  health?: Omit<HealthOptions, 'binary'>;
}

/** Every auth_pass of a config (the resource's secrets). */
export function authSecrets(cfg: KeepalivedConfig): string[] {
  return [...new Set(cfg.vrrpInstances.flatMap((i) => (i.authentication ? [i.authentication.pass] : [])))];
}

/** The command that checks a candidate config on the host (non-zero exit = refused). */
function keepalivedCheckCommand(binary: string, path: string): ReturnType<typeof sh> {
  return sh`${binary} -t -l -f ${path}`;
}

/**
 * The config file resource plus its handlers. Throws ValidationErrors (every problem at once)
 * before any host is contacted when the config breaks the model's rules.
 */
export function keepalivedConfigResources(spec: ConfigSpec): ConfigResources {
  return validConfigResources(validateKeepalived(spec.config, { ...(spec.file ? { file: spec.file } : {}), field: spec.field }), spec);
}

export interface ConfigResources {
  resources: AnyResource[];
  handlers: Record<string, AnyResource>;
  config: KeepalivedConfig;
  text: string;
}

/**
 * The same for a config validateKeepalived or directorConfigs returned, unchanged since: not
 * validated again (a site's directors' configs hold every real server: docs/scaling.md).
 */
export function validConfigResources(cfg: KeepalivedConfig, spec: Omit<ConfigSpec, 'config' | 'field' | 'file'>): ConfigResources {
  const text = renderKeepalivedConf(cfg);
  const secrets = authSecrets(cfg);
  const inner = file({
    path: spec.path,
    content: text,
    mode: 0o640,
    owner: 'root',
    group: 'root',
    mkdirs: true,
    validate: (tmp) => keepalivedCheckCommand(spec.binary, tmp),
    notify: [RELOAD_HANDLER, HEALTH_HANDLER],
    secrets,
  });
  const conf = drainAware(inner, cfg, spec.path);
  const instances = cfg.vrrpInstances.map((i) => i.name);
  return {
    resources: [conf],
    handlers: {
      [RELOAD_HANDLER]: serviceAction({ name: 'keepalived', action: 'reload' }),
      [HEALTH_HANDLER]: keepalivedHealth({ binary: spec.binary, instances, ...spec.health }),
    },
    config: cfg,
    text,
  };
}

const DRAINED_MARK = '@@LVS-DRAINED';

interface ConfState {
  file: FileState;
  /** Real-server addresses recorded as drained on this director (`lvs-play drain`). */
  drained: string[];
}
type ConfChange = FileChange & { drained: string[] };

/**
 * The config file, except that real servers recorded as drained on the director (the site model's DRAINED_DIR,
 * written by `lvs-play drain`) keep weight 0 until `lvs-play undrain`: a site run during
 * maintenance does not put them back in service, and its output says so.
 */
function drainAware(inner: Resource<FileState, FileChange, 'posix'>, cfg: KeepalivedConfig, path: string): Resource<ConfState, ConfChange, 'posix'> {
  const fileRead = inner.read as Fact<FileState>;
  const addresses = new Set(cfg.virtualServers.flatMap((v) => v.realServers.map((r) => r.address)));
  const mine = (cur: ConfState) => cur.drained.filter((a) => addresses.has(a));
  const textFor = (drained: readonly string[]) =>
    renderKeepalivedConf({
      ...cfg,
      virtualServers: cfg.virtualServers.map((v) => ({ ...v, realServers: v.realServers.map((r) => (drained.includes(r.address) ? { ...r, weight: 0 } : r)) })),
    });
  const kept = (d: readonly string[]) => `${d.join(', ')} kept at weight 0: drained (lvs-play undrain restores it; record in ${DRAINED_DIR})`;
  const { fingerprint, ...rest } = inner;
  return {
    ...rest,
    ...(fingerprint ? { fingerprint: (cur: ConfState) => ({ file: fingerprint(cur.file), drained: mine(cur) }) } : {}),
    id: `keepalived config ${path}`,
    read: {
      command: sh`( ${raw(fileRead.command)}
); rc=$?; echo ${DRAINED_MARK}; ${raw(drainedListCommand())}; exit $rc`,
      parse(r) {
        const i = r.stdout.lastIndexOf(`${DRAINED_MARK}\n`);
        const head = i < 0 ? r.stdout : r.stdout.slice(0, i);
        const drained = i < 0 ? {} : parseDrainedList(r.stdout.slice(i + DRAINED_MARK.length + 1));
        return { file: fileRead.parse({ ...r, stdout: head }), drained: Object.keys(drained) };
      },
    },
    plan(cur) {
      const drained = mine(cur);
      const c = drained.length ? planFileContent(path, cur.file, Buffer.from(textFor(drained)), { mode: 0o640, owner: 'root', group: 'root' }) : inner.plan(cur.file);
      return c ? { ...c, drained } : null;
    },
    describe: (c) => `${inner.describe!(c)}${c.drained.length ? `; ${kept(c.drained)}` : ''}`,
    note: (cur) => (mine(cur).length ? `as wanted; ${kept(mine(cur))}` : undefined),
    diff(cur, c) {
      const d = inner.diff!(cur.file, c);
      return { ...d, before: redactKeepalivedConf(d.before), after: redactKeepalivedConf(d.after) };
    },
    apply: (t, c) => inner.apply(t, c),
  };
}

/**
 * keepalived.conf on the host: rendered from the typed model (render.ts), validated with the
 * model's rules when the role is built (validate.ts), then checked on the host by keepalived itself
 * (`keepalived -t -l -f TMP`) before it replaces the live file — a config keepalived rejects never
 * goes live. A change notifies `reload keepalived` (SIGHUP through the init system: never a
 * restart, which would drop the VIPs) and then `keepalived health`.
 * auth_pass values are declared as the resource's secrets and redacted from the diff.
 */
import { type AnyResource, file, type Resource, serviceAction } from 'lvs-play';
import { type FileChange, type FileState, sh } from 'lvs-play/kit';
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
export function keepalivedCheckCommand(binary: string, path: string): ReturnType<typeof sh> {
  return sh`${binary} -t -l -f ${path}`;
}

/**
 * The config file resource plus its handlers. Throws ValidationErrors (every problem at once)
 * before any host is contacted when the config breaks the model's rules.
 */
export function keepalivedConfigResources(spec: ConfigSpec): {
  resources: AnyResource[];
  handlers: Record<string, AnyResource>;
  config: KeepalivedConfig;
  text: string;
} {
  const cfg = validateKeepalived(spec.config, { ...(spec.file ? { file: spec.file } : {}), field: spec.field });
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
  const conf: Resource<FileState, FileChange, 'posix'> = {
    ...inner,
    id: `keepalived config ${spec.path}`,
    diff(cur, c) {
      const d = inner.diff!(cur, c);
      return { ...d, before: redactKeepalivedConf(d.before), after: redactKeepalivedConf(d.after) };
    },
  };
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

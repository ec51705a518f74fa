/**
 * The keepalived role's parts (build, config, service, health) and their option schemas. The
 * directors' plays (plays.ts) compose these; index.ts assembles the public `keepalived` object.
 */
import { hostPath, z } from 'lvs-play/kit';
import { defineRole, pkg, type RoleInstance, type RoleMeta } from 'lvs-play';
import { initService } from '../init-service/index.js';
import { DEFAULT_BUILD_LOG, DEFAULT_PREFIX, DEFAULT_SRC_DIR, binaryPath, keepalivedBuildResource } from './build.js';
import { DEFAULT_CONFIG_PATH, keepalivedConfigResources, validConfigResources } from './config.js';
import type { KeepalivedConfig } from './model.js';
import { healthCheckOptions, keepalivedHealth } from './health.js';

/** The kit's host path, in the characters keepalived.conf and the build script take as one word. */
const absPath = (what: string) => hostPath.refine((p) => /^\/[A-Za-z0-9_@%+=:,./-]*$/.test(p), `${what} must be an absolute path of letters, digits and _@%+=:,./-`);

/** The options of `keepalived.build`: version, source (tarball or url) and sha256 (exported as keepalivedBuildOptions). */
export const buildOptions = z
  .object({
    /** The version to build, e.g. '2.2.7' (compared with `keepalived --version`). */
    version: z.string().regex(/^\d+(\.\d+){1,3}$/, "version must look like '2.2.7'"),
    /** Tarball on the control node (relative: from the current directory). */
    tarball: z.string().min(1).optional(),
    /** Or a URL the host downloads (curl/wget) — sha256 still required. */
    url: z.string().regex(/^https?:\/\/\S+$/, 'url must be an http(s) URL').optional(),
    sha256: z.string().regex(/^[0-9a-fA-F]{64}$/, 'sha256 must be 64 hex digits (sha256sum FILE)').transform((s) => s.toLowerCase()).optional(),
    prefix: absPath('prefix').default(DEFAULT_PREFIX),
    configureArgs: z.array(z.string().regex(/^--[A-Za-z0-9-]+(=.*)?$/, 'configure arguments look like --enable-x or --with-y=z')
      .refine((a) => !/^--(prefix|sysconfdir)(=|$)/.test(a), 'set prefix with the prefix option; sysconfdir is /etc')).default([]),
    /** 'package': the distribution's keepalived package instead (binary /usr/sbin/keepalived). */
    install: z.enum(['source', 'package']).default('source'),
    /** Also install the ipset/iptables headers (keepalived's firewall features). */
    optionalDeps: z.boolean().default(false),
    srcDir: absPath('srcDir').default(DEFAULT_SRC_DIR),
    logFile: absPath('logFile').default(DEFAULT_BUILD_LOG),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.install === 'package') return;
    if ((o.tarball === undefined) === (o.url === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['tarball'], message: 'give exactly one of tarball (a local file) or url' });
    }
    if (o.sha256 === undefined) ctx.addIssue({ code: 'custom', path: ['sha256'], message: 'sha256 is required for a source build (sha256sum FILE)' });
  });

/** What `keepalived.build` takes (before defaults). */
export type KeepalivedBuildInput = z.input<typeof buildOptions>;

/** Where keepalived ends up for an install mode. */
export interface KeepalivedInstall {
  install: 'source' | 'package';
  prefix: string;
  binary: string;
}

/** Where keepalived's binary, config and unit live for an install kind and prefix. */
export function keepalivedPaths(o: { install?: 'source' | 'package'; prefix?: string } = {}): KeepalivedInstall {
  const install = o.install ?? 'source';
  const prefix = install === 'package' ? '/usr' : o.prefix ?? DEFAULT_PREFIX;
  return { install, prefix, binary: install === 'package' ? '/usr/sbin/keepalived' : binaryPath(prefix) };
}

const buildRole = defineRole({
  name: 'keepalived-build',
  options: buildOptions,
  build(o) {
    if (o.install === 'package') return { resources: [pkg({ names: ['keepalived'] })] };
    return {
      resources: [
        keepalivedBuildResource({
          version: o.version,
          source: o.tarball !== undefined ? { tarball: o.tarball } : { url: o.url ?? '' },
          sha256: o.sha256 ?? '',
          prefix: o.prefix,
          configureArgs: o.configureArgs,
          optionalDeps: o.optionalDeps,
          srcDir: o.srcDir,
          logFile: o.logFile,
        }),
      ],
    };
  },
});

/** keepalived built from source (or the package); the instance also says where the binary is. */
export function build(input: KeepalivedBuildInput, meta?: RoleMeta): RoleInstance & KeepalivedInstall {
  const inst = buildRole(input, meta);
  return Object.assign(inst, keepalivedPaths({ install: input.install ?? 'source', prefix: buildOptions.parse(input).prefix }));
}

export const configOptions = z
  .object({
    /** The config (model.ts); checked by validateKeepalived. */
    config: z.unknown(),
    path: absPath('path').default(DEFAULT_CONFIG_PATH),
    /** The keepalived binary that checks the file on the host (`-t`). */
    binary: absPath('binary').default(binaryPath(DEFAULT_PREFIX)),
    /** Playbook file, for validation messages. */
    file: z.string().optional(),
    /** The health handler run after a reload. */
    healthTimeoutSeconds: z.number().positive().max(600).default(20),
  })
  .strict();

/** keepalived.conf rendered from the model, checked with `keepalived -t`, reload on change. */
export const config = defineRole({
  name: 'keepalived-config',
  options: configOptions,
  build(o) {
    const built = keepalivedConfigResources({
      config: o.config,
      path: o.path,
      binary: o.binary,
      ...(o.file ? { file: o.file } : {}),
      field: 'keepalived.config(options).config',
      health: { timeoutSeconds: o.healthTimeoutSeconds },
    });
    return { resources: built.resources, handlers: built.handlers };
  },
});

/**
 * `config` for a config directorConfigs returned (validated there, never changed since): the same
 * role, without validating the config again. For the directors' plays (plays.ts), which hold them.
 */
export const validatedConfig = defineRole({
  name: 'keepalived-config',
  options: configOptions.extend({ config: z.custom<KeepalivedConfig>() }),
  build(o) {
    const built = validConfigResources(o.config, { path: o.path, binary: o.binary, health: { timeoutSeconds: o.healthTimeoutSeconds } });
    return { resources: built.resources, handlers: built.handlers };
  },
});

/** The health check's own options (health.ts), with the binary's default. */
export const healthOptions = healthCheckOptions.omit({ pidFile: true, dataFile: true }).extend({ binary: absPath('binary').default(binaryPath(DEFAULT_PREFIX)) });

/** Waits (bounded) until keepalived runs and its VRRP instances are MASTER or BACKUP. */
export const health = defineRole({
  name: 'keepalived-health',
  options: healthOptions,
  build: (o) => ({ resources: [keepalivedHealth(o)] }),
});

/** What `keepalived.service` takes: install kind, prefix, config path. */
export interface KeepalivedServiceInput {
  install?: 'source' | 'package';
  prefix?: string;
  configPath?: string;
  /** keepalived arguments (DAEMON_ARGS). Default ['-D'] (detailed log, as in the reference). */
  args?: string[];
  state?: 'started' | 'stopped';
  enabled?: boolean;
}

/** init-service with keepalived's defaults (config `-f`, `-t` before a reload, /run/keepalived.pid). */
export function service(o: KeepalivedServiceInput = {}, meta?: RoleMeta): RoleInstance {
  const p = keepalivedPaths(o);
  return initService(
    {
      name: 'keepalived',
      binary: p.binary,
      prefix: p.prefix,
      configPath: o.configPath ?? DEFAULT_CONFIG_PATH,
      configFlag: '-f',
      testArgs: ['-t'],
      args: o.args ?? ['-D'],
      pidFile: '/run/keepalived.pid',
      description: 'LVS and VRRP High Availability Monitor',
      installedBy: p.install,
      ...(o.state ? { state: o.state } : {}),
      ...(o.enabled !== undefined ? { enabled: o.enabled } : {}),
    },
    meta,
  );
}

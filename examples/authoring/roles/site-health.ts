/**
 * site-health: a role of OUR OWN (a repository outside lvs-play), written with the public kit only.
 * It installs /usr/local/sbin/site-health, a check that the web service answers on this host (for a
 * load balancer's MISC_CHECK or a monitoring agent), and runs it once when it changed.
 *
 *   - typed options: a zod schema built from the kit's `z` and shared schemas (port, absPath)
 *   - a fact with a pure parser: the script as it is on the host, and whether curl is there,
 *     read in the same round trip as every other fact of the host
 *   - the file goes through the kit's one write path: temp file → owner/mode → `sh -n` → backup → rename
 *   - a handler, notified when the script changes
 *   - OS gating: only on Debian-family hosts (elsewhere: ok, nothing done)
 */
import { command, defineResource, defineRole, sh, shJoin, type Fact, type Resource } from 'lvs-play';
import {
  absPath,
  applyFileChange,
  checkFactResult,
  describeFileChange,
  fileDiff,
  fileFactScript,
  kv,
  onDebian,
  onlyOn,
  parseFileState,
  parseKv,
  planFileContent,
  port,
  z,
  type FileChange,
  type FileState,
} from 'lvs-play/kit';

export const siteHealthOptions = z
  .object({
    /** The port the local web service listens on. */
    port: port.default(80),
    /** Where the check goes. */
    path: absPath.default('/usr/local/sbin/site-health'),
    /** How long one check may take. */
    timeoutSeconds: z.number().int().min(1).max(30).default(2),
  })
  .strict();

export type SiteHealthInput = z.input<typeof siteHealthOptions>;
export type SiteHealthOptions = z.output<typeof siteHealthOptions>;

/** What the host has: the script's file state, and whether curl is installed. */
export interface ScriptState {
  file: FileState;
  curl: boolean;
}

/** The fact: one shell command, and a pure parser of its output (`key=value` lines). */
export function scriptFact(path: string): Fact<ScriptState> {
  return {
    command: shJoin([fileFactScript(path), sh`if command -v curl >/dev/null; then echo curl=1; else echo curl=0; fi`], '\n'),
    parse(r) {
      checkFactResult(`site-health ${path}`, r);
      const m = parseKv(r.stdout);
      return { file: parseFileState(m, path), curl: kv(m, 'curl') === '1' };
    },
  };
}

/** The script's text: every value comes from validated options (a port number, an integer). */
export function scriptText(o: SiteHealthOptions): string {
  return [
    '#!/bin/sh',
    '# site-health: does the web service answer on this host? (written by lvs-play, role site-health)',
    `exec curl -fsS -o /dev/null --max-time ${o.timeoutSeconds} http://127.0.0.1:${o.port}/`,
    '',
  ].join('\n');
}

export const HANDLER = 'site-health first check';

export function healthScript(o: SiteHealthOptions): Resource<ScriptState, FileChange, 'posix'> {
  const content = Buffer.from(scriptText(o));
  const attrs = { mode: 0o755, owner: 'root', group: 'root' };
  return defineResource({
    id: `site-health ${o.path}`,
    kind: 'site-health',
    shell: 'posix',
    read: scriptFact(o.path),
    plan(cur) {
      if (!cur.curl) throw new Error('curl is not installed: site-health needs it (apt-get install curl)');
      return planFileContent(o.path, cur.file, content, attrs);
    },
    describe: describeFileChange,
    diff: (cur, change) => fileDiff(cur.file, change),
    apply: (t, change) => applyFileChange(t, change, { ...attrs, validate: (tmp) => sh`sh -n ${tmp}`, backup: true }),
    notify: [HANDLER],
  });
}

export const siteHealth = defineRole({
  name: 'site-health',
  options: siteHealthOptions,
  build(o) {
    return {
      resources: [onlyOn(onDebian, healthScript(o))],
      handlers: {
        // the service may not answer yet (a fresh host): say so, do not fail the run
        [HANDLER]: command({ name: HANDLER, cmd: sh`${o.path} && echo answering || echo 'not answering yet'` }),
      },
    };
  },
});

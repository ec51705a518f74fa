/** `command`: runs a shell command; idempotent only through its guards (like Ansible's). */
import { defineResource } from '../dsl/resource.js';
import { raw, sh } from '../shell/quote.js';
import type { Fact, Resource, ShellCommand } from '../types.js';
import { z } from 'zod';
import { checkFactResult, kv, metaOf, parseKv, redact, runOk, type Meta } from './common.js';
import { hostPath, metaShape, parseOptions, shellCommand } from './options.js';

/** The options of `command()`. */
export interface CommandOptions extends Meta {
  /** Shown instead of the command line (id and messages). */
  name?: string;
  cmd: ShellCommand;
  /** Skip when this path exists. */
  creates?: string;
  /** Skip unless this path exists. */
  removes?: string;
  /** Skip when this command exits 0 (it must not change anything: check mode runs it too). */
  unless?: ShellCommand;
  /** Skip unless this command exits 0 (runs in check mode too). */
  onlyIf?: ShellCommand;
  /** Text written to the command's stdin. */
  stdin?: string | Buffer;
}

const commandOptions = z.object({
  ...metaShape,
  name: z.string().min(1, "a non-empty name, e.g. name: 'reload units'").optional(),
  cmd: shellCommand,
  creates: hostPath.optional(),
  removes: hostPath.optional(),
  unless: shellCommand.optional(),
  onlyIf: shellCommand.optional(),
  stdin: z.union([z.string(), z.instanceof(Buffer)], { errorMap: () => ({ message: "a string or a Buffer, e.g. stdin: 'y\\n'" }) }).optional(),
});

/** What a command's guards found on the host. */
export interface CommandGuards {
  creates?: boolean;
  removes?: boolean;
  unless?: number;
  onlyIf?: number;
}

/** What a command resource will do: run its command. */
export interface CommandChange {
  /** Why it runs: 'no guard', 'PATH missing', … */
  because: string;
}

/** The fact evaluating the guards (each guard's stdout/stderr is discarded). */
export function guardFact(g: { creates?: string; removes?: string; unless?: ShellCommand; onlyIf?: ShellCommand }): Fact<CommandGuards> {
  const lines: ShellCommand[] = [];
  if (g.creates !== undefined) lines.push(sh`if [ -e ${g.creates} ] || [ -L ${g.creates} ]; then echo creates=1; else echo creates=0; fi`);
  if (g.removes !== undefined) lines.push(sh`if [ -e ${g.removes} ] || [ -L ${g.removes} ]; then echo removes=1; else echo removes=0; fi`);
  if (g.unless !== undefined) lines.push(sh`( ${raw(g.unless)}
) >/dev/null 2>&1 </dev/null; echo unless=$?`);
  if (g.onlyIf !== undefined) lines.push(sh`( ${raw(g.onlyIf)}
) >/dev/null 2>&1 </dev/null; echo onlyif=$?`);
  return {
    command: (lines.length ? lines.join('\n') : ':') as ShellCommand,
    parse(r) {
      checkFactResult('command guards', r);
      const m = parseKv(r.stdout);
      const out: CommandGuards = {};
      const flag = (k: string): boolean | undefined => (kv(m, k) === undefined ? undefined : kv(m, k) === '1');
      const code = (k: string): number | undefined => (kv(m, k) === undefined ? undefined : Number(kv(m, k)));
      const creates = flag('creates');
      const removes = flag('removes');
      const unless = code('unless');
      const onlyIf = code('onlyif');
      if (creates !== undefined) out.creates = creates;
      if (removes !== undefined) out.removes = removes;
      if (unless !== undefined) out.unless = unless;
      if (onlyIf !== undefined) out.onlyIf = onlyIf;
      return out;
    },
  };
}

/** Plans from the guards: null when a guard says the command is not needed. */
export function planCommand(o: { creates?: string; removes?: string; unless?: ShellCommand; onlyIf?: ShellCommand }, g: CommandGuards): CommandChange | null {
  if (o.creates !== undefined && g.creates) return null;
  if (o.removes !== undefined && g.removes === false) return null;
  if (o.unless !== undefined && g.unless === 0) return null;
  if (o.onlyIf !== undefined && g.onlyIf !== 0) return null;
  const why: string[] = [];
  if (o.creates !== undefined) why.push(`${o.creates} missing`);
  if (o.removes !== undefined) why.push(`${o.removes} exists`);
  if (o.unless !== undefined) why.push(`unless-check exit ${g.unless ?? '?'}`);
  if (o.onlyIf !== undefined) why.push('only-if check passed');
  return { because: why.length ? why.join(', ') : 'no guard' };
}

/** The guards as a reviewer reads them: `unless: [ -d /proc/sys/net/ipv4/vs ]`. */
function guardText(g: { creates?: string | undefined; removes?: string | undefined; unless?: ShellCommand | undefined; onlyIf?: ShellCommand | undefined }): string {
  return [
    g.creates !== undefined ? `unless ${g.creates} exists` : '',
    g.removes !== undefined ? `only if ${g.removes} exists` : '',
    g.unless !== undefined ? `unless: ${g.unless}` : '',
    g.onlyIf !== undefined ? `only if: ${g.onlyIf}` : '',
  ].filter(Boolean).join('; ');
}

/** A command run on the host, guarded (creates, removes, unless, onlyIf) so a run stays idempotent. */
export function command(o: CommandOptions): Resource<CommandGuards, CommandChange, 'posix'> {
  const kind = 'command';
  const { cmd, creates, removes, unless, onlyIf } = parseOptions(kind, commandOptions, o, 'command({ cmd: sh`…` })');
  const guards = { creates, removes, unless, onlyIf };
  const secrets = o.secrets;
  const shown = o.name ?? redact(cmd.length > 80 ? `${cmd.slice(0, 77)}...` : cmd, secrets);
  const hasGuard = Object.values(guards).some((v) => v !== undefined);
  return defineResource<CommandGuards, CommandChange>({
    ...metaOf(o),
    id: `command ${shown}`,
    kind,
    shell: 'posix',
    // no guard: nothing to read, no round trip
    read: hasGuard ? guardFact(guards) : async () => ({}),
    plan: (g) => planCommand(guards, g),
    describe: (c) => `run ${shown} (${c.because})`,
    desired: () => ({ settings: [`runs: ${redact(cmd, secrets)}${hasGuard ? ` (${guardText(guards)})` : ''}`] }),
    diff: (_g, c) => ({ before: `(not run: ${c.because})\n`, after: `${redact(`$ ${cmd}`, secrets)}\n`, label: `command ${shown}` }),
    async apply(t, _c) {
      await runOk(t, cmd, `command ${shown}`, secrets, o.stdin === undefined ? {} : { stdin: o.stdin });
    },
    verify: false,
  });
}

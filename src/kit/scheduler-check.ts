/**
 * A director has the kernel module of an IPVS scheduler (`ip_vs_lblcr` …): loaded, built into the
 * kernel, or loadable (`modprobe -n`). A probe: it changes nothing, and a missing module fails the
 * host with an error naming the module, before keepalived is told to use the scheduler (keepalived
 * would otherwise log the failed virtual server and leave the service unbalanced).
 */
import { defineResource } from '../dsl/resource.js';
import type { Fact, Resource } from '../types.js';
import { checkFactResult, kv, parseKv } from '../resources/common.js';
import { sh } from '../shell/quote.js';
import { schedulerModule, type SchedulerName } from './schedulers.js';

/** Where the module was found, or `missing`. */
export type SchedulerModuleState = 'loaded' | 'builtin' | 'loadable' | 'missing';

/** The fact: /proc/modules, the kernel's modules.builtin, then `modprobe -n`. */
export function schedulerFact(name: SchedulerName): Fact<SchedulerModuleState> {
  const mod = schedulerModule(name);
  return {
    command: sh`m=${mod}; b=/lib/modules/$(uname -r)/modules.builtin
if grep -q "^$m " /proc/modules 2>/dev/null; then echo state=loaded
elif [ -r "$b" ] && grep -q "/$m\\.ko" "$b"; then echo state=builtin
elif command -v modprobe >/dev/null 2>&1 && modprobe -n -q "$m" 2>/dev/null; then echo state=loadable
else echo state=missing; fi`,
    parse: (r) => parseSchedulerState(name, r.stdout, r),
  };
}

/** Parses the fact's `state=…` line. */
export function parseSchedulerState(name: SchedulerName, stdout: string, r: { code: number | null; stdout: string; stderr: string } = { code: 0, stdout, stderr: '' }): SchedulerModuleState {
  checkFactResult(`kernel module ${schedulerModule(name)}`, r);
  const s = kv(parseKv(stdout), 'state');
  if (s === 'loaded' || s === 'builtin' || s === 'loadable' || s === 'missing') return s;
  throw new Error(`reading kernel module ${schedulerModule(name)}: unexpected output ${JSON.stringify(stdout.trim())}`);
}

/** The message of a missing module. */
export function missingSchedulerMessage(name: SchedulerName): string {
  const mod = schedulerModule(name);
  return `the kernel has no IPVS scheduler ${name}: module ${mod} is not loaded, not built in, and modprobe -n ${mod} fails; install the kernel's IPVS modules or choose another lb_algo`;
}

/** The probe: `ipvs scheduler NAME` fails the host when the module is missing. */
export function schedulerCheck(name: SchedulerName): Resource<SchedulerModuleState, 'missing', 'posix'> {
  const mod = schedulerModule(name);
  return defineResource<SchedulerModuleState, 'missing'>({
    id: `ipvs scheduler ${name} (${mod})`,
    kind: 'ipvs-scheduler',
    shell: 'posix',
    probe: true,
    read: schedulerFact(name),
    plan: (cur) => (cur === 'missing' ? 'missing' : null),
    describe: () => missingSchedulerMessage(name),
    note: (cur) => `${mod} ${cur}`,
    desired: () => ({ settings: [`kernel module ${mod}: loaded, built in or loadable (checked, not changed)`] }),
    apply: async () => {
      throw new Error(missingSchedulerMessage(name));
    },
  });
}

/**
 * The ipvsadm role's resources: the live IPVS table (read with `ipvsadm -S -n`, changed with the
 * smallest -A/-E/-D/-a/-e/-d list from reconcile.ts) and its persistence where the distro
 * restores it at boot (Debian /etc/ipvsadm.rules + AUTO="true"; RHEL /etc/sysconfig/ipvsadm +
 * ipvsadm.service enabled).
 *
 * A kernel without IPVS (no /proc/net/ip_vs and no loadable ip_vs, like the netns lab) is read as
 * an empty table, and the plan says so; applying then fails with a clear error.
 */
import { defineResource, type Diff, type Fact, type Resource, type ShellCommand } from 'lvs-play';
import { applyFileSet, b64, checkFactResult, describeFileSet, editLines, fileSetDiff, fileSetScript, type FileSetChange, kv, osFactScript, type OsFamily, parseFileSet, parseKv, parseOsFacts, planFileSet, raw, runOk, sh, tail } from 'lvs-play/kit';
import { normaliseServices, serviceKey, type VirtualService } from './model.js';
import { applyThresholds, parseIpvsadmSave } from './parse.js';
import { describeEdit, editToArgv, reconcile, renderRules, type IpvsEdit } from './reconcile.js';

/** loaded: /proc/net/ip_vs exists; loadable: `modprobe -n ip_vs` finds it; missing: neither. */
export type IpvsAvailability = 'loaded' | 'loadable' | 'missing';

export interface IpvsState {
  ipvs: IpvsAvailability;
  /** ipvsadm is installed. */
  tool: boolean;
  /** The live table (empty when IPVS or ipvsadm is missing). */
  services: VirtualService[];
}

export interface IpvsChange {
  edits: IpvsEdit[];
  /** The exact ipvsadm argv of each edit (program name left out). */
  argv: string[][];
  /** Why the table was planned from empty, when it was. */
  note?: string;
}

/** Shell text printing ipvs=, tool= and (when both are there) table= (base64 of `ipvsadm -S -n`). */
function tableScript(thresholds: boolean): ReturnType<typeof sh> {
  const thr = thresholds ? sh`printf 'thresholds='; ipvsadm -L -n --thresholds | base64 -w0 || exit 1; echo` : sh`:`;
  return sh`if command -v ipvsadm >/dev/null 2>&1; then echo tool=1; else echo tool=0; fi
if [ -e /proc/net/ip_vs ]; then echo ipvs=loaded
elif command -v modprobe >/dev/null 2>&1 && modprobe -n -q ip_vs 2>/dev/null; then echo ipvs=loadable
else echo ipvs=missing; fi
if [ -e /proc/net/ip_vs ] && command -v ipvsadm >/dev/null 2>&1; then
  t=$(ipvsadm -S -n) || exit 1
  printf 'table='; printf '%s\n' "$t" | base64 -w0; echo
  ${raw(thr)}
fi`;
}

/** Parses the key=value lines of `tableScript` (exported for fixture tests). */
export function parseIpvsState(m: Map<string, string[]>): IpvsState {
  const ipvs = (kv(m, 'ipvs') ?? 'missing') as IpvsAvailability;
  const tool = kv(m, 'tool') === '1';
  const table = kv(m, 'table');
  let services = table === undefined ? [] : parseIpvsadmSave(b64(table).toString('utf8'));
  const thr = kv(m, 'thresholds');
  if (thr !== undefined) services = applyThresholds(services, b64(thr).toString('utf8'));
  return { ipvs, tool, services };
}

export function ipvsFact(thresholds: boolean): Fact<IpvsState> {
  return {
    command: tableScript(thresholds),
    parse(r) {
      checkFactResult('the IPVS table (ipvsadm -S -n)', r);
      return parseIpvsState(parseKv(r.stdout));
    },
  };
}

/** Why the plan starts from an empty table, if it does. */
export function emptyTableNote(cur: IpvsState): string | undefined {
  if (cur.ipvs === 'missing') {
    return 'the kernel lacks IPVS (/proc/net/ip_vs is missing and no ip_vs module can be loaded): planned from an empty table; applying will fail';
  }
  if (cur.ipvs === 'loadable') return 'ip_vs is not loaded yet: planned from an empty table (apply loads it with modprobe ip_vs)';
  if (!cur.tool) return 'ipvsadm is not installed yet: planned from an empty table';
  return undefined;
}

/** The pure plan: the smallest edit list and its argv. */
export function planIpvs(desired: readonly VirtualService[], purge: boolean, cur: IpvsState): IpvsChange | null {
  const edits = reconcile(cur.services, desired, { purge });
  if (edits.length === 0) return null;
  const note = emptyTableNote(cur);
  return { edits, argv: edits.map(editToArgv), ...(note ? { note } : {}) };
}

/** The table once the edits are made: the desired services, plus unmanaged ones unless purged. */
export function tableAfter(current: readonly VirtualService[], desired: readonly VirtualService[], purge: boolean): VirtualService[] {
  if (purge) return normaliseServices(desired);
  const managed = new Set(normaliseServices(desired).map(serviceKey));
  return normaliseServices([...current.filter((s) => !managed.has(serviceKey(s))), ...desired]);
}

export function describeIpvs(c: IpvsChange): string {
  const edits = c.edits.map(describeEdit).join('; ');
  return `${c.note ? `${c.note}; ` : ''}${c.edits.length} edit(s): ${edits}`;
}

/** The error when IPVS cannot be used on the host. */
function noIpvsError(detail: string): Error {
  return new Error(
    `IPVS is not available in this kernel: /proc/net/ip_vs is missing and \`modprobe ip_vs\` failed${detail ? ` (${detail})` : ''}. ` +
      'A director needs a kernel with CONFIG_IP_VS (the netns lab has none; use the VM lab, or manage: "install-only")',
  );
}

/** Thresholds are not in `ipvsadm -S -n`: reading them takes a second command, only when used. */
function usesThresholds(desired: readonly VirtualService[]): boolean {
  return desired.some((s) => s.realServers.some((r) => r.upperThreshold || r.lowerThreshold));
}

export function ipvsTable(desired: readonly VirtualService[], purge: boolean): Resource<IpvsState, IpvsChange, 'posix'> {
  const thresholds = usesThresholds(desired);
  return defineResource<IpvsState, IpvsChange>({
    id: 'ipvs table',
    kind: 'ipvs-table',
    shell: 'posix',
    read: ipvsFact(thresholds),
    plan: (cur) => planIpvs(desired, purge, cur),
    describe: describeIpvs,
    desired: () => ({ settings: [`IPVS table${purge ? ' (exactly)' : ' (at least)'}:`, ...renderRules(desired).split('\n').filter(Boolean).map((l) => `  ${l}`)] }),
    diff: (cur): Diff => ({
      before: renderRules(cur.services),
      after: renderRules(tableAfter(cur.services, desired, purge)),
      label: 'ipvsadm -S -n',
    }),
    async apply(t, c) {
      const probe = await t.run(sh`[ -e /proc/net/ip_vs ] || modprobe ip_vs`);
      if (probe.code !== 0) throw noIpvsError(tail(probe.stderr, 2));
      const tool = await t.run(sh`command -v ipvsadm`);
      if (tool.code !== 0) throw new Error('ipvsadm is not installed (the ipvsadm role installs it unless installPackage: false)');
      for (const argv of c.argv) await runOk(t, sh`ipvsadm ${argv}`, `ipvsadm ${argv.join(' ')}`);
    },
  });
}

// ───────────────────────────── persistence ─────────────────────────────

export const IPVSADM_FILES = {
  debianRules: '/etc/ipvsadm.rules',
  debianDefault: '/etc/default/ipvsadm',
  rhelRules: '/etc/sysconfig/ipvsadm',
} as const;

export interface PersistState {
  family: OsFamily;
  systemd: boolean;
  ipvs: IpvsState;
  files: Record<string, string>;
  /** `systemctl is-enabled ipvsadm` (RHEL), or chkconfig's answer: true/false/null (unknown). */
  enabled: boolean | null;
}

export interface PersistChange extends FileSetChange {
  /** Enable ipvsadm.service (RHEL). */
  enable?: 'systemctl' | 'chkconfig';
}

/** /etc/default/ipvsadm is sourced by the init script: `sh -n` checks it before it goes live. */
const shSyntax = (tmp: string): ShellCommand => sh`sh -n ${tmp}`;

export function persistFact(thresholds: boolean): Fact<PersistState> {
  const paths = Object.values(IPVSADM_FILES);
  return {
    command: sh`${raw(osFactScript)}
${raw(fileSetScript(paths))}
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  case "$(systemctl is-enabled ipvsadm 2>/dev/null)" in enabled) echo enabled=1;; *) echo enabled=0;; esac
elif command -v chkconfig >/dev/null 2>&1; then
  if chkconfig ipvsadm >/dev/null 2>&1; then echo enabled=1; else echo enabled=0; fi
fi
${raw(tableScript(thresholds))}`,
    parse(r) {
      checkFactResult('ipvsadm persistence', r);
      const m = parseKv(r.stdout);
      const os = parseOsFacts(m);
      const files = parseFileSet(m.get('file'));
      const en = kv(m, 'enabled');
      return { family: os.family, systemd: os.systemd, ipvs: parseIpvsState(m), files, enabled: en === undefined ? null : en === '1' };
    },
  };
}

/** The pure plan: rules file with the table as it will be, and the boot switch on. */
export function planIpvsPersist(desired: readonly VirtualService[], purge: boolean, cur: PersistState): PersistChange | null {
  const rules = renderRules(tableAfter(cur.ipvs.services, desired, purge));
  if (cur.family === 'debian') {
    const old = cur.files[IPVSADM_FILES.debianDefault] ?? '# ipvsadm (managed by lvs-play: AUTO restores /etc/ipvsadm.rules at boot)\nDAEMON="none"\n';
    const edit = editLines(old, { line: 'AUTO="true"', regexp: /^\s*AUTO=/, state: 'present', insertAfter: 'EOF' });
    return planFileSet(cur.files, [
      { path: IPVSADM_FILES.debianRules, content: rules, mode: 0o644 },
      { path: IPVSADM_FILES.debianDefault, content: edit.content ?? old, mode: 0o644, validate: shSyntax },
    ]);
  }
  if (cur.family === 'rhel') {
    const files = planFileSet(cur.files, [{ path: IPVSADM_FILES.rhelRules, content: rules, mode: 0o600 }]);
    const enable = cur.enabled === true ? undefined : cur.systemd ? 'systemctl' : 'chkconfig';
    return files || enable ? { write: files?.write ?? [], remove: [], ...(enable ? { enable } : {}) } : null;
  }
  throw new Error('unknown OS family: cannot tell where the IPVS table is restored at boot; set persist: false');
}

export function ipvsPersist(desired: readonly VirtualService[], purge: boolean): Resource<PersistState, PersistChange, 'posix'> {
  const thresholds = usesThresholds(desired);
  return defineResource<PersistState, PersistChange>({
    id: 'ipvs table saved for boot',
    kind: 'ipvs-persist',
    shell: 'posix',
    read: persistFact(thresholds),
    plan: (cur) => planIpvsPersist(desired, purge, cur),
    describe: (c) => [describeFileSet(c), ...(c.enable ? ['enable ipvsadm.service'] : [])].filter(Boolean).join(', '),
    desired: () => ({ settings: ['the IPVS table above saved for boot (ipvsadm rules file; ipvsadm.service enabled)'] }),
    diff: (cur, c) => {
      const d = fileSetDiff(cur.files, c, 'ipvsadm persistence');
      return { ...d, after: d.after + (c.enable ? 'ipvsadm.service: enabled\n' : '') };
    },
    async apply(t, c) {
      await applyFileSet(t, c);
      if (c.enable === 'systemctl') await runOk(t, sh`systemctl enable ipvsadm`, 'systemctl enable ipvsadm');
      if (c.enable === 'chkconfig') await runOk(t, sh`chkconfig ipvsadm on`, 'chkconfig ipvsadm on');
    },
  });
}

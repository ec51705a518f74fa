// The commands the bench measures: lvs-play, ansible-playbook and the floor, on one INI inventory.
import { join } from 'node:path';
import { labPaths } from '../src/lab/index.js';
import type { LabHost } from '../src/lab/index.js';

export type Tool = 'lvs-play' | 'ansible' | 'floor';
export type Mode = 'first' | 'nochange' | 'check';

export const ROOT = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
export const VIP = '10.77.0.10';
/** The CLI measured: this checkout's build, or $LVS_BENCH_CLI (another build's main.js, for a before/after). */
export const CLI = process.env.LVS_BENCH_CLI ?? join(ROOT, 'dist/src/cli/main.js');

/** The one inventory both tools read (Ansible INI). */
export function iniInventory(hosts: readonly LabHost[]): string {
  const lines = ['# Written by bench/run.ts: the bench hosts, for ansible-playbook and lvs-play alike.', '[bench]'];
  for (const h of hosts) lines.push(`${h.name} ansible_host=${h.address} weight=${Number(h.vars['weight'] ?? 1)}`);
  lines.push(
    '',
    '[all:vars]',
    'ansible_user=root',
    `ansible_ssh_private_key_file=${labPaths.key()}`,
    `ansible_ssh_common_args='-o UserKnownHostsFile=${labPaths.knownHosts()} -o StrictHostKeyChecking=yes'`,
    'ansible_python_interpreter=/usr/bin/python3',
    `vip=${VIP}`,
    '',
  );
  return lines.join('\n');
}

/** Ansible as a user tuning it for speed would run it: forks = hosts, pipelining, ControlPersist, no facts. */
export function ansibleEnv(forks: number, controlDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ANSIBLE_FORKS: String(forks),
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_SSH_ARGS: '-C -o ControlMaster=auto -o ControlPersist=60s',
    ANSIBLE_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_GATHERING: 'explicit',
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_LOCAL_TEMP: join(controlDir, 'tmp'),
    ANSIBLE_NOCOLOR: '1',
  };
}

export function toolArgv(tool: Exclude<Tool, 'floor'>, mode: Mode, ini: string): string[] {
  const check = mode === 'check' ? ['--check'] : [];
  if (tool === 'ansible') return ['ansible-playbook', '-i', ini, join(ROOT, 'bench/job.yml'), ...check];
  return ['node', CLI, join(ROOT, 'bench/job.ts'), '-i', ini, ...check];
}

/** The job's reads, as one shell command (what the floor runs on every host). */
export function floorCommand(): string {
  return [
    'sysctl -n net.ipv4.ip_forward net.ipv4.conf.all.send_redirects net.ipv4.conf.default.send_redirects',
    'cat /etc/sysctl.d/90-bench-director.conf',
    `iptables -C INPUT -d ${VIP}/32 -p tcp -m tcp --dport 80 -m comment --comment bench-http -j ACCEPT; echo $?`,
    'iptables -C INPUT -p vrrp -m comment --comment bench-vrrp -j ACCEPT; echo $?',
    "stat -c '%n %a %U %G %s' /etc/bench /etc/bench/keepalived.conf /etc/bench/motd /etc/bench/bench.conf",
    'cat /etc/bench/keepalived.conf /etc/bench/motd /etc/bench/bench.conf',
  ].join('; ') + ' 2>&1';
}

/** N parallel OpenSSH sessions (curve25519 key exchange), one command each: the floor. */
export function floorArgv(hosts: readonly LabHost[]): string[] {
  const ssh = `ssh -i ${labPaths.key()} -o UserKnownHostsFile=${labPaths.knownHosts()} -o StrictHostKeyChecking=yes -o BatchMode=yes ` +
    '-o KexAlgorithms=curve25519-sha256 -o ControlMaster=no -o ControlPath=none';
  const script = `cmd=$1; shift; fail=0; pids=; for a; do ${ssh} root@"$a" "$cmd" >/dev/null </dev/null & pids="$pids $!"; done; ` +
    'for j in $pids; do wait "$j" || fail=1; done; exit $fail';
  return ['sh', '-c', script, 'floor', floorCommand(), ...hosts.map((h) => h.address)];
}

/** Back to the state before the job (for "first converge"), run inside each host (no ssh). */
export function resetScript(): string {
  return [
    'rm -rf /etc/bench /etc/sysctl.d/90-bench-director.conf',
    `while iptables -D INPUT -d ${VIP}/32 -p tcp -m tcp --dport 80 -m comment --comment bench-http -j ACCEPT 2>/dev/null; do :; done`,
    'while iptables -D INPUT -p vrrp -m comment --comment bench-vrrp -j ACCEPT 2>/dev/null; do :; done',
    'sysctl -qw net.ipv4.ip_forward=0 net.ipv4.conf.all.send_redirects=1 net.ipv4.conf.default.send_redirects=1',
  ].join('\n');
}

/** Runs a bench script's main: exit 0 once it is done, else its error on stderr (with the stack unless `stack: false`) and exit 1. */
export function runMain(main: () => Promise<unknown>, o: { stack?: boolean } = {}): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (o.stack === false ? e.message : (e.stack ?? e.message)) : String(e)}\n`);
      process.exit(1);
    },
  );
}

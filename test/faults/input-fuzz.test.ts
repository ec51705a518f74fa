/**
 * Property-based bad input (fast-check): values full of shell and PowerShell metacharacters
 * (`;`, `$()`, backticks, quotes, `%`, newlines, NUL, unicode, long strings) with canary commands
 * embedded. Each value is rejected with a clear message or reaches the host byte-exact; the canary
 * never runs (checked on the lab hosts: rs1 under bash, win1 under pwsh).
 *
 * Cases are batched: many values per round trip (one script per batch), so 10 000+ cases take
 * well under a minute of host time.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeConnector } from '../../src/cli/connect.js';
import { loadInventory } from '../../src/inventory/load.js';
import { builtinInventory } from '../../src/cli/builtin-inventory.js';
import { SecretResolver } from '../../src/inventory/secret.js';
import { converge } from '../../src/run/converge.js';
import { directory } from '../../src/resources/directory.js';
import { file } from '../../src/resources/file.js';
import { lineInFile } from '../../src/resources/lineinfile.js';
import { symlink } from '../../src/resources/symlink.js';
import { Redactor } from '../../src/run/redact.js';
import { quotePowerShell } from '../../src/shell/powershell.js';
import { quote, sh } from '../../src/shell/quote.js';
import { LvsError } from '../../src/errors.js';
import type { AnyResource, PosixTransport, PowerShellTransport, PsScript, ShellCommand, Transport } from '../../src/types.js';
import { directorBase, firewall, initService, ipvsadm, keepalived, linuxRealServer, windowsRealServer } from '../../roles/index.js';
import { ensureLab, onHost, ROOT } from '../lab/support.js';
import { recordFuzz } from './record.js';

const RUN = randomBytes(4).toString('hex');
/** Files a canary would create on the host (bash / pwsh). Absolute, so a stray `cd` cannot hide them. */
const BASH_CANARY = `/tmp/lvs-fuzz-canary-${RUN}`;
const PS_CANARY = `/tmp/lvs-fuzz-pscanary-${RUN}`;
// A fixed seed by default, so CI replays the same 12k cases (a failure is a regression, not luck);
// LVS_FUZZ_SEED=random explores new ones (the seed is printed with any failure).
const SEED_ENV = process.env.LVS_FUZZ_SEED;
const SEED = SEED_ENV === 'random' ? Date.now() % 2 ** 31 : Number(SEED_ENV ?? 644543226);

const CANARIES = [
  `$(touch ${BASH_CANARY})`,
  `\`touch ${BASH_CANARY}\``,
  `; touch ${BASH_CANARY};`,
  `\ntouch ${BASH_CANARY}\n`,
  `| touch ${BASH_CANARY}`,
  `&& touch ${BASH_CANARY} #`,
  `' ; touch ${BASH_CANARY} ; '`,
  `" ; touch ${BASH_CANARY} ; "`,
  `'"$(touch ${BASH_CANARY})"'`,
  `$(New-Item -ItemType File -Force -Path ${PS_CANARY})`,
  `'; New-Item -ItemType File -Force -Path ${PS_CANARY}; '`,
  `"; New-Item -ItemType File -Force -Path ${PS_CANARY}; "`,
  `\`n New-Item -ItemType File -Force -Path ${PS_CANARY}`,
  `@(New-Item -ItemType File -Force -Path ${PS_CANARY})`,
  `’; New-Item -ItemType File -Force -Path ${PS_CANARY}; ‘`,
  `\${env:X}$(& {New-Item -ItemType File -Force -Path ${PS_CANARY}})`,
];
const FRAGMENTS = [
  ';', '$(', ')', '`', "'", '"', '%', '%s', '%n', '%%', '\n', '\r\n', '\t', '\\', '\\\\', '$HOME', '${PATH}', '$_', '$?', '|', '&',
  '&&', '>', '<', '2>&1', '*', '?', '[a]', '!', '#', '~', '{', '}', '-', '--', '-e', ' ', '  ', 'é', '日本語', '🙂', '\u202e', '\u00a0',
  '\u2018', '\u2019', '\u201c', '\u201d', '@', '(', '=', "''", "\\'", '\u0001', '\u007f', '\u001b[31m', '\u0085', '\u2028', '\ufeff',
];

const wellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();
const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...FRAGMENTS) },
  { weight: 3, arbitrary: fc.constantFrom(...CANARIES) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }).filter(wellFormed) },
);
const short = fc.array(piece, { maxLength: 10 }).map((p) => p.join(''));
const long = fc.tuple(short, fc.integer({ min: 1000, max: 6000 })).map(([s, n]) => (s || 'x').repeat(Math.ceil(n / Math.max(1, s.length))).slice(0, n));
/** A nasty value without NUL (NUL is tested apart: it must be rejected). */
const nasty = fc.oneof({ weight: 40, arbitrary: short }, { weight: 1, arbitrary: long }).map((s) => s.replace(/\0/g, ''));
/** With NUL bytes sometimes. */
const nastyNul = fc.oneof({ weight: 9, arbitrary: nasty }, { weight: 1, arbitrary: fc.tuple(short, short).map(([a, b]) => `${a}\0${b}`) });

let rs1: PosixTransport;
let win1: PowerShellTransport;
const transports: Transport[] = [];

beforeAll(async () => {
  await ensureLab();
  const inv = await loadInventory('lab', { cwd: ROOT, fallback: builtinInventory });
  const connect = makeConnector({ secrets: new SecretResolver(), redactor: new Redactor(), acceptNewHostKeys: false });
  const host = (n: string) => inv.hosts.find((h) => h.name === n)!;
  rs1 = (await connect(host('rs1'))) as PosixTransport;
  win1 = (await connect(host('win1'))) as PowerShellTransport;
  transports.push(rs1, win1);
  await onHost('rs1', `rm -rf /tmp/lvs-fuzz; mkdir -p /tmp/lvs-fuzz; rm -f ${BASH_CANARY} ${PS_CANARY}`);
  await onHost('win1', `rm -f ${BASH_CANARY} ${PS_CANARY}`);
});

afterAll(async () => {
  await Promise.all(transports.map((t) => t.close()));
  await onHost('rs1', 'rm -rf /tmp/lvs-fuzz').catch(() => undefined);
});

/** No canary file on the host (under either name). */
async function canaryAbsent(host: string): Promise<void> {
  const out = await onHost(host, `ls ${BASH_CANARY} ${PS_CANARY} 2>/dev/null || true`);
  expect(out, `a canary command ran on ${host} (seed ${SEED})`).toBe('');
}

/** Splits lines into scripts of at most ~90 KB (one command line: the kernel caps one argument at 128 KiB). */
function packed(lines: readonly string[], max = 90_000): string[] {
  const out: string[] = [];
  let cur = '';
  for (const l of lines) {
    if (cur && cur.length + l.length + 1 > max) (out.push(cur), (cur = ''));
    cur += `${l}\n`;
  }
  if (cur) out.push(cur);
  return out;
}

async function runOk(t: PosixTransport, script: string): Promise<string> {
  const r = await t.run(script as ShellCommand);
  if (r.code !== 0) throw new Error(`batch failed (exit ${r.code}): ${r.stderr.slice(0, 500)}`);
  return r.stdout;
}

describe('fuzz: values with shell/PowerShell metacharacters', () => {
  it('sh-quoted values reach bash on rs1 byte-exact, nested in the transport\'s own sh -c; NUL is refused', async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(nastyNul, { minLength: 400, maxLength: 400 }), async (values) => {
        const ok: string[] = [];
        for (const v of values) {
          cases++;
          if (v.includes('\0')) {
            expect(() => quote(v)).toThrow(LvsError);
            expect(() => sh`printf %s ${v}`).toThrow(/NUL byte/);
          } else ok.push(v);
        }
        // one printf per value; the output, split at NUL, must be the values themselves
        const lines = ok.map((v) => sh`printf '%s\\0' ${v}`);
        let got = '';
        for (const script of packed(lines)) got += await runOk(rs1, script);
        const back = got.split('\0').slice(0, -1);
        expect(back.length).toBe(ok.length);
        back.forEach((b, i) => expect(Buffer.from(b).equals(Buffer.from(ok[i] as string)), `value ${JSON.stringify(ok[i])} came back as ${JSON.stringify(b)}`).toBe(true));
      }),
      { numRuns: 15, seed: SEED, endOnFailure: true },
    );
    await canaryAbsent('rs1');
    recordFuzz('sh quoting → bash (rs1)', cases);
    expect(cases).toBeGreaterThanOrEqual(6000);
  });

  it('values passed as $data reach pwsh on win1 byte-exact (NUL too) and never run', async () => {
    let cases = 0;
    const echo = 'ConvertTo-Json -Compress -InputObject @($data.values | ForEach-Object { [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes([string]$_)) })' as PsScript;
    await fc.assert(
      fc.asyncProperty(fc.array(nastyNul, { minLength: 250, maxLength: 250 }), async (values) => {
        cases += values.length;
        const json = await win1.invoke<string>(echo, { values });
        const back = (JSON.parse(json) as string[]).map((b) => Buffer.from(b, 'base64'));
        expect(back.length).toBe(values.length);
        back.forEach((b, i) => expect(b.equals(Buffer.from(values[i] as string)), `value ${JSON.stringify(values[i])} came back as ${JSON.stringify(b.toString())}`).toBe(true));
      }),
      { numRuns: 8, seed: SEED, endOnFailure: true },
    );
    await canaryAbsent('win1');
    recordFuzz('$data → pwsh (win1)', cases);
  });

  it('quotePowerShell literals reach pwsh on win1 byte-exact and never run', async () => {
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(nasty, { minLength: 300, maxLength: 300 }), async (values) => {
        cases += values.length;
        // the generated source is parsed and run by pwsh on win1 (through its remoting session)
        const source = values.map((v) => `[Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes(${quotePowerShell(v)}))`).join('\n');
        const out = await win1.invoke<string>('ConvertTo-Json -Compress -InputObject @(& ([scriptblock]::Create($data.source)))' as PsScript, { source });
        const back = (JSON.parse(out) as string[]).map((b) => Buffer.from(b, 'base64'));
        expect(back.length).toBe(values.length);
        back.forEach((b, i) => expect(b.equals(Buffer.from(values[i] as string)), `value ${JSON.stringify(values[i])} came back as ${JSON.stringify(b.toString())}`).toBe(true));
      }),
      { numRuns: 4, seed: SEED, endOnFailure: true },
    );
    await canaryAbsent('win1');
    recordFuzz('quotePowerShell → pwsh (win1)', cases);
  });

  it('core resources (file, lineInFile, directory, symlink) on rs1: names and contents arrive byte-exact', async () => {
    let cases = 0;
    const name = nasty.map((s) => s.replace(/\//g, '_').replace(/\0/g, '')).filter((s) => s !== '' && s !== '.' && s !== '..' && Buffer.byteLength(s) <= 200);
    const content = fc.oneof(nasty, fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a).toString('latin1'))).map((s) => s.replace(/\0/g, ''));
    const b64 = async (cmd: ShellCommand): Promise<string> => Buffer.from((await runOk(rs1, cmd)).replace(/\s+/g, ''), 'base64').toString();
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e9 }), name, content, nasty, async (n, nm, body, line) => {
        cases++;
        const dir = `/tmp/lvs-fuzz/c${n}`;
        await runOk(rs1, sh`mkdir -p ${dir}`);
        const path = `${dir}/${nm}`;
        // a symlink target is a path: at most PATH_MAX (4096) bytes, which the kernel enforces
        let flat = line.replace(/[\r\n]/g, ' ');
        while (Buffer.byteLength(flat) > 4000) flat = flat.slice(0, -100);
        const steps: [AnyResource, () => Promise<void>][] = [
          [file({ path, content: body, mode: 0o600 }), async () => expect(await b64(sh`base64 < ${path}`)).toBe(body)],
          [lineInFile({ path, line: flat }), async () => expect((await b64(sh`base64 < ${path}`)).endsWith(`${flat}\n`)).toBe(true)],
          [directory({ path: `${path}.d`, mode: 0o700 }), async () => expect(await runOk(rs1, sh`test -d ${`${path}.d`} && echo yes`)).toBe('yes\n')],
          [symlink({ path: `${path}.l`, target: flat || 'x' }), async () => expect(await b64(sh`readlink ${`${path}.l`} | tr -d '\\n' | base64`)).toBe(flat || 'x')],
        ];
        for (const [res, check] of steps) {
          const out = await converge(res, rs1, { check: false });
          expect(out.status, `${res.id}: ${JSON.stringify(out)}`).not.toBe('failed');
          await check();
        }
        await runOk(rs1, sh`rm -rf ${dir}`);
      }),
      { numRuns: 60, seed: SEED, endOnFailure: true },
    );
    await canaryAbsent('rs1');
    recordFuzz('core resources → rs1', cases);
  });

  it('role options: every role rejects a bad value with a message naming the option, or takes it; its reads never run a canary', async () => {
    const sha = '0'.repeat(64);
    const goodConf = (mut: (c: Record<string, unknown>) => void) => {
      const c = keepalived.directorConfig({ vips: ['10.77.0.10'], interface: 'eth0', virtualRouterId: 51, authPass: 'pw', services: [{ port: 80, realServers: [{ address: '10.77.0.16' }] }] }, 'lvs1', { state: 'MASTER', priority: 150 }) as unknown as Record<string, unknown>;
      mut(c);
      return c;
    };
    type Mut = [field: string, build: (v: string) => unknown];
    const MUTATIONS: Mut[] = [
      ['extraPackages', (v) => directorBase({ extraPackages: [v] })],
      ['interfaces', (v) => directorBase({ interfaces: [v] })],
      ['sysctls', (v) => directorBase({ sysctls: { [v]: '1' } })],
      ['sysctls', (v) => directorBase({ sysctls: { 'net.ipv4.tcp_syncookies': v } })],
      ['chain', (v) => firewall({ chain: v })],
      ['vips', (v) => firewall({ vips: [v] })],
      ['vrrpPeers', (v) => firewall({ vrrpPeers: [v] })],
      ['vip', (v) => linuxRealServer({ vip: v })],
      ['persistName', (v) => linuxRealServer({ vip: '10.77.0.10', persistName: v })],
      ['interface', (v) => linuxRealServer({ vip: '10.77.0.10', interface: v })],
      ['vip', (v) => windowsRealServer({ vip: v, tcpPorts: [80] })],
      ['nicAlias', (v) => windowsRealServer({ vip: '10.77.0.10', tcpPorts: [80], nicAlias: v })],
      ['name', (v) => initService({ name: v, binary: '/usr/sbin/x' })],
      ['binary', (v) => initService({ name: 'x', binary: v })],
      ['args', (v) => initService({ name: 'x', binary: '/usr/sbin/x', args: [v] })],
      ['description', (v) => initService({ name: 'x', binary: '/usr/sbin/x', description: v })],
      ['version', (v) => keepalived.build({ version: v, install: 'package' })],
      ['url', (v) => keepalived.build({ version: '2.2.7', url: v, sha256: sha })],
      ['configureArgs', (v) => keepalived.build({ version: '2.2.7', url: 'https://example.org/k.tgz', sha256: sha, configureArgs: [v] })],
      ['srcDir', (v) => keepalived.build({ version: '2.2.7', url: 'https://example.org/k.tgz', sha256: sha, srcDir: v })],
      ['routerId', (v) => keepalived.config({ config: goodConf((c) => ((c.globalDefs as Record<string, unknown>).routerId = v)) as never })],
      ['interface', (v) => keepalived.config({ config: goodConf((c) => (((c.vrrpInstances as Record<string, unknown>[])[0] as Record<string, unknown>).interface = v)) as never })],
      ['pass', (v) => keepalived.config({ config: goodConf((c) => (((c.vrrpInstances as Record<string, unknown>[])[0] as Record<string, unknown>).authentication = { type: 'PASS', pass: v })) as never })],
      ['script', (v) => keepalived.config({ config: goodConf((c) => (c.vrrpScripts = [{ name: 'chk', script: `/usr/bin/check ${v}` }])) as never })],
      ['vip', (v) => ipvsadm({ services: [{ vip: v, port: 80, protocol: 'tcp', scheduler: 'wrr', realServers: [] }] as never })],
    ];
    let cases = 0;
    let accepted = 0;
    const reads = new Set<string>();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MUTATIONS.length - 1 }), nastyNul, (k, v) => {
        cases++;
        const [field, build] = MUTATIONS[k] as Mut;
        let role: { resources: readonly AnyResource[] };
        try {
          role = build(v) as typeof role;
        } catch (e) {
          // rejected: an LvsError (not a TypeError from deep inside) whose message names the option
          expect(e, `${field} = ${JSON.stringify(v)} threw ${String(e)}`).toBeInstanceOf(LvsError);
          expect((e as Error).message).toContain(field);
          return;
        }
        accepted++;
        for (const r of role.resources) {
          const read = r.read as { command?: unknown };
          if (typeof read === 'object' && typeof read.command === 'string') reads.add(read.command);
        }
      }),
      { numRuns: 3000, seed: SEED },
    );
    // every distinct read of an accepted value runs on rs1 (reads change nothing); no canary may fire
    const lines = [...reads].map((c) => sh`sh -c ${c} >/dev/null 2>&1 </dev/null || true`);
    for (const script of packed(lines, 60_000)) await runOk(rs1, script);
    await canaryAbsent('rs1');
    recordFuzz(`role options (${accepted} accepted, ${reads.size} distinct reads run on rs1)`, cases);
  });
});

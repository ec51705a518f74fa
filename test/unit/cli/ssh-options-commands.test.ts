// --ssh-config and -T/--timeout reach every command that connects, parsed one way (src/cli/ssh-options.ts).
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../../src/cli/args.js';
import { parseDrainArgs } from '../../../src/cli/drain.js';
import { parseExporterArgs } from '../../../src/cli/exporter.js';
import { parseStatusArgs } from '../../../src/cli/status.js';
import { LvsError } from '../../../src/errors.js';

const ssh = ['--ssh-config', '/etc/lvs/ssh_config', '-T', '2.5'];

describe('ssh options on every connecting command', () => {
  it('a playbook run, status, the exporter and drain take --ssh-config and --timeout alike', () => {
    const run = parseCli(['site.ts', '-i', 'prod', ...ssh]);
    expect(run.kind === 'run' && { s: run.options.sshConfig, t: run.options.timeoutMs }).toEqual({ s: '/etc/lvs/ssh_config', t: 2500 });
    const status = parseStatusArgs(['-i', 'prod', ...ssh]);
    expect(status !== 'help' && { s: status.sshConfig, t: status.timeoutMs }).toEqual({ s: '/etc/lvs/ssh_config', t: 2500 });
    const exporter = parseExporterArgs(['-i', 'prod', ...ssh]);
    expect(exporter !== 'help' && { s: exporter.sshConfig, t: exporter.timeoutMs }).toEqual({ s: '/etc/lvs/ssh_config', t: 2500 });
    const drain = parseDrainArgs('drain', ['rs1', '-i', 'prod', ...ssh]);
    expect(drain !== 'help' && { s: drain.cli.sshConfig, t: drain.cli.timeoutMs }).toEqual({ s: '/etc/lvs/ssh_config', t: 2500 });
  });

  it('a bad timeout is a usage error (exit 5) in each', () => {
    for (const parse of [() => parseCli(['site.ts', '-i', 'prod', '-T', '0']), () => parseStatusArgs(['-i', 'prod', '-T', 'x']), () => parseExporterArgs(['-i', 'prod', '--timeout', '9999']), () => parseDrainArgs('undrain', ['rs1', '-i', 'prod', '-T', 'soon'])]) {
      let err: unknown;
      try {
        parse();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(LvsError);
      expect((err as LvsError).code).toBe('E_USAGE');
      expect((err as LvsError).message).toMatch(/--timeout must be a number of seconds/);
    }
  });
});

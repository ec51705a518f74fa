/**
 * What the lab's WinRM endpoint runs for a WinRS command line (lab/winrm/commandline.py, in
 * Debian's python3): Windows command-line splitting, powershell.exe → pwsh, the rest → /bin/sh.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WINRM_PYTHON, winrmServerScript } from '../../../src/lab/winrm.js';

const dir = dirname(winrmServerScript());

function py<T>(expr: string, input: unknown): T {
  const code = `import json, sys\nsys.path.insert(0, ${JSON.stringify(dir)})\nimport commandline\nx = json.load(sys.stdin)\nprint(json.dumps(${expr}))`;
  const r = spawnSync(WINRM_PYTHON, ['-B', '-c', code], { input: JSON.stringify(input), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as T;
}

const resolve = (command: string, args: string[] = []) =>
  py<string[]>('commandline.resolve(x[0], x[1], False, ["PWSH"], ["/bin/sh", "-c"])', [command, args]);

describe.skipIf(!existsSync(WINRM_PYTHON))('WinRS command lines on the lab endpoint', () => {
  it('splits as CommandLineToArgvW: quotes group, \\" is a quote, backslashes elsewhere are literal', () => {
    expect(py('commandline.split_windows(x)', String.raw`a "b c" d\"e "f\\" g\\h`)).toEqual(['a', 'b c', 'd"e', 'f\\', 'g\\\\h']);
    expect(py('commandline.split_windows(x)', '  x   ""  y ')).toEqual(['x', '', 'y']);
  });

  it('powershell.exe (any case, by path, after cmd /c) runs pwsh with its arguments; -Version N, -Sta, -Mta are dropped', () => {
    expect(resolve('powershell -encodedcommand QQA=')).toEqual(['PWSH', '-encodedcommand', 'QQA=']);
    expect(resolve('C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\PowerShell.EXE', ['-Version', '2.0', '-Sta', '-NoProfile', '-EncodedCommand', 'QQA=']))
      .toEqual(['PWSH', '-NoProfile', '-EncodedCommand', 'QQA=']);
    expect(resolve('cmd.exe /c powershell.exe -NonInteractive -Command -')).toEqual(['PWSH', '-NonInteractive', '-Command', '-']);
  });

  it('anything else goes to /bin/sh -c as one line; cmd /c "…" loses its one pair of quotes', () => {
    expect(resolve('echo', ['hello', 'world'])).toEqual(['/bin/sh', '-c', 'echo hello world']);
    expect(resolve('cmd /c "echo a & echo b"')).toEqual(['/bin/sh', '-c', 'echo a & echo b']);
    expect(resolve('ipconfig /all')).toEqual(['/bin/sh', '-c', 'ipconfig /all']);
  });
});

/** Every PowerShell text lvs-play can send parses with PowerShell's own parser (real pwsh). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 60_000 });
import { allScripts } from '../../../roles/windows-realserver/index.js';
import { LOCAL_PRELUDE, OPEN_SESSION, REMOTE_WRAPPER } from '../../../src/transport/pwsh-scripts.js';
import { preludeLine, invocationLine } from '../../../src/transport/pwsh-host.js';
import { ps } from '../../../src/shell/powershell.js';
import { SIM_MODULE_DIR } from '../../sim/windows/state.js';
import { pwshPath, runPwshJson } from './helpers.js';

const PARSE = `
$in = $InputJson | ConvertFrom-Json -AsHashtable
$out = [ordered]@{}
foreach ($k in $in.Keys) {
  $tokens = $null; $errors = $null
  $null = [System.Management.Automation.Language.Parser]::ParseInput($in[$k], [ref]$tokens, [ref]$errors)
  $out[$k] = @($errors | ForEach-Object { "$($_.Extent.StartLineNumber):$($_.Extent.StartColumnNumber) $($_.Message)" })
}
ConvertTo-Json -InputObject $out -Depth 5 -Compress
`;

describe.skipIf(!pwshPath)('PowerShell syntax (real parser)', () => {
  it('every script of the role, the transport and the simulation parses without errors', () => {
    const texts: Record<string, string> = { ...allScripts() };
    texts['transport:REMOTE_WRAPPER'] = REMOTE_WRAPPER;
    texts['transport:LOCAL_PRELUDE'] = LOCAL_PRELUDE;
    texts['transport:OPEN_SESSION'] = OPEN_SESSION;
    texts['transport:prelude line'] = preludeLine();
    texts['transport:invocation line'] = invocationLine(ps`$data`, { a: "it's" });
    for (const f of readdirSync(SIM_MODULE_DIR)) texts[`sim:${f}`] = readFileSync(join(SIM_MODULE_DIR, f), 'utf8');
    expect(Object.keys(texts).length).toBeGreaterThanOrEqual(8 + 5 + 6);
    const errors = runPwshJson<Record<string, string[]>>(PARSE, texts);
    for (const [name, errs] of Object.entries(errors)) expect({ name, errs }).toEqual({ name, errs: [] });
  });

  it('the parser does report errors (the check is not vacuous)', () => {
    const errors = runPwshJson<Record<string, string[]>>(PARSE, { bad: 'function f { if ($x) { ' });
    expect(errors.bad?.length).toBeGreaterThan(0);
  });

  it('the SetupAPI C# of Install-LvsLoopbackAdapter compiles (Add-Type; P/Invoke is only bound when called)', () => {
    const setupapi = readFileSync(new URL('../../../roles/windows-realserver/scripts/setupapi.ps1', import.meta.url), 'utf8');
    const m = /Add-Type -TypeDefinition @'\n([\s\S]*?)\n'@/.exec(setupapi);
    expect(m?.[1]).toContain('UpdateDriverForPlugAndPlayDevices');
    const r = runPwshJson<{ install: string }>(
      `$src = ($InputJson | ConvertFrom-Json).src; Add-Type -TypeDefinition $src; $t = 'LvsPlay.LoopbackDevice' -as [type]; ConvertTo-Json -Compress @{ install = [string]($t.GetMethod('Install')) }`,
      { src: m?.[1] },
    );
    expect(r.install).toBe('System.String Install(System.String, System.String)');
  });
});

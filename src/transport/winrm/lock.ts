/**
 * The host lock of a real run on a Windows host reached over WinRM — the counterpart of
 * ssh-lock.ts: a command of the run's one shell opens `%ProgramData%\lvs-play.lock` exclusively
 * (FileShare None: a second opener gets a sharing violation; .NET on Linux takes flock LOCK_EX),
 * writes who holds it beside it (`lvs-play.lock.holder`), says so, and keeps running. The lock goes
 * when the command ends: at the end of the run (Delete shell ends it), or when the host drops the
 * shell. Nothing of the run touches the host before the lock is held (it is taken at connect).
 */
import { LvsError } from '../../errors.js';
import { ps } from '../../shell/powershell.js';
import { bootstrapCommand, bootstrapInput, oldPowerShell, oldPowerShellError } from './bootstrap.js';
import type { WinRsShell } from './shell.js';

const LOCKED = 'LVSLOCKED';
const HELD = 'LVSLOCKHELD:';

export const WINRM_LOCK_SCRIPT = ps`
$LvsLock = Join-Path ([Environment]::GetFolderPath('CommonApplicationData')) 'lvs-play.lock'
try {
  $LvsLockFile = [IO.File]::Open($LvsLock, 'OpenOrCreate', 'ReadWrite', 'None')
} catch {
  $LvsHolder = ''
  try { $LvsHolder = [IO.File]::ReadAllText($LvsLock + '.holder').Trim() } catch { }
  [Console]::Out.WriteLine('LVSLOCKHELD:' + $LvsHolder)
  [Console]::Out.Flush()
  return
}
[IO.File]::WriteAllText($LvsLock + '.holder', [string]$data.holder)
[Console]::Out.WriteLine('LVSLOCKED')
[Console]::Out.Flush()
while ($true) { Start-Sleep -Seconds 3600 }
`;

/** Takes the lock for `holder`; E_LOCKED when another run holds it. */
export async function takeWinRmLock(host: string, shell: WinRsShell, holder: string, timeoutMs: number): Promise<void> {
  const { cmd, args } = bootstrapCommand();
  const cid = await shell.start(cmd, args, bootstrapInput(WINRM_LOCK_SCRIPT, { holder }));
  const r = await shell.receive(cid, Date.now() + timeoutMs, (out) => out.includes(LOCKED) || out.includes(HELD));
  const out = r.stdout.toString('utf8');
  if (out.includes(LOCKED) && !r.done) return;
  const old = oldPowerShell(r.code, out);
  if (old !== null) throw oldPowerShellError(host, old);
  const held = out.includes(HELD) ? out.slice(out.indexOf(HELD) + HELD.length).split(/\r?\n/)[0]!.trim() : '';
  if (out.includes(HELD)) {
    throw new LvsError('E_LOCKED', `${host} is locked by another lvs-play run (%ProgramData%\\lvs-play.lock: ${held || 'holder unknown'}); nothing was changed on it`, {
      fix: 'wait for that run to end (its shell ends the lock), or stop it',
    });
  }
  throw new LvsError('E_LOCKED', `cannot take the lock %ProgramData%\\lvs-play.lock on ${host}: ${(out + r.stderr.toString('utf8')).trim().slice(-300)}`, {
    fix: 'check that the account may write to %ProgramData% on the host',
  });
}

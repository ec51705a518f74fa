/** Finds the local pwsh executable: explicit path, $NODE_POWERSHELL, PATH, ~/.dotnet/tools/pwsh. */
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { LvsError } from '../errors.js';

export const PWSH_INSTALL_HINT =
  'install PowerShell 7: `dotnet tool install --global PowerShell --version 7.6.9` (needs the .NET runtime), ' +
  'then add ~/.dotnet/tools to PATH, or set NODE_POWERSHELL to the pwsh executable';

function isExecutable(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Candidate paths, in the order they are tried. */
export function pwshCandidates(explicit?: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  if (explicit) out.push(explicit);
  if (env.NODE_POWERSHELL) out.push(env.NODE_POWERSHELL);
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) out.push(join(dir, 'pwsh'));
  out.push(join(env.HOME || homedir(), '.dotnet', 'tools', 'pwsh'));
  return out;
}

/**
 * The pwsh to run. An explicit path (opts.pwshPath, then $NODE_POWERSHELL) that does not work is
 * an error, not silently replaced by another one.
 */
export function findPwsh(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const named = explicit ?? env.NODE_POWERSHELL;
  if (named) {
    const field = explicit ? 'pwshPath' : 'NODE_POWERSHELL';
    if (!isAbsolute(named) && !named.includes('/')) {
      const onPath = pwshCandidates(undefined, { PATH: env.PATH, HOME: '/nonexistent' })
        .map((p) => join(p, '..', named))
        .find(isExecutable);
      if (onPath) return onPath;
    } else if (isExecutable(named)) {
      return named;
    }
    throw new LvsError('E_PWSH_MISSING', 'pwsh not found or not executable', { field, value: named, fix: PWSH_INSTALL_HINT });
  }
  const found = pwshCandidates(undefined, env).find(isExecutable);
  if (!found) {
    throw new LvsError('E_PWSH_MISSING', 'PowerShell 7 (pwsh) is needed to reach Windows hosts, and none was found', {
      value: 'pwsh',
      fix: PWSH_INSTALL_HINT,
    });
  }
  return found;
}

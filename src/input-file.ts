/**
 * Files a run reads as input (playbook, inventory, `-e @vars`, saved plans): only regular files of
 * a bounded size are read, so `/dev/zero`, a fifo or a 10 GB file is refused before it is opened
 * (docs/reliability.md "Limits"). One check for every input; E_LOAD (exit 4) naming the file.
 */
import { readFile, stat } from 'node:fs/promises';
import { LvsError } from './errors.js';

/** Largest input file read (bytes): 16 MiB, or `$LVS_PLAY_MAX_INPUT_BYTES`. */
export function maxInputBytes(): number {
  const env = Number(process.env.LVS_PLAY_MAX_INPUT_BYTES);
  return Number.isSafeInteger(env) && env > 0 ? env : 16 * 1024 * 1024;
}

/** Refuses a path that is not a regular file of at most maxInputBytes(); `shown` is the name in the error. */
export async function checkInputFile(path: string, shown: string, what: string, fix = `give the path of an existing ${what}`): Promise<void> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    throw new LvsError('E_LOAD', `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: shown, fix });
  }
  if (!st.isFile()) throw new LvsError('E_LOAD', `${what}: not a regular file`, { file: shown, fix: `give the path of a regular file (not a device, fifo or directory)` });
  const max = maxInputBytes();
  if (st.size > max) throw new LvsError('E_LOAD', `${what}: too large, ${st.size} bytes (limit ${max})`, { file: shown, fix: 'split it, or raise LVS_PLAY_MAX_INPUT_BYTES' });
}

/** The text of an input file, after checkInputFile. */
export async function readInputText(path: string, shown: string, what: string, fix?: string): Promise<string> {
  await checkInputFile(path, shown, what, fix);
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new LvsError('E_LOAD', `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: shown, ...(fix ? { fix } : {}) });
  }
}

/** Deepest nesting of a parsed input value (objects and arrays): 64 levels. */
export const MAX_DEPTH = 64;

/**
 * Refuses a parsed value nested deeper than MAX_DEPTH, or holding a cycle (YAML anchors can make
 * one): iterative, so the check itself cannot overflow the stack. E_VALIDATION naming the field.
 */
export function checkDepth(value: unknown, file: string, what = 'value'): void {
  const stack: { v: unknown; depth: number; path: string; up: ReadonlySet<object> }[] = [{ v: value, depth: 0, path: '', up: new Set() }];
  while (stack.length) {
    const { v, depth, path, up } = stack.pop()!;
    if (typeof v !== 'object' || v === null || ArrayBuffer.isView(v)) continue;
    if (up.has(v)) throw new LvsError('E_VALIDATION', `the ${what} refers to itself (a cycle)`, { file, ...(path ? { field: path } : {}), fix: 'remove the self-reference (a YAML alias inside its own anchor)' });
    if (depth >= MAX_DEPTH) throw new LvsError('E_VALIDATION', `the ${what} is nested deeper than ${MAX_DEPTH} levels`, { file, ...(path ? { field: path.slice(0, 200) } : {}), fix: 'flatten it' });
    const next = new Set(up).add(v);
    for (const [k, x] of Object.entries(v)) if (typeof x === 'object' && x !== null) stack.push({ v: x, depth: depth + 1, path: path ? `${path}.${k}` : k, up: next });
  }
}

/**
 * The kernel file reads of a host's batch (src/run/facts.ts): the paths every fact reads with
 * kernelFactScript (Fact.split.kernel) are read by ONE `head` (each whole, its bytes after a
 * `==> PATH <==` line) instead of a `base64` per path, and each fact gets the lines its own script
 * prints. An answer the batch cannot give exactly (a read error, a file at the cap, bytes that are
 * not UTF-8 text, a header inside a file) leaves the facts to their own commands.
 */
import { raw, sh } from '../shell/quote.js';
import type { KernelRead, ShellCommand } from '../types.js';

/** Bytes read of each file: one more than any kernel parameter holds; a file this long is read by its fact. */
export const KERNEL_CAP = 65536;

/** Paths the batch can read together: absolute, no newline, carriage return, tab or backslash. */
export function kernelBatchable(r: KernelRead): boolean {
  return r.path.startsWith('/') && !/[\n\r\t\\]/.test(r.path);
}

const header = (path: string): string => `==> ${path} <==\n`;

/** The readable paths (one a line), the mark, then head's output (headers always: -v). */
export function kernelBatchScript(paths: readonly string[], mark: string): ShellCommand {
  const words = paths.map((p) => sh`${p}`).join(' ') as ShellCommand;
  return sh`set --
for p in ${raw(words)}; do if [ -r "$p" ]; then set -- "$@" "$p"; fi; done
[ $# -eq 0 ] || printf '%s\\n' "$@"
echo ${mark}
[ $# -eq 0 ] || head -v -c ${KERNEL_CAP} -- "$@"`;
}

/**
 * Each path's text (a path not readable: null), from the script's output; null when the output is
 * not exactly what the script prints for these paths (then every fact reads on its own).
 */
export function parseKernelBatch(stdout: string, mark: string, paths: readonly string[]): Map<string, string | null> | null {
  const at = stdout.indexOf(`${mark}\n`);
  if (at < 0 || (at > 0 && stdout[at - 1] !== '\n')) return null;
  const readable = stdout.slice(0, at).split('\n').filter(Boolean);
  if (readable.some((p) => !paths.includes(p))) return null;
  const out = new Map<string, string | null>(paths.map((p) => [p, null]));
  let rest = stdout.slice(at + mark.length + 1);
  for (let i = 0; i < readable.length; i++) {
    const head = `${i > 0 ? '\n' : ''}${header(readable[i]!)}`;
    if (!rest.startsWith(head)) return null;
    rest = rest.slice(head.length);
    const next = i + 1 < readable.length ? rest.indexOf(`\n${header(readable[i + 1]!)}`) : rest.length;
    if (next < 0) return null;
    const text = rest.slice(0, next);
    // not exact: possibly cut at the cap, bytes decoded as U+FFFD, or a header inside the text
    if (Buffer.byteLength(text) >= KERNEL_CAP || text.includes('\uFFFD') || readable.some((p) => text.includes(`\n${header(p)}`))) return null;
    out.set(readable[i]!, text);
    rest = rest.slice(next);
  }
  return rest === '' ? out : null;
}

/** A read's line in kernelFactScript's format. */
export function kernelLine(r: KernelRead, texts: ReadonlyMap<string, string | null>): string {
  const text = texts.get(r.path);
  return text === null || text === undefined ? `${r.key}-missing=1\n` : `${r.key}=${Buffer.from(text, 'utf8').toString('base64')}\n`;
}

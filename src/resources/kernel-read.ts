/**
 * Reading a kernel file (procfs, sysfs) whole: such a file reports size 0 and answers only a read at
 * offset 0 (a shell's byte-by-byte `read` would see its first byte), so one read(2) of its bytes,
 * as base64. A fact's command reads one with kernelFactScript; in a host's batch every fact's are
 * read together (Fact.split.kernel, src/run/kernel-batch.ts).
 */
import { sh } from '../shell/quote.js';
import type { KernelRead, ShellCommand } from '../types.js';

/** `KEY=<base64 of the file's bytes>`, or `KEY-missing=1` when it does not exist or cannot be read. */
export function kernelFactScript(read: KernelRead): ShellCommand {
  const p = read.path;
  return sh`if [ -r ${p} ]; then printf '%s' ${`${read.key}=`}; base64 -w0 < ${p} || exit 1; echo; else echo ${`${read.key}-missing=1`}; fi`;
}

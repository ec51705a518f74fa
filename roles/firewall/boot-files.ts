/**
 * The candidate boot files of a firewall backend, read in one fact: each that exists comes back
 * as a `file=PATH BASE64` line. Shared by the iptables and nftables persistence resources.
 */
import type { ShellCommand } from 'lvs-play';
import { b64, sh } from 'lvs-play/kit';

export function bootFilesScript(paths: readonly string[]): ShellCommand {
  return sh`for f in ${paths}; do if [ -f "$f" ]; then printf 'file=%s ' "$f"; base64 -w0 < "$f"; echo; fi; done`;
}

/** path → content, from the `file` lines of a parsed fact (absent files are not listed). */
export function parseBootFiles(lines: readonly string[] | undefined): Record<string, string> {
  const files: Record<string, string> = {};
  for (const l of lines ?? []) {
    const sp = l.indexOf(' ');
    files[l.slice(0, sp)] = b64(l.slice(sp + 1)).toString('utf8');
  }
  return files;
}

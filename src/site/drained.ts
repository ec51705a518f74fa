/**
 * Drained real servers, as recorded on each director by `lvs-play drain` (roles/drain): one file
 * per real-server address under DRAINED_DIR, holding `host=NAME`. The keepalived config role
 * keeps such a server at weight 0 (a site run does not undo a drain), `lvs-play status` shows it,
 * `lvs-play undrain` removes the file.
 */
import { sh } from '../shell/quote.js';
import type { ShellCommand } from '../types.js';

/** Where each director records the real servers drained on it (one file per address). */
export const DRAINED_DIR = '/var/lib/lvs-play/drained';

/** The marker file of one real server. */
export function drainedPath(address: string, dir = DRAINED_DIR): string {
  return `${dir}/${address}`;
}

/** Prints one line per drained address: `ADDRESS NOTE` (nothing when none). Read-only. */
export function drainedListCommand(dir = DRAINED_DIR): ShellCommand {
  return sh`for f in ${dir}/*; do [ -f "$f" ] && printf '%s %s\\n' "\${f##*/}" "$(tr '\\n' ' ' <"$f")"; done; :`;
}

/** Address → note (e.g. `host=rs1`) from `drainedListCommand`'s output. */
export function parseDrainedList(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s*(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.trim();
  }
  return out;
}

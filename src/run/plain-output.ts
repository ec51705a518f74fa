/**
 * The plain renderer (not a TTY, or CI set): what Ansible prints in a CI log — a header per play,
 * one line per task result as it happens, the recap (printed by the CLI). No repeated tree lines:
 * listr2 runs silent underneath.
 */
import type { HostView } from '../types.js';

const WIDTH = 79;

/** `PLAY [name] *****…`, padded with stars to a fixed width like Ansible's banners. */
export function banner(text: string): string {
  return `${text} ${'*'.repeat(Math.max(3, WIDTH - text.length - 1))}`;
}

export interface PlainOutput {
  play(name: string, hosts: readonly HostView[], batches: number): void;
  batch(index: number, count: number, hosts: readonly HostView[]): void;
  line(text: string): void;
}

export function plainOutput(out: NodeJS.WritableStream): PlainOutput {
  return {
    play(name, hosts, batches) {
      out.write(`\n${banner(`PLAY [${name}]`)}\n`);
      if (hosts.length === 0) out.write('skipping: no hosts matched\n');
      else if (batches <= 1) out.write(`hosts: ${hosts.map((h) => h.name).join(', ')}\n`);
    },
    batch(index, count, hosts) {
      if (count > 1) out.write(`batch ${index + 1}/${count}: ${hosts.map((h) => h.name).join(', ')}\n`);
    },
    line(text) {
      out.write(`${text}\n`);
    },
  };
}

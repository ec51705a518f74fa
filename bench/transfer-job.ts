// The bench's transfer job (bench/transfer.ts): one large file to every host of group `bench`, from
// a path on the control node (`upload`: the playbook holds nothing) or from a Buffer the playbook
// holds (`file({ content })`, LVS_BENCH_TRANSFER_KIND=content). The file: LVS_BENCH_TRANSFER_SRC.
import { readFileSync } from 'node:fs';
import { file, play, playbook, upload } from 'lvs-play';

const src = process.env['LVS_BENCH_TRANSFER_SRC'] ?? '/nonexistent';
const kind = process.env['LVS_BENCH_TRANSFER_KIND'] ?? 'upload';
const hosts = process.env['LVS_BENCH_TRANSFER_HOSTS'] ?? 'bench';
export const TRANSFER_DEST = '/var/tmp/lvs-bench-transfer.bin';
// read once, shared by every host's resource (the content the playbook itself holds)
const content = kind === 'content' ? readFileSync(src) : undefined;

export default playbook('bench transfer', [
  play('transfer', { hosts }, () => [
    content ? file({ path: TRANSFER_DEST, content, mode: 0o644 }) : upload({ src, dest: TRANSFER_DEST, mode: 0o644 }),
  ]),
]);

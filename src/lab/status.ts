/** `lab status`: each host, its address, whether it runs and whether its sshd answers. */
import { initPid, sshAnswers } from './hostproc.js';
import { labHosts, loadTopology } from './topology.js';
import { extraHosts } from './extras.js';

/** One lab host's status: its address, kind, whether it runs and whether its sshd answers. */
export interface LabHostStatus {
  name: string;
  address: string;
  kind: string;
  running: boolean;
  sshd: boolean;
}

/** `lab status`: every lab host's status. */
export async function labStatus(): Promise<LabHostStatus[]> {
  const hosts = [...labHosts(loadTopology()), ...extraHosts()];
  return Promise.all(
    hosts.map(async (h) => ({
      name: h.name,
      address: h.address,
      kind: h.kind,
      running: (await initPid(h.name)) !== null,
      sshd: await sshAnswers(h.address, 22, 1500),
    })),
  );
}

export function formatStatus(rows: readonly LabHostStatus[]): string {
  const lines = rows.map(
    (r) => `${r.name.padEnd(8)} ${r.address.padEnd(12)} ${r.kind.padEnd(10)} ${(r.running ? 'running' : 'stopped').padEnd(8)} ${r.sshd ? 'sshd answers' : 'sshd down'}`,
  );
  return [`${'HOST'.padEnd(8)} ${'ADDRESS'.padEnd(12)} ${'KIND'.padEnd(10)} ${'STATE'.padEnd(8)} SSH`, ...lines].join('\n');
}

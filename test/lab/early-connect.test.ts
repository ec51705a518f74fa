/**
 * Early connections (src/cli/early-connect.ts): the first batch's ssh hosts connect while the
 * executor loads. Each is handed to the run once (the run keeps one connection per host), and one
 * the run never takes is closed: counted on the hosts themselves (sshd's established sessions).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { makeConnector } from '../../src/cli/connect.js';
import { builtinInventory } from '../../src/cli/builtin-inventory.js';
import { connectEarly, firstContacted } from '../../src/cli/early-connect.js';
import { command, play, playbook } from '../../src/index.js';
import { loadInventory } from '../../src/inventory/load.js';
import { selectHosts } from '../../src/inventory/pattern.js';
import { SecretResolver } from '../../src/inventory/secret.js';
import { Redactor } from '../../src/run/redact.js';
import { selectPlaybook } from '../../src/run/select.js';
import { sh } from '../../src/shell/quote.js';
import type { PlayOptions, PosixTransport } from '../../src/types.js';
import { ROOT, ensureLab, onHost } from './support.js';

const sessions = async (host: string): Promise<number> => Number((await onHost(host, "ss -Htn state established '( sport = :22 )' | wc -l")).trim());

async function playsOn(hosts: string, options: Partial<PlayOptions> = {}) {
  const inv = await loadInventory('lab', { cwd: ROOT, fallback: builtinInventory });
  const pb = playbook('early', [play('p', { hosts, ...options }, () => [command({ name: 'where', cmd: sh`echo "$SSH_CONNECTION"` })])]);
  return selectPlaybook(pb, { file: 'test', select: (p) => selectHosts(inv, p) });
}

describe('early connections', () => {
  beforeAll(ensureLab);

  it('connects the first ssh hosts, hands each out once, and closes the one never taken', async () => {
    const plays = await playsOn('rs1:rs2:win1');
    const early = firstContacted(plays);
    expect(early.map((h) => h.name)).toEqual(['rs1', 'rs2']); // win1 (WinRM) connects when the run takes it
    const before = await sessions('rs2');
    const redactor = new Redactor();
    const connector = makeConnector({ secrets: new SecretResolver({}, redactor), redactor, acceptNewHostKeys: false });
    const conns = connectEarly(early, connector);
    const rs1 = (await conns.connect(early[0]!)) as PosixTransport;
    // rs2 was connected before anyone asked for it
    await expect.poll(() => sessions('rs2'), { timeout: 10_000 }).toBe(before + 1);
    await conns.closeUnused();
    await expect.poll(() => sessions('rs2'), { timeout: 10_000 }).toBe(before);
    // the one taken stays the run's: open, and closed by the run
    expect((await rs1.run(sh`true`)).code).toBe(0);
    await rs1.close();
  });

  it('starts only what the read-ahead would: the first serial batch', async () => {
    expect(firstContacted(await playsOn('rs1:rs2', { serial: 1 })).map((h) => h.name)).toEqual(['rs1']);
  });
});

import { describe, expect, it } from 'vitest';
import { recapText, renderDiff, summarize } from '../../../src/run/report.js';

describe('recap and diffs', () => {
  it('prints a PLAY RECAP line per host, Ansible-like', () => {
    const summary = summarize(['lvs1', 'rs1'], [
      { host: 'lvs1', play: 'p', role: null, resource: 'a', kind: 'x', status: 'changed', durationMs: 1 },
      { host: 'lvs1', play: 'p', role: null, resource: 'b', kind: 'x', status: 'ok', durationMs: 1 },
      { host: 'rs1', play: 'p', role: null, resource: 'connect', kind: 'connection', status: 'unreachable', durationMs: 1 },
    ]);
    expect(recapText({ summary, check: false, aborted: false }).split('\n')).toEqual([
      `PLAY RECAP ${'*'.repeat(40)}`,
      'lvs1 : ok=1    changed=1    failed=0    skipped=0    unreachable=0',
      'rs1  : ok=0    changed=0    failed=0    skipped=0    unreachable=1',
    ]);
    expect(recapText({ summary, check: true, aborted: true })).toMatch(/check mode[\s\S]*interrupted/);
  });

  it('renders a unified diff for files and before/after for values', () => {
    expect(renderDiff({ before: 'a\nb\n', after: 'a\nc\n', label: '/etc/x' })).toBe('--- before: /etc/x\t\n+++ after: /etc/x\t\n@@ -1,2 +1,2 @@\n a\n-b\n+c');
    expect(renderDiff({ before: 'net.ipv4.ip_forward = 0', after: 'net.ipv4.ip_forward = 1' })).toBe('  - net.ipv4.ip_forward = 0\n  + net.ipv4.ip_forward = 1');
  });
});

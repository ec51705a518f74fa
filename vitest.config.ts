import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// unit: pure logic and the local transport (no root, no pwsh, no namespaces, no Debian packages); fast
// integration: this machine's tools for real (pwsh, keepalived -t, ansible-inventory, ssh-keygen, systemd-analyze, ip netns, a pty), root
// lab: integration on the netns lab (`lvs-play lab up` first; root)
// e2e: real IPVS in qemu VMs (`npm run test:e2e`)
// The package's own entries resolve to the sources (roles import 'lvs-play/kit' as outside roles do).
// `npm test` runs unit, then integration, then lab (groupOrder): the lab's bounded waits do not share
// the 2 cores with pwsh and keepalived -t.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^lvs-play\/kit$/, replacement: src('./src/kit/index.ts') },
      { find: /^lvs-play\/lab$/, replacement: src('./src/lab/index.ts') },
      { find: /^lvs-play\/roles$/, replacement: src('./roles/index.ts') },
      { find: /^lvs-play$/, replacement: src('./src/index.ts') },
    ],
  },
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], typecheck: { enabled: true, include: ['test/unit/**/*.test-d.ts'], tsconfig: 'test/tsconfig.typecheck.json' } } },
      { extends: true, test: { name: 'integration', sequence: { groupOrder: 1 }, include: ['test/integration/**/*.test.ts'], testTimeout: 120_000 } },
      { extends: true, test: { name: 'lab', sequence: { groupOrder: 2 }, include: ['test/lab/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000, fileParallelism: false } },
      { extends: true, test: { name: 'faults', include: ['test/faults/**/*.test.ts'], globalSetup: ['test/faults/global.ts'], testTimeout: 600_000, hookTimeout: 600_000, fileParallelism: false } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 1_800_000, hookTimeout: 1_800_000, fileParallelism: false } },
    ],
  },
});

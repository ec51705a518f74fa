import { defineConfig } from 'vitest/config';

// unit: pure logic and the local transport (no root, no lab)
// lab: integration on the netns lab (`lvs-play lab up` first; root)
// e2e: real IPVS in qemu VMs (`npm run test:e2e`)
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], typecheck: { enabled: true, include: ['test/unit/**/*.test-d.ts'] } } },
      { extends: true, test: { name: 'lab', include: ['test/lab/**/*.test.ts'], testTimeout: 600_000, hookTimeout: 600_000, fileParallelism: false } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], testTimeout: 1_800_000, hookTimeout: 1_800_000, fileParallelism: false } },
    ],
  },
});

/**
 * `lvs-play status --serve` in a real browser (Debian's chromium, headless, driven by
 * playwright-core) against the lab: the page shows lvs1 holding the VIP, and after lvs1's keepalived
 * stops, lvs2 — without a reload (a marker set in the page before survives). The screenshots in
 * docs/ (status-live.png, status-live-failover.png) are copies of the two taken here (in the temp dir).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E, freePort, start, startKeepalived, stopKeepalived, vipOn, waitHttp, type Proc } from './observe-support.js';
import { ROOT, cli, ensureLab, onHost } from './support.js';


describe('status --serve: the live page in chromium', () => {
  let server: Proc;
  let url = '';
  let browser: BrowserContext;
  const profile = mkdtempSync(join(tmpdir(), 'lvs-chromium-'));

  beforeAll(async () => {
    await ensureLab();
    const r = cli(['playbooks/site.ts', '-i', 'lab', ...E, '-l', 'directors:linux_realservers']);
    expect(r.code, r.stdout.slice(-3000) + r.stderr).toBe(0);
    await vipOn('lvs1');
    const port = await freePort();
    server = start(process.execPath, [join(ROOT, 'dist/src/cli/main.js'), 'status', '-i', 'lab', ...E, '--serve', `127.0.0.1:${port}`, '--watch', '1']);
    url = `http://127.0.0.1:${port}/`;
    await waitHttp(`${url}status.json`);
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1000, height: 640 },
    });
  });

  afterAll(async () => {
    await browser?.close();
    expect(await server?.stop(), server?.output()).toBe(0);
    rmSync(profile, { recursive: true, force: true });
    for (const h of ['lvs1', 'lvs2']) await onHost(h, '/etc/init.d/keepalived stop >/dev/null 2>&1; :');
  });

  it('shows lvs1 as VIP holder, then lvs2 after a failover, without a reload', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    page.on('request', (q) => { if (!q.url().startsWith(url)) external.push(q.url()); });
    await page.goto(url);
    const vip = page.locator('[data-id="vip-10.77.0.10"]');
    await expect.poll(() => vip.getAttribute('data-holder'), { timeout: 10_000 }).toBe('lvs1');
    expect(await page.locator('[data-id="director-lvs1"]').getAttribute('data-state')).toBe('MASTER');
    expect(await page.locator('[data-id="director-lvs2"]').getAttribute('data-state')).toBe('BACKUP');
    expect(await page.locator('[data-id="rs-rs1"]').getAttribute('data-weight')).toBe('3');
    expect(await page.locator('[data-id="rs-rs1"]').innerText()).toMatch(/in service/);
    await page.screenshot({ path: join(tmpdir(), 'lvs-status-live.png') }); // docs/status-live.png is a copy
    await page.evaluate(() => ((globalThis as unknown as { marker: string }).marker = 'no reload'));
    try {
      await stopKeepalived('lvs1');
      await vipOn('lvs2', 10_000);
      const t0 = Date.now();
      await expect.poll(() => vip.getAttribute('data-holder'), { timeout: 10_000 }).toBe('lvs2');
      console.log(`the page named lvs2 ${Date.now() - t0} ms after the VIP moved (status read every 1 s)`);
      // the VIP goes a moment before keepalived's last process exits (a round may show lvs1 BACKUP first)
      await expect.poll(() => page.locator('[data-id="director-lvs1"]').getAttribute('data-state'), { timeout: 10_000 }).toBe('STOPPED');
      expect(await page.locator('[data-id="director-lvs2"]').getAttribute('data-state')).toBe('MASTER');
      expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe('no reload');
      await page.screenshot({ path: join(tmpdir(), 'lvs-status-live-failover.png') });
    } finally {
      await startKeepalived('lvs1');
      await vipOn('lvs1');
    }
    expect(external).toEqual([]); // self-contained: no request leaves the page's origin
  });

  it('is read-only: anything but GET/HEAD is refused', async () => {
    const r = await fetch(`${url}status.json`, { method: 'POST', body: '{}' });
    expect(r.status).toBe(405);
  });
});

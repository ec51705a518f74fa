/**
 * The lab's real-server web server can be switched to answer 500 (a broken application), for the
 * HTTP_GET health checks of issue 22 (the e2e suite measures how fast IPVS drops such a server):
 * `failWeb(host, true)` → every GET answers 500, `failWeb(host, false)` → 200 again, no restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failWeb, startWeb } from '../../src/lab/web.js';
import { ensureLab, onHost } from './support.js';

const code = () => onHost('client', 'curl -s -o /dev/null -w "%{http_code}" --max-time 5 http://10.77.0.16/health');

describe('the lab web server answers 500 on demand', () => {
  beforeAll(async () => {
    await ensureLab();
    await startWeb('rs1'); // this version of the server (a lab up before it runs the old one)
  });

  afterAll(async () => {
    await failWeb('rs1', false);
  });

  it('500 while failed, 200 again after', async () => {
    expect(await code()).toBe('200');
    await failWeb('rs1', true);
    expect(await code()).toBe('500');
    await failWeb('rs1', false);
    expect(await code()).toBe('200');
  });
});

/** `lvs-play init`'s lvs-play dependency: the registry's when published, else the package it runs from. */
import { describe, expect, it } from 'vitest';
import { lvsPlayDependency } from '../../../src/cli/init-dependency.js';

describe('init: the lvs-play a new repository depends on', () => {
  it('the registry version when this version is published there', async () => {
    const asked: string[] = [];
    const dep = await lvsPlayDependency('/opt/lvs-play', '1.2.3', async (name, v) => (asked.push(`${name}@${v}`), true));
    expect([dep, asked]).toEqual([{ spec: '^1.2.3', from: 'registry' }, ['lvs-play@1.2.3']]);
  });

  it('else the package init runs from, as a file: path', async () => {
    expect(await lvsPlayDependency('/opt/lvs-play', '1.2.3', async () => false)).toEqual({ spec: 'file:/opt/lvs-play', from: 'local' });
  });
});

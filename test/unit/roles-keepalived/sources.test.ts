/** The lab's offline keepalived source: the private deb-src list derived from the machine's apt sources. */
import { describe, expect, it } from 'vitest';
import { debSrcFrom, KEEPALIVED_SHA256, KEEPALIVED_TARBALL } from '../../../src/lab/sources.js';

describe('debSrcFrom', () => {
  it('turns deb822 and one-line sources into deb-src, keeping everything else', () => {
    const out = debSrcFrom([
      { name: 'debian.sources', text: 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n' },
      { name: 'sources.list.list', text: '# comment\ndeb http://deb.debian.org/debian bookworm main\ndeb-src http://x y z\n' },
      { name: 'empty.list', text: '# nothing\n' },
      { name: 'README', text: 'Types: deb\n' },
    ]);
    expect(out).toEqual([
      { name: 'debian.sources', text: 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\n' },
      { name: 'sources.list.list', text: 'deb-src http://deb.debian.org/debian bookworm main\n' },
    ]);
  });

  it('names the 2.2.7 orig tarball and its checksum', () => {
    expect(KEEPALIVED_TARBALL).toBe('keepalived_2.2.7.orig.tar.gz');
    expect(KEEPALIVED_SHA256).toBe('c61940d874154a560a54627ecf7ef47adebdf832164368d10bf242a4d9b7d49d');
  });
});

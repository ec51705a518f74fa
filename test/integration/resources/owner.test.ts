// file and directory change owner and group for real: chown, so root (as on a host).
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { directory } from '../../../src/resources/directory.js';
import { file } from '../../../src/resources/file.js';
import { cycle, tempDir } from '../../unit/resources/helpers.js';

describe('owner and group', () => {
  it('file: sets owner and group (numeric ids)', async () => {
    const d = await tempDir();
    const p = join(d, 'owned');
    await cycle(file({ path: p, content: 'x', owner: 65534, group: 65534 }), d);
    const st = await stat(p);
    expect([st.uid, st.gid]).toEqual([65534, 65534]);
  });

  it('directory: fixes the owner of an existing directory', async () => {
    const d = await tempDir();
    const p = join(d, 'x');
    await mkdir(p, { mode: 0o700 });
    await cycle(directory({ path: p, mode: 0o755, owner: 65534 }), d);
    expect((await stat(p)).uid).toBe(65534);
  });
});

// secret.prompt on a real terminal (a pty driven by python3): the prompt shows, the secret is never echoed.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url).pathname;

const python = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!python && 'python3 with pty is needed to drive a real terminal')('a real terminal', () => {
  it('prompts on a pty without echoing the secret', () => {
    const child = `const {createJiti}=require('jiti');createJiti(process.cwd()+'/index.js').import(${JSON.stringify(`${root}src/inventory/secret.ts`)})
      .then(m=>new m.SecretResolver().resolve(m.secret.prompt('Password?')))
      .then(v=>{console.log('GOT['+v+']');process.exit(0)},e=>{console.log('ERR '+e.message);process.exit(1)})`;
    const driver = `
import os, pty, sys, time, select
pid, fd = pty.fork()
if pid == 0:
    os.execvp('node', ['node', '-e', sys.argv[1]])
out = b''
def pump(until, timeout):
    global out
    end = time.time() + timeout
    while until not in out and time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                return
            if not chunk:
                return
            out += chunk
pump(b'Password?', 30)
os.write(fd, b'hunter2\\r')
pump(b']', 30)
os.waitpid(pid, 0)
sys.stdout.write(out.decode())
`;
    const r = spawnSync('python3', ['-c', driver, child], { encoding: 'utf8', cwd: root, timeout: 60_000 });
    expect(r.stdout).toContain('Password?');
    expect(r.stdout).toContain('GOT[hunter2]');
    expect(r.stdout.split('hunter2')).toHaveLength(2); // only in our own GOT[...] line: never echoed
  }, 60_000);
});

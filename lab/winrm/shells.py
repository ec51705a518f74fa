"""WinRS shells and their commands: real processes, their stdin (Send), stdout/stderr (Receive).

Each command is its own process group (session), so Signal terminate and shell Delete end the
command and everything it started, also inside the lab host's namespaces (nsenter's children).
"""
import base64
import os
import signal
import subprocess
import threading
import time
import uuid

import commandline
from wsman import Fault

# Windows reports a console process ended by Ctrl-C with STATUS_CONTROL_C_EXIT.
CTRL_C_EXIT = 0xC000013A
READ_CHUNK = 65536


def shell_not_found(shell_id):
    return Fault('w:InvalidSelectors', 'The WS-Management service cannot process the request because the request contained invalid selectors for the resource. ',
                 code=2150858843, message='The request for the Windows Remote Shell with ShellId %s failed because the shell was not found on the server. '
                 'Possible causes are: the specified ShellId is incorrect or the shell no longer exists on the server. Provide the correct ShellId or create a new shell and retry the operation. ' % shell_id)


def command_not_found(command_id):
    return Fault('w:InvalidSelectors', 'The WS-Management service cannot process the request because the request contained invalid selectors for the resource. ',
                 code=2150858843, message='The request for the Windows Remote Shell command with CommandId %s failed because the command was not found. ' % command_id)


def timed_out():
    return Fault('w:TimedOut', 'The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  ',
                 code=2150858793, message='The WS-Management service cannot complete the operation within the time specified in OperationTimeout.  ')


class Command:
    def __init__(self, argv, env, cwd):
        self.id = str(uuid.uuid4()).upper()
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, cwd=cwd, start_new_session=True)
        self.cond = threading.Condition()
        self.out = {'stdout': bytearray(), 'stderr': bytearray()}
        self.eof = {'stdout': False, 'stderr': False}
        self.signalled = None
        self.sequence = 0
        self.stdin_closed = False
        for name, pipe in (('stdout', self.proc.stdout), ('stderr', self.proc.stderr)):
            threading.Thread(target=self._pump, args=(name, pipe), daemon=True).start()

    def _pump(self, name, pipe):
        fd = pipe.fileno()
        while True:
            try:
                data = os.read(fd, READ_CHUNK)
            except OSError:
                data = b''
            with self.cond:
                if data:
                    self.out[name] += data
                else:
                    self.eof[name] = True
                self.cond.notify_all()
            if not data:
                pipe.close()
                return

    def send(self, data, end):
        if self.stdin_closed:
            return
        try:
            if data:
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
            if end:
                self.proc.stdin.close()
                self.stdin_closed = True
        except (BrokenPipeError, ValueError, OSError):
            self.stdin_closed = True

    def kill(self, sig=signal.SIGKILL):
        try:
            os.killpg(self.proc.pid, sig)
        except ProcessLookupError:
            pass
        if sig == signal.SIGKILL:
            threading.Thread(target=self.proc.wait, daemon=True).start()  # reap it

    def exit_code(self):
        rc = self.proc.returncode
        if rc is None:
            return 0
        if rc < 0:
            return CTRL_C_EXIT if -rc == signal.SIGINT else 1
        return rc

    def receive(self, streams, timeout, max_bytes):
        """Waits up to `timeout` s for output or the end; returns (chunks, done, exit code, sequence)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not any(self.out[s] for s in streams) and not self._finished_locked():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise timed_out()
                self.cond.wait(min(left, 0.2))
            # a little batching, as Windows does, so small writes do not each cost a round trip
            self.cond.wait(0.02)
            chunks, budget = [], max_bytes
            for s in streams:
                data = bytes(self.out[s][:budget])
                del self.out[s][:len(data)]
                budget -= len(data)
                if data:
                    chunks.append((s, base64.b64encode(data).decode('ascii'), False))
            done = self._finished_locked() and not any(self.out[s] for s in streams)
            if done:
                chunks += [(s, '', True) for s in streams]
            self.sequence += 1
            return chunks, done, self.exit_code() if done else None, self.sequence - 1

    def _finished_locked(self):
        if self.proc.poll() is None:
            return False
        if not all(self.eof.values()):
            # the process is gone; its pipes end as soon as its children are gone too
            return False
        return True


class Shell:
    def __init__(self, owner, env, cwd):
        self.id = str(uuid.uuid4()).upper()
        self.owner = owner
        self.env = env
        self.cwd = cwd
        self.commands = {}


class Shells:
    """Every open shell of the endpoint, by ShellId; a shell belongs to the user who made it."""

    def __init__(self, pwsh, sh, exec_prefix, base_env):
        self.lock = threading.Lock()
        self.shells = {}
        self.pwsh = pwsh
        self.sh = sh
        self.exec_prefix = exec_prefix
        self.base_env = base_env

    def create(self, owner, env_vars, cwd):
        env = dict(self.base_env)
        env.update(env_vars)
        if not (cwd and cwd.startswith('/') and os.path.isdir(cwd)):
            cwd = None  # a Windows path (C:\...) means nothing here
        shell = Shell(owner, env, cwd)
        with self.lock:
            self.shells[shell.id] = shell
        return shell

    def get(self, owner, shell_id):
        with self.lock:
            shell = self.shells.get(shell_id)
        if shell is None or shell.owner != owner:
            raise shell_not_found(shell_id)
        return shell

    def command(self, shell, command_id):
        cmd = shell.commands.get(command_id)
        if cmd is None:
            raise command_not_found(command_id)
        return cmd

    def run(self, shell, command, arguments, skip_cmd_shell):
        argv = self.exec_prefix + commandline.resolve(command, arguments, skip_cmd_shell, self.pwsh, self.sh)
        try:
            cmd = Command(argv, shell.env, shell.cwd)
        except OSError as e:
            raise Fault('w:InternalError', 'The WS-Management service cannot process the request. ', sender=False,
                        code=2147942402, message='The command could not be started: %s' % e.strerror)
        shell.commands[cmd.id] = cmd
        return cmd

    def signal(self, shell, command_id, code):
        from wsman import SIGNAL_CTRL_BREAK, SIGNAL_CTRL_C, SIGNAL_TERMINATE
        cmd = self.command(shell, command_id)
        if code == SIGNAL_TERMINATE:
            cmd.kill(signal.SIGKILL)
            shell.commands.pop(command_id, None)
        elif code in (SIGNAL_CTRL_C, SIGNAL_CTRL_BREAK):
            cmd.kill(signal.SIGINT)
        else:
            raise Fault('w:InvalidParameter', 'The parameter is incorrect. ', code=87, message='Unknown signal code %s' % code)

    def delete(self, owner, shell_id):
        shell = self.get(owner, shell_id)
        with self.lock:
            self.shells.pop(shell_id, None)
        for cmd in list(shell.commands.values()):
            cmd.kill(signal.SIGKILL)
        shell.commands.clear()

    def close_all(self):
        with self.lock:
            ids = [(s.owner, s.id) for s in self.shells.values()]
        for owner, sid in ids:
            self.delete(owner, sid)

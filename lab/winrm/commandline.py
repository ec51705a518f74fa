"""What a WinRS command line runs here.

`powershell[.exe] ARGS` (also by full path, also after `cmd /c`) runs the lab's pwsh with ARGS
(-EncodedCommand, -Command, -NoProfile, -NonInteractive, -ExecutionPolicy … as powershell.exe takes
them; -Version N is dropped: there is one PowerShell). Anything else is an APPROXIMATION of cmd.exe:
the line runs through /bin/sh -c (so `echo`, `exit 3` work; `ipconfig /all` does not exist here).
"""
import ntpath

# Parameters of powershell.exe that pwsh does not take; dropped with their value.
_DROP_WITH_VALUE = {'-version', '-v'}
_DROP = {'-sta', '-mta'}


def split_windows(line):
    """Splits a command line the way CommandLineToArgvW does (quotes group, \\" is a quote)."""
    args, cur, quoted, have, i = [], [], False, False, 0
    while i < len(line):
        c = line[i]
        if c == '\\':
            j = i
            while j < len(line) and line[j] == '\\':
                j += 1
            n = j - i
            if j < len(line) and line[j] == '"':
                cur.append('\\' * (n // 2))
                if n % 2:
                    cur.append('"')
                    i = j + 1
                else:
                    i = j
                have = True
                continue
            cur.append('\\' * n)
            i, have = j, True
            continue
        if c == '"':
            quoted, have = not quoted, True
        elif c in ' \t' and not quoted:
            if have:
                args.append(''.join(cur))
            cur, have = [], False
        else:
            cur.append(c)
            have = True
        i += 1
    if have:
        args.append(''.join(cur))
    return args


def _program(token):
    name = ntpath.basename(token).lower()
    return name[:-4] if name.endswith('.exe') else name


def _strip_cmd(line, skip_cmd_shell):
    """`cmd /c REST` → REST (WinRS runs the line through cmd.exe /c unless WINRS_SKIP_CMD_SHELL)."""
    toks = split_windows(line)
    if len(toks) >= 2 and _program(toks[0]) == 'cmd' and toks[1].lower() in ('/c', '/k'):
        idx = line.lower().find(toks[1].lower()) + len(toks[1])
        rest = line[idx:].strip()
        # cmd strips one pair of quotes around the whole rest
        return rest[1:-1] if len(rest) >= 2 and rest[0] == '"' and rest[-1] == '"' else rest
    return line


def pwsh_args(args):
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        low = a.lower()
        if low in _DROP_WITH_VALUE:
            skip = True
        elif low not in _DROP:
            out.append(a)
    return out


def resolve(command, arguments, skip_cmd_shell, pwsh, sh):
    """argv to run for a WinRS Command (command text + its Arguments)."""
    line = ' '.join([command] + list(arguments)).strip()
    line = _strip_cmd(line, skip_cmd_shell)
    toks = split_windows(line)
    if toks and _program(toks[0]) == 'powershell':
        return list(pwsh) + pwsh_args(toks[1:])
    return list(sh) + [line]

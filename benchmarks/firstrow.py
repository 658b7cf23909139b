"""Time to the first row of `fup review`: run it on a pseudo-terminal, answer its first key
prompt with `q`, and wait for it to end.

Usage: python firstrow.py FUP [ARGS...]   (the environment is passed on: FUP_HOME, FUP_NOW)

`fup review` needs a terminal, so the benchmark cannot run it as it runs other commands;
this wrapper is the terminal. The pair times the whole wrapper, so its own start (a bare
Python, about 20 ms) counts against `fup review`. Exits non-zero when no prompt comes within
60 seconds or fup fails.
"""

import os
import pty
import select
import sys
import time

PROMPT = b"[s,n,m,t,d,z,a,x,e,u,k,q,?]"
TIMEOUT = 60.0


def main(argv: list[str]) -> int:
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(argv[0], argv)
    seen, answered, deadline = b"", False, time.monotonic() + TIMEOUT
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1.0)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen = (seen + chunk)[-4096:]
            if not answered and PROMPT in seen:
                os.write(fd, b"q")
                answered = True
    finally:
        os.close(fd)
        _, status = os.waitpid(pid, 0)
    if not answered:
        sys.stderr.write("no key prompt from fup review\n" + seen.decode("utf-8", "replace")[-500:])
        return 1
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

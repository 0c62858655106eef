"""The `curate` command line: run one command (`curate.commands.run`) and turn its outcome into
an exit status.

A `CurateError` (a user mistake) prints one clear message and exits 2, and so do the file-system
errors a user can act on (disk full, quota, name too long, read-only, permission); anything else
is a bug and keeps its traceback. Ctrl-C exits 130; a closed output pipe (e.g. `curate query ...
| head`) exits 0 quietly, while any other broken pipe is an error.
"""

from __future__ import annotations

import errno
import os
import select
import sys
from collections.abc import Sequence

from curate.commands import run
from curate.errors import CurateError


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        return run(sys.argv[1:] if argv is None else argv)
    except CurateError as e:
        print(f"curate: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("curate: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        if not _stdout_closed():
            raise  # a pipe of our own (a worker, a child process) broke: a bug, keep the trace
        return 0
    except OSError as e:
        if e.errno in _USER_ERRNOS:
            print(f"curate: error: {e.strerror}: {e.filename or ''} ({_USER_ERRNOS[e.errno]})",
                  file=sys.stderr)  # fmt: skip
            return 2
        raise


# file-system errors a user can act on: one message, exit 2 (a run resumes from where it stopped)
_USER_ERRNOS = {
    errno.ENOSPC: "free some space on that file system and rerun the same command",
    errno.EDQUOT: "free some space within your quota and rerun the same command",
    errno.ENAMETOOLONG: "a file name or path is too long for this file system: shorten it",
    errno.EROFS: "that file system is read-only: choose a writable --workspace or output",
    errno.EACCES: "no permission: choose a folder you can write, or fix its permissions",
}


def _stdout_closed() -> bool:
    """True when stdout's reader went away (`curate query ... | head`): then exit quietly."""
    try:
        fd = sys.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        events = poller.poll(0)
    except (OSError, ValueError):
        return False
    if not any(ev & select.POLLERR for _, ev in events):
        return False
    os.dup2(os.open(os.devnull, os.O_WRONLY), fd)  # silence the interpreter's flush at exit
    return True


if __name__ == "__main__":
    sys.exit(main())

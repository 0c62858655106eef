"""The `curate` command line: run one command (`curate.commands.run`) and turn its outcome into
an exit status.

A `CurateError` (a user mistake) prints one clear message and exits 2; anything else is a bug
and keeps its traceback. Ctrl-C exits 130; a closed output pipe (e.g. `curate query ... | head`)
exits 0 quietly.
"""

from __future__ import annotations

import os
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
        return 0


if __name__ == "__main__":
    sys.exit(main())

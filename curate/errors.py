"""User-facing errors.

A `CurateError` is a mistake the user can act on (bad config key, missing file, bad SQL). The CLI
prints its message without a traceback and exits with status 2. Messages say what was wrong,
where (file, line or row) and what to do. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class CurateError(Exception):
    """An error caused by user input; printed without a traceback."""


class ConfigError(CurateError):
    """A configuration file or flag is invalid."""


def suggest(name: str, valid: Iterable[str]) -> str:
    """Return ' (did you mean X?)' when a close match exists, else ''."""
    close = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def unknown_name(kind: str, name: str, valid: Iterable[str], where: str = "") -> ConfigError:
    """Build the standard 'unknown X' error: names the bad value and lists the valid ones."""
    valid = sorted(valid)
    loc = f"{where}: " if where else ""
    return ConfigError(
        f"{loc}unknown {kind} {name!r}{suggest(name, valid)}; valid: {', '.join(valid) or '(none)'}"
    )

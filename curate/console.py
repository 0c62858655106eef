"""Terminal output: plain fixed-width tables and JSON-safe values for `curate query`, `summary`
and the other commands that print rows."""

from __future__ import annotations

import json
import math
from typing import Any


def cell(v: Any) -> str:
    """One value as table text (NULL as empty, floats to 6 significant digits)."""
    if v is None:
        return ""
    if isinstance(v, bytes | bytearray | memoryview):
        return bytes(v).decode("utf-8", errors="backslashreplace")
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.6g}"
    if isinstance(v, list | dict | tuple):
        return json.dumps(v, default=str, ensure_ascii=False)
    return str(v)


def jsonable(v: Any) -> Any:
    """A value as JSON can carry it (bytes as text, NaN as null, other objects as strings)."""
    if isinstance(v, bytes | bytearray | memoryview):
        return bytes(v).decode("utf-8", errors="backslashreplace")
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [jsonable(x) for x in v]
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, int | float | str | bool) or v is None:
        return v
    return str(v)


def format_table(cols: list[str], rows: list[tuple], max_width: int = 60) -> str:
    """Header, rule, one line per row; long cells cut with '…'."""
    cells = [[cell(v).replace("\n", "\\n") for v in r] for r in rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in cells]
    widths = [len(c) for c in cols]
    for r in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, r, strict=True)]
    line = "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(out)

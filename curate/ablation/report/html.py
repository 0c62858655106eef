"""One self-contained HTML page per ablation: inline CSS, figures as base64 PNGs, tables.

Nothing is fetched when the page opens (no scripts, no external CSS, fonts or images), so it can
be mailed or archived as one file. Every number comes from the store's `results` rows passed in;
every effect is printed with its 95% interval, and the verdict words come from
`curate.ablation.aggregate.verdict`: "no detectable difference" whenever the interval includes 0.
"""

from __future__ import annotations

import base64
import html
import math
from collections.abc import Sequence
from typing import Any

CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2rem auto;
max-width:1100px;color:#222;line-height:1.45;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.85rem}
th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:right}
th{background:#f3f3f3}td.l,th.l{text-align:left}
.verdict{font-weight:600}.none{color:#777}.pos{color:#b00}.neg{color:#06c}
figure{margin:1rem 0}figcaption{font-size:.85rem;color:#555}
img{max-width:100%;border:1px solid #eee}
.note{font-size:.85rem;color:#555}code{background:#f6f6f6;padding:0 .2rem}
"""


def esc(x: Any) -> str:
    return html.escape(str(x))


def num(v: Any, digits: int = 3, signed: bool = True) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, float):
        if abs(v) >= 1000:
            return f"{v:,.0f}"
        return f"{v:+.{digits}f}" if signed else f"{v:.{digits}f}"
    return str(v)


def interval(r: dict[str, Any] | None, digits: int = 3, signed: bool = True) -> str:
    """'value [low, high]' (signed numbers for effects, plain for losses)."""
    if r is None:
        return "–"
    lo, hi = r.get("ci_low"), r.get("ci_high")
    n = lambda x: num(x, digits, signed)  # noqa: E731
    if lo is None or hi is None or (isinstance(lo, float) and math.isnan(lo)):
        return f"{n(r['value'])} (no interval)"
    return f"{n(r['value'])} [{n(lo)}, {n(hi)}]"


def verdict_html(text: str) -> str:
    cls = {"higher": "pos", "lower": "neg"}.get(text, "none")
    return f'<span class="verdict {cls}">{esc(text)}</span>'


def figure(png: bytes | None, caption: str, fig_id: str) -> str:
    if png is None:
        return (
            f'<p class="note" id="{esc(fig_id)}">({esc(caption)}: nothing to plot in this run)</p>'
        )
    b64 = base64.b64encode(png).decode()
    return (
        f'<figure id="{esc(fig_id)}"><img alt="{esc(caption)}" src="data:image/png;base64,{b64}">'
        f"<figcaption>{esc(caption)}</figcaption></figure>"
    )


def table(
    headers: Sequence[str], rows: Sequence[Sequence[Any]], table_id: str, left: int = 1
) -> str:
    """`left` leading columns are left-aligned text; cells are escaped unless they start with '<'."""

    def cell(i: int, v: Any) -> str:
        s = str(v)
        body = s if s.startswith("<") else esc(s)
        return f'<td class="l">{body}</td>' if i < left else f"<td>{body}</td>"

    head = "".join(
        f'<th class="l">{esc(h)}</th>' if i < left else f"<th>{esc(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join("<tr>" + "".join(cell(i, v) for i, v in enumerate(r)) + "</tr>" for r in rows)
    return (
        f'<table id="{esc(table_id)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def page(title: str, sections: Sequence[tuple[str, str]]) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
    ]
    for heading, body in sections:
        parts.append(f"<h2>{esc(heading)}</h2>" if heading else "")
        parts.append(body)
    parts.append("</body></html>")
    return "\n".join(parts)

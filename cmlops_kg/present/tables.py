"""Plain-text, CSV and JSON renderings of query rows."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Sequence

from cmlops_kg import vocab
from cmlops_kg.present.escape import csv_cell, terminal
from cmlops_kg.rdf.terms import IRI


def shorten(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, IRI):
        return vocab.shorten(str(value))
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def text_table(rows: Sequence[dict], columns: Sequence[str] | None = None, width: int = 60) -> str:
    if not rows:
        return "(no rows)"
    cols = list(columns or rows[0].keys())
    cells = [[_clip(shorten(r.get(c)), width) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    line = "  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join([line, rule, *body])


def _clip(text: str, width: int) -> str:
    text = terminal(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def csv_text(rows: Sequence[dict], columns: Sequence[str] | None = None) -> str:
    import csv  # imported here: only CSV output needs it

    buffer = io.StringIO()
    cols = list(columns or (rows[0].keys() if rows else []))
    writer = csv.writer(buffer)
    writer.writerow(cols)
    for r in rows:
        writer.writerow([_csv_value(r.get(c)) for c in cols])
    return buffer.getvalue()


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)  # a negative number is a number, not a formula
    return csv_cell(str(value))


def json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def json_text(data: object) -> str:
    return json.dumps(data, indent=2, default=json_default, ensure_ascii=False)

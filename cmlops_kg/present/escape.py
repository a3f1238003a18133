"""Text from profiles, scans and queries, encoded for the sink it goes to.

Labels and names come from files other people wrote; each sink interprets different bytes:
a terminal runs escape sequences (ESC, OSC hyperlinks, CR overwrites, bidi overrides), Markdown
and HTML run markup, an HTML attribute runs ``javascript:`` URLs, a spreadsheet runs a cell
that starts with ``=``, ``+``, ``-`` or ``@``. Every renderer passes such text through the
function for its sink.
"""

from __future__ import annotations

import re

SAFE_SCHEMES = ("http://", "https://", "mailto:")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_url(url: str | None) -> str | None:
    """A URL a report may link to: http, https or mailto only (never javascript: or data:)."""
    if not url:
        return None
    text = str(url).strip()
    if _CONTROL.search(text) or any(c.isspace() for c in text):
        return None  # "java\tscript:" is javascript: to a browser
    return text if text.lower().startswith(SAFE_SCHEMES) else None


def terminal(text: object) -> str:
    """Text for a terminal: control characters (ESC, OSC, CR, bidi overrides) removed."""
    return _CONTROL.sub("", str(text).replace("\n", " "))


def terminal_lines(text: object) -> str:
    """Like :func:`terminal`, keeping line breaks (for multi-line messages)."""
    return "\n".join(terminal(line) for line in str(text).split("\n"))


def md(text: object) -> str:
    """Text for Markdown: every character Markdown or HTML would interpret is escaped."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", terminal(text))


def xml(text: object) -> str:
    """Text for XML (an SVG chart's labels and attributes): the characters XML 1.0 cannot hold
    (most control characters) removed, ``& < > " '`` escaped, so a label ends no element and
    no attribute."""
    import html  # imported here: the terminal and JSON outputs need no HTML escaping

    return html.escape(terminal(text), quote=True)


def plotly(text: object) -> str:
    """Text for a Plotly label, tick or legend entry: Plotly renders a subset of HTML (``<b>``,
    ``<br>``, ``<a href>``) in them, so ``& < >`` are escaped (Plotly decodes those entities,
    not ``&quot;``, so quotes stay as they are) and control characters removed."""
    import html

    return html.escape(terminal(text), quote=False)


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a ``'``."""
    return "'" + text if text.startswith(_FORMULA_START) else text

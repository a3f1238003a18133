"""Guards for the read-only query paths (CLI ``query`` and the app's SPARQL page)."""

from __future__ import annotations

import re

from cmlops_kg.errors import QueryError

_FORBIDDEN = (
    "INSERT",
    "DELETE",
    "LOAD",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "SERVICE",
    "WITH",
)
_STRINGS = re.compile(
    r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\''
)
_IRIS = re.compile(r"<[^<>\s]*>")
_COMMENTS = re.compile(r"#[^\n]*")


def code_only(query: str) -> str:
    """The query with strings, IRIs and comments blanked, so keywords can be found safely."""
    text = _STRINGS.sub('""', query)
    text = _IRIS.sub("<>", text)
    return _COMMENTS.sub("", text)


def ensure_read_only(query: str) -> None:
    """Refuse SPARQL Update operations and federated SERVICE calls with a clear message."""
    code = code_only(query)
    for word in _FORBIDDEN:
        if re.search(rf"(?i)(?<![\w?$:]){word}(?![\w:])", code):
            kind = "federated SERVICE calls" if word == "SERVICE" else f"{word} (SPARQL Update)"
            raise QueryError(
                f"this query path is read-only: {kind} is refused",
                fix="use SELECT, CONSTRUCT, ASK or DESCRIBE over the loaded data; "
                "to change data, edit the profile file and load it again",
            )

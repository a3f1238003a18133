"""Counted nouns for people to read: "1 practice", "2 practices", never "1 practice(s)"."""

from __future__ import annotations


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun in the number it takes (plural: ``singular + "s"`` unless given)."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"

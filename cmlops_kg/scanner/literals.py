"""Which of many literals occur in a file, in one pass of the regex engine.

Looking each literal up with ``in`` costs one scan of the file per literal (280 of them for a
Python file). Instead the literals become one trie-shaped pattern inside a lookahead, tried at
every position: at each position it reports the longest literal starting there (a trie has one
branch per next byte, and the optional end of a shorter literal is tried after the longer
continuation). Every literal occurring at that position is a prefix of the one reported, so the
set of literals *contained in* the reported ones (precomputed) is exactly the set present --
the same answer as the ``in`` loop, about four times faster on the benchmark tree.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

_Trie = dict  # byte -> _Trie; the key None marks the end of a literal


def _trie(literals: Iterable[bytes]) -> _Trie:
    root: _Trie = {}
    for literal in literals:
        node = root
        for byte in literal:
            node = node.setdefault(byte, {})
        node[None] = True
    return root


def _pattern(node: _Trie) -> bytes:
    branches = [
        re.escape(bytes([byte])) + _pattern(child)
        for byte, child in sorted((k, v) for k, v in node.items() if k is not None)
    ]
    if not branches:
        return b""
    body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
    if None in node:  # a literal may end here: the longer continuation is tried first
        return b"(?:" + body + b")?"
    return body


class LiteralFinder:
    """The literals (non-empty bytes) present in a text, as ``{lit for lit in literals if lit
    in text}`` would say."""

    def __init__(self, literals: Iterable[bytes]) -> None:
        self.literals = tuple(sorted({lit for lit in literals if lit}))
        self._regex = (
            re.compile(b"(?=(" + _pattern(_trie(self.literals)) + b"))", re.DOTALL)
            if self.literals
            else None
        )
        self._contained = {
            lit: frozenset(other for other in self.literals if other in lit)
            for lit in self.literals
        }

    def present(self, text: bytes) -> set[bytes]:
        if self._regex is None:
            return set()
        found: set[bytes] = set()
        for longest in set(self._regex.findall(text)):
            found |= self._contained[longest]
        return found


@functools.lru_cache(maxsize=256)
def finder(literals: tuple[bytes, ...]) -> LiteralFinder:
    return LiteralFinder(literals)

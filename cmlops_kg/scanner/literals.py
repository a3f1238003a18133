"""Which of many literals occur in a file, without a pass of the regex engine per literal.

Looking each literal up with ``in`` costs one scan of the file per literal (280 of them for a
Python file), and one regex of all of them (a trie inside a lookahead, tried at every position)
costs a compile per set of literals and still some 20 ns per byte. Instead the file is split
into its words (maximal runs of ASCII letters, digits and ``_``, in C: ``bytes.translate`` and
``split``), and the literals are found through the words:

- a literal made of word characters only occurs in the text exactly when it occurs inside one
  of its words (an occurrence cannot span a non-word byte);
- any other literal occurs only if its longest run of word characters occurs inside a word,
  and is then confirmed with ``in``; a literal without word characters (``(``) is looked up
  with ``in`` directly.

The words are first cut, all in one C call, at the bytes no key holds (digits, often), and
which keys occur inside each such run is worked out once per distinct run (an index by first
three bytes) and remembered: ``record7``, ``record8`` and ``load_7`` of a generated tree, or
the unique identifiers of a real one, cost the remembered lookups of ``record`` and ``load_``.
The answer is exactly ``{lit for lit in literals if lit in text}``.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable

# bytes -> the same byte for word characters (ASCII letters, digits, "_"), a space otherwise
_WORD = bytes(b if (chr(b).isalnum() and b < 128) or b == 95 else 32 for b in range(256))
MEMO_WORDS = 50_000  # distinct runs remembered per finder (a bound on memory)


def words(text: bytes) -> list[bytes]:
    """The maximal runs of word characters of a text, in order (case kept)."""
    return text.translate(_WORD).split()


class LiteralFinder:
    """The literals (non-empty bytes) present in a text, as ``{lit for lit in literals if lit
    in text}`` would say."""

    def __init__(self, literals: Iterable[bytes]) -> None:
        self.literals = tuple(sorted({lit for lit in literals if lit}))
        self._word_literals: set[bytes] = set()  # literals of word characters only
        self._pieced: dict[bytes, list[bytes]] = defaultdict(list)  # longest run -> literals
        self._direct: list[bytes] = []  # literals without any word character
        for lit in self.literals:
            runs = words(lit)
            if runs == [lit]:
                self._word_literals.add(lit)
            elif not runs:
                self._direct.append(lit)
            else:
                self._pieced[max(runs, key=len)].append(lit)
        keys = self._word_literals | set(self._pieced)
        self._singles = tuple(k for k in keys if len(k) == 1)
        self._pairs = frozenset(k for k in keys if len(k) == 2)
        # longer keys by their first three bytes (two collide too often: "lo" starts 8 keys)
        by_three: dict[bytes, list[bytes]] = defaultdict(list)
        for key in sorted(keys):
            if len(key) > 2:
                by_three[key[:3]].append(key)
        self._by_three = dict(by_three)
        self._memo: dict[bytes, frozenset[bytes]] = {}  # runs holding keys -> the keys
        self._none: set[bytes] = set()  # runs known to hold no key (most of them)
        # the same per word, for callers that have a text's words: a set of words minus those
        # known to hold nothing is one C call, cheaper than joining, cutting and splitting them
        self._word_memo: dict[bytes, frozenset[bytes]] = {}
        self._none_words: set[bytes] = set()
        # bytes in no key -> a space: a key lies within one run of the others, and words that
        # differ only in such bytes (record1, record2: digits, often) share their runs
        in_keys = {b for key in keys for b in key}
        self._cut = bytes(b if b in in_keys else 32 for b in range(256))

    def _remember(self, run: bytes, found: frozenset[bytes]) -> None:
        if len(self._memo) + len(self._none) < MEMO_WORDS:
            if found:
                self._memo[run] = found
            else:
                self._none.add(run)

    def _scan(self, word: bytes) -> frozenset[bytes]:
        """The keys inside a run of a word, looked for position by position."""
        hits = [k for k in self._singles if k in word] if self._singles else []
        if self._pairs:
            hits += [word[i : i + 2] for i in range(len(word) - 1)]
            hits = [k for k in hits if len(k) == 1 or k in self._pairs]
        three = self._by_three.get  # a plain dict: a miss creates nothing
        for i in range(len(word) - 2):
            keys = three(word[i : i + 3])
            if keys is not None:
                for key in keys:
                    if word.startswith(key, i):
                        hits.append(key)
        return frozenset(hits)

    def present(self, text: bytes, text_words: Iterable[bytes] | None = None) -> set[bytes]:
        """The literals in ``text``; ``text_words``, when given, must be its words (``words``,
        in any order, repeated or not)."""
        if not self.literals:
            return set()
        if text_words is None:
            # the runs of the text: a key lies within one run (it holds neither non-word bytes
            # nor the bytes cut)
            keys = self._keys_in(set(text.translate(self._cut).split()))
        else:
            keys = self._keys_of_words(text_words)
        found = keys & self._word_literals
        for key in keys:
            for lit in self._pieced.get(key, ()):
                if lit in text:
                    found.add(lit)
        for lit in self._direct:
            if lit in text:
                found.add(lit)
        return found

    def _keys_in(self, runs: set[bytes]) -> set[bytes]:
        """The keys inside some of the runs; the runs known to hold nothing are dropped in C,
        the rest looked at one by one."""
        keys: set[bytes] = set()
        memo = self._memo
        for run in runs - self._none:
            hits = memo.get(run)
            if hits is None:
                hits = self._scan(run)
                self._remember(run, hits)
            if hits:
                keys |= hits
        return keys

    def _keys_of_words(self, text_words: Iterable[bytes]) -> set[bytes]:
        """The keys inside some of the words (the runs of a word are runs of the text, and
        every run of the text lies in a word): what each word holds is remembered, so a file
        whose words were all seen before costs one set difference."""
        given = text_words if isinstance(text_words, (set, frozenset)) else set(text_words)
        keys: set[bytes] = set()
        memo = self._word_memo
        for word in given - self._none_words:
            hits = memo.get(word)
            if hits is None:
                hits = frozenset(self._keys_in(set(word.translate(self._cut).split())))
                if len(memo) + len(self._none_words) < MEMO_WORDS:
                    if hits:
                        memo[word] = hits
                    else:
                        self._none_words.add(word)
            if hits:
                keys |= hits
        return keys


@functools.lru_cache(maxsize=256)
def finder(literals: tuple[bytes, ...]) -> LiteralFinder:
    return LiteralFinder(literals)

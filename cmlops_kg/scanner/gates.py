"""Word gates: whole words of which every match of a regular expression contains one.

In ``(?m)^\\s*(from|import)\\s+evidently\\b`` the word "evidently" is preceded by whitespace and
followed by a word boundary, so any text the pattern matches contains "evidently" as a whole
word. A file whose set of words lacks every gate word of a signal cannot match it, and the set
of words is computed once per file in C (``bytes.translate`` and ``split``), which makes
skipping most files for most signals nearly free. The analysis is conservative: when it cannot
prove that a literal is bounded by non-word characters, it offers no word gate, and the
caller falls back to substring checks or to running the regex.
"""

from __future__ import annotations

try:  # Python >= 3.11 keeps the regex parser here; older versions had sre_parse
    import re._constants as _c
    import re._parser as _parser
except ImportError:  # pragma: no cover
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _parser  # type: ignore[no-redef]

# Common words gate little: a file almost always contains them (test_: in every test file).
COMMON = frozenset(
    [
        "import",
        "from",
        "def",
        "class",
        "return",
        "self",
        "true",
        "false",
        "none",
        "with",
        "name",
        "test",
        "test_",
        "data",
        "value",
        "type",
        "path",
        "file",
        "run",
        "main",
        "print",
        "model",
        "config",
        "version",
        "kind",
        "apiversion",
        "project",
        "train",
    ]
)
_LEFT_ANCHORS = {_c.AT_BEGINNING, _c.AT_BEGINNING_LINE, _c.AT_BEGINNING_STRING, _c.AT_BOUNDARY}
_RIGHT_ANCHORS = {_c.AT_END, _c.AT_END_LINE, _c.AT_END_STRING, _c.AT_BOUNDARY}
_NON_WORD_CATEGORIES = {_c.CATEGORY_SPACE, _c.CATEGORY_NOT_WORD}

# bytes -> lower-case ASCII words separated by spaces (anything else, also non-ASCII, splits)
_TABLE = bytes(
    (b + 32 if 65 <= b <= 90 else b) if (chr(b).isalnum() and b < 128) or b == 95 else 32
    for b in range(256)
)


def words_of(data: bytes) -> list[bytes]:
    """The lower-case ASCII words of a file's bytes (sound for ASCII gate words)."""
    return data.translate(_TABLE).split()


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _non_word_class(op: object, arg: object) -> bool:
    """True for a single-character item that can only match non-word characters."""
    if op is _c.LITERAL:
        return not _word_char(chr(arg))  # type: ignore[arg-type]
    if op is _c.IN:
        for member_op, member in arg:  # type: ignore[attr-defined]
            if member_op is _c.LITERAL and not _word_char(chr(member)):
                continue
            if member_op is _c.CATEGORY and member in _NON_WORD_CATEGORIES:
                continue
            return False
        return True
    return False


def _edge_non_word(items: list, step: int) -> bool:
    """Whether a repeated body starts (step > 0) or ends (step < 0) with a non-word item."""
    if not items:
        return False
    op, arg = items[0] if step > 0 else items[-1]
    if op is _c.SUBPATTERN:
        return _edge_non_word(list(arg[-1]), step)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] >= 1:
        return _edge_non_word(list(arg[2]), step)
    return _non_word_class(op, arg)


def _unfactor(items: list) -> list:
    """Undo the parser's common-prefix factoring: ``ab(?:c|d)`` becomes ``(?:abc|abd)``.

    Both match the same strings; the second lets whole words such as "abc" be seen.
    """
    out: list = []
    for op, arg in items:
        branch = None
        if op is _c.BRANCH:
            branch = arg
        elif op is _c.SUBPATTERN and len(arg[-1]) == 1 and arg[1] == arg[2] == 0:
            inner_op, inner_arg = next(iter(arg[-1]))
            branch = inner_arg if inner_op is _c.BRANCH else None
        prefix: list = []
        while (
            branch is not None and out and out[-1][0] is _c.LITERAL and _word_char(chr(out[-1][1]))
        ):
            prefix.insert(0, out.pop())
        if branch is not None and prefix:
            out.append((_c.BRANCH, (None, [prefix + list(alt) for alt in branch[1]])))
        else:
            out.append((op, arg))
    return out


def _bounded(items: list, start: int, step: int, outside: bool) -> bool:
    """Whether the character next to position ``start`` (walking by ``step``) is non-word."""
    anchors = _LEFT_ANCHORS if step < 0 else _RIGHT_ANCHORS
    j = start
    while 0 <= j < len(items):
        op, arg = items[j]
        if op is _c.AT:
            return arg in anchors
        if _non_word_class(op, arg):
            return True
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and _edge_non_word(list(arg[2]), step):
            if arg[0] >= 1:
                return True
            j += step  # may match nothing: look further
            continue
        return False
    return outside


Gate = tuple[bool, frozenset[str]]  # (whole words?, any of these strings)


# Literals nearly every source or test file contains: useless for substring checks.
UBIQUITOUS = frozenset({"import", "from", "def", "class", "return", "self", "test_", "(", ":"})


def _literal_rarity(gate: Gate) -> int:
    return min(0 if s in UBIQUITOUS else len(s) for s in gate[1])


def _score(gate: Gate) -> tuple[int, int, int]:
    words, options = gate
    rarity = min(0 if s in COMMON else len(s) for s in options)
    return (min(rarity, 6), int(words), rarity)


def _best(gates: list[Gate]) -> Gate | None:
    gates = [g for g in gates if g[1] and all(g[1])]
    return max(gates, key=_score) if gates else None


def _both(gates: list[Gate]) -> list[Gate]:
    """The best word gate and the best gate of any kind among ``gates``."""
    best_words = _best([g for g in gates if g[0]])
    best_any = _best(gates)
    return [g for g in (best_words, best_any) if g is not None]


def _sequence(items: list, left: bool, right: bool) -> list[Gate]:
    items = _unfactor(items)
    gates: list[Gate] = []
    i = 0
    while i < len(items):
        op, arg = items[i]
        if op is _c.LITERAL:
            j = i
            while j < len(items) and items[j][0] is _c.LITERAL:
                j += 1
            text = "".join(chr(a) for _, a in items[i:j]).lower()
            gates.append((False, frozenset({text})))
            before, after = _bounded(items, i - 1, -1, left), _bounded(items, j, 1, right)
            gates += _words_in_run(text, before, after)
            i = j
            continue
        before, after = _bounded(items, i - 1, -1, left), _bounded(items, i + 1, 1, right)
        if op is _c.SUBPATTERN:
            gates += _both(_sequence(list(arg[-1]), before, after))
        elif op is _c.BRANCH:
            alternatives = [_both(_sequence(list(b), before, after)) for b in arg[1]]
            word_sets = [next((g[1] for g in alt if g[0]), None) for alt in alternatives]
            if all(word_sets):
                gates.append((True, frozenset().union(*word_sets)))  # type: ignore[arg-type]
            any_sets = [_best(alt) for alt in alternatives]
            if all(any_sets):
                gates.append((False, frozenset().union(*(g[1] for g in any_sets))))  # type: ignore[index]
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and arg[0] >= 1:
            gates += _both(_sequence(list(arg[2]), False, False))
        i += 1
    return gates


def _words_in_run(text: str, left: bool, right: bool) -> list[Gate]:
    """Maximal ASCII word segments of a literal run that are bounded on both sides."""
    out: list[Gate] = []
    start = None
    for k, ch in enumerate(text + "\x00"):
        if ch.isascii() and _word_char(ch) and ch != "\x00":
            start = k if start is None else start
            continue
        if start is not None:
            left_ok = left if start == 0 else True
            right_ok = right if k == len(text) else not _word_char(text[k])
            if left_ok and right_ok:
                out.append((True, frozenset({text[start:k]})))
            start = None
    return out


_ANALYSED: dict[str, tuple[frozenset[str] | None, tuple[str, ...] | None]] = {}
MAX_LITERAL_SETS = 4  # for required_sets: the rarest few say nearly all


def required_sets(pattern: str) -> tuple[tuple[str, ...], ...]:
    """Several sets of lower-cased literals, one of each of which every match contains (all
    of the pattern's sequence needs: ``\\bpps\\.(proto|Pipeline)`` needs "pps." and one of
    "pipeline", "proto"), rarest first; () where nothing can be proven."""
    try:
        gates = _sequence(list(_parser.parse(pattern)), False, False)
    except Exception:  # any parser surprise only disables the prefilter
        return ()
    sets = {tuple(sorted(g[1])) for g in gates if g[1] and all(g[1])}
    ranked = sorted(sets, key=lambda lits: (-_literal_rarity((False, frozenset(lits))), lits))
    return tuple(ranked[:MAX_LITERAL_SETS])


def analyse(pattern: str) -> tuple[frozenset[str] | None, tuple[str, ...] | None]:
    """(gate words, substring literals) of a pattern; None where nothing can be proven.
    Memoised per pattern (a pure function of the source); ``_ANALYSED.clear()`` forgets."""
    if pattern not in _ANALYSED:
        _ANALYSED[pattern] = _analyse(pattern)
    return _ANALYSED[pattern]


def _analyse(pattern: str) -> tuple[frozenset[str] | None, tuple[str, ...] | None]:
    try:
        items = list(_parser.parse(pattern))
        gates = _sequence(items, False, False)
    except Exception:  # any parser surprise only disables the prefilter
        return None, None
    words = _best([g for g in gates if g[0]])
    # for substring checks the longest (least common) literals select best
    usable = [g for g in gates if g[1] and all(g[1])]
    literals = max(usable, key=_literal_rarity) if usable else None
    return (
        words[1] if words else None,
        tuple(sorted(literals[1])) if literals else None,
    )

"""Content patterns with prefilters (see gates.py), and short, redacted quotes.

The prefilters may only say "maybe": they never reject a text the regex would match.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import AnyStr

from cmlops_kg.scanner.gates import analyse, required_sets

QUOTE_WIDTH = 100
_SECRET_ASSIGNMENT = re.compile(
    r"(?i)\b(\w*(?:pass(?:word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key"
    r"|credential|auth)\w*)(\s*[:=]\s*)(?![\s'\"]*(?:\$\{\{|\$\{|\$\(|<))(['\"]?)[^\s'\"]+"
)
_SECRET_OPTION = re.compile(
    r"(?i)(--(?:password|passwd|token|api[-_]?key|secret|access[-_]key)[= ]+)(?![\"']?\$)\S+"
)
_URL_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@:]+:[^/\s@]+@")
_TOKENS = re.compile(
    r"\b(?:AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{20,}|glpat-[\w-]{20,}|xox[abprs]-[\w-]{10,}"
    r"|sk-[A-Za-z0-9]{20,}|(?=[A-Za-z0-9+=-]*\d)(?=[A-Za-z0-9+=-]*[A-Za-z])[A-Za-z0-9+=-]{32,})"
)
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*", re.DOTALL)


_CANDIDATE = re.compile(r"[A-Za-z0-9+/_\-]{20,}={0,2}")


def entropy(text: str) -> float:
    """Shannon entropy in bits per character."""
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())


_WORDS = re.compile(r"[a-z]{4,}")


def random_looking(token: str) -> bool:
    """Whether a long token looks like key material rather than words, a path or a hash: mixed
    letters and digits with high entropy and few word-like runs (keys with / and + such as AWS
    secret keys too)."""
    core = token.strip("/=+-_")
    if len(core) < 20 or sum(map(len, _WORDS.findall(core))) > len(core) / 3:
        return False
    classes = sum(
        (
            any(c.islower() for c in core),
            any(c.isupper() for c in core),
            any(c.isdigit() for c in core),
        )
    )
    bits = entropy(core)
    return (classes == 3 and bits >= 3.5) or (classes >= 2 and len(core) >= 24 and bits >= 4.5)


def redact(text: str) -> str:
    """Hide values that look like credentials: by pattern (assignments, options, URL
    passwords, known token formats, private keys) and by entropy (random-looking tokens)."""
    text = _PRIVATE_KEY.sub("-----BEGIN PRIVATE KEY----- ***", text)
    text = _URL_USERINFO.sub(r"\1***@", text)
    text = _SECRET_ASSIGNMENT.sub(r"\1\2\3***", text)
    text = _SECRET_OPTION.sub(r"\1***", text)
    text = _TOKENS.sub("***", text)
    return _CANDIDATE.sub(lambda m: "***" if random_looking(m.group(0)) else m.group(0), text)


def redact_all(value: object) -> object:
    """Every string in a JSON-like value (dicts, lists) redacted."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: redact_all(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_all(v) for v in value]
    return value


def shorten(text: str, width: int = QUOTE_WIDTH) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def quote_line(line: str, start: int = 0, width: int = QUOTE_WIDTH) -> str:
    """A redacted excerpt of one line, kept around column ``start`` when the line is long."""
    line = redact(line.strip("\r\n"))
    if len(line) > width and start > width // 2:
        line = "…" + line[max(0, start - width // 3) :]
    return shorten(line, width)


class LazyRegex:
    """A regular expression compiled on its first use. The catalogue holds some 400 of them
    and a scan uses few, so compiling them all when it is loaded would cost more than the
    scan; the catalogue checks that they compile (signals.py), once per ontology.

    ``literals`` (gates.py: lower-cased, one of them in every match) let ``search`` answer
    "no match" for ASCII text lacking them all without compiling or running the regex. Only
    for ASCII text and ASCII literals: there lower-casing and case-insensitive matching agree
    (``(?i)s`` also matches U+017F, which lower-cases to itself).

    ``branches`` (see ``Alternatives``): then ``search`` looks for its alternatives one by one,
    compiling only those whose literals the text holds.
    """

    __slots__ = ("_alternatives", "_branches", "_compiled", "ascii_literals", "pattern")

    def __init__(
        self, pattern: str, literals: Iterable[str] | None = None, branches: Branches | None = None
    ) -> None:
        self.pattern = pattern
        self._compiled: re.Pattern[str] | None = None
        lits = None if literals is None else tuple(literals)
        self.ascii_literals = lits if lits and all(lit.isascii() for lit in lits) else None
        self._branches = branches
        self._alternatives: Alternatives | None = None  # built on the first search

    @property
    def branches(self) -> Branches | None:
        return self._branches

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern)
        return self._compiled

    def search(self, string: str, *args: int) -> re.Match[str] | None:
        if self.ascii_literals is not None and not args and string.isascii():
            lowered = string.lower()
            if not any(lit in lowered for lit in self.ascii_literals):
                return None
        if self._branches is not None and not args:
            if self._alternatives is None:
                self._alternatives = Alternatives(self._branches)
            return self._alternatives.search(string, string.lower())
        return self.compiled.search(string, *args)

    def match(self, string: str, *args: int) -> re.Match[str] | None:
        return self.compiled.match(string, *args)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyRegex):
            return self.pattern == other.pattern
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.pattern)

    def __repr__(self) -> str:
        return f"LazyRegex({self.pattern!r})"


_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
# a reference from one alternative to a group of another: splitting would break it; and a
# comment, whose parentheses the split would count
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(|\(\?#")
# case-insensitive somewhere ("(?i)", "(?mi)", "(?i:"): a literal check is sound on ASCII only
_CASELESS = re.compile(r"\(\?[aiLmsux]*i[aiLmsux]*(?:-[imsx]*)?[:)]")
# per alternative: its source and sets of literals, one of each of which its matches hold
Branches = tuple[tuple[str, tuple[tuple[str, ...], ...]], ...]


def alternatives(source: str) -> list[str] | None:
    """The alternatives of a pattern's outermost ``|`` (each with the pattern's leading global
    flags), or None when it has none or they cannot stand alone (group references, verbose
    mode, where ``|`` may sit in a comment)."""
    at = 0
    while (flag := _GLOBAL_FLAGS.match(source, at)) is not None:
        at = flag.end()
    flags, body = source[:at], source[at:]
    if "x" in flags or _GROUP_REFERENCE.search(body):
        return None
    parts, depth, start, i = [], 0, 0, 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":  # a class: "|" and parentheses in it are literal; "]" first is too
            i += 2 if body.startswith("[^", i) else 1
            i += 1 if body.startswith("]", i) else 0
            while i < len(body) and body[i] != "]":
                i += 2 if body[i] == "\\" else 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
        i += 1
    parts.append(body[start:])
    return [flags + part for part in parts] if len(parts) > 1 else None


def branch_analysis(source: str) -> Branches | None:
    """The outermost alternatives of a pattern, each with sets of literals one of each of
    which its every match contains (gates.required_sets), or None when it is not split."""
    parts = alternatives(source)
    if parts is None:
        return None
    try:
        for part in parts:
            re.compile(part)
    except re.error:  # not expected of a valid pattern; then it is searched whole
        return None
    return tuple((part, required_sets(part)) for part in parts)


class Alternatives:
    """A pattern's outermost alternatives, searched one by one, and only those whose literals
    the text holds. ``re`` tries every alternative at every position of the text (a pattern of
    thirty ``\\bname`` alternatives costs thirty attempts a byte); alone, each fails fast, most
    are never run, and none is compiled before it is.

    The answer is the whole pattern's: its leftmost match is the leftmost of the alternatives'
    leftmost matches, and at one position the first alternative that matches there wins, as
    ``re`` orders them (a match's span and text are the same; its groups are not used).
    """

    __slots__ = ("_branches",)

    def __init__(self, branches: Branches) -> None:
        self._branches = [
            (_sound_sets(sets), bool(_CASELESS.search(part)), LazyRegex(part))
            for part, sets in branches
        ]

    def search(self, text: str, lowered: str, pos: int = 0) -> re.Match[str] | None:
        best: re.Match[str] | None = None
        ascii_text = text.isascii()
        for sets, caseless, regex in self._branches:
            # "(?i)s" matches U+017F, which lower-cases to itself: a caseless alternative is
            # skipped for lacking its literals only in ASCII text
            if (ascii_text or not caseless) and not _holds_all(lowered, sets):
                continue
            match = regex.compiled.search(text, pos)
            if match is not None and (best is None or match.start() < best.start()):
                best = match  # a later alternative wins only by starting further left
        return best


def _sound_sets(sets: tuple[tuple[str, ...], ...]) -> tuple[tuple[str, ...], ...]:
    """The sets of ASCII literals only: a non-ASCII one may match ASCII text caselessly."""
    return tuple(lits for lits in sets if lits and all(lit.isascii() for lit in lits))


def _holds_all(lowered: AnyStr, sets: tuple[tuple[AnyStr, ...], ...]) -> bool:
    """Whether the text (str, or bytes for the detector's ASCII prefilter) holds a literal
    of each set; loops, not generators: this runs for most candidate files."""
    for lits in sets:
        for lit in lits:
            if lit in lowered:
                break
        else:
            return False
    return True


@dataclass(frozen=True)
class ContentPattern:
    """A content pattern with what every match must contain (see gates.py); its regex (or
    each of its outermost alternatives, ``branches``) is compiled when it is first searched."""

    source: str
    words: frozenset[str] | None  # whole words, one of which every match contains
    literals: tuple[str, ...] | None  # substrings, one of which every match contains
    branches: Branches | None = None  # its outermost alternatives with their literals

    @classmethod
    def compile(cls, source: str) -> ContentPattern:
        words, literals = analyse(source)
        return cls(source, words, literals, branch_analysis(source))

    @functools.cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.source)

    @functools.cached_property
    def alternatives(self) -> Alternatives | None:
        return None if self.branches is None else Alternatives(self.branches)

    @functools.cached_property
    def ascii_literals(self) -> tuple[bytes, ...] | None:
        """The literals as bytes, when they are all ASCII (else None: no bytes check)."""
        if self.literals is None or not all(lit.isascii() for lit in self.literals):
            return None
        return tuple(lit.encode("ascii") for lit in self.literals)

    def search(self, text: str, lowered: str) -> re.Match[str] | None:
        """The first match that is not a name being defined (see ``defines``)."""
        if self.literals is not None and not any(lit in lowered for lit in self.literals):
            return None
        split = self.alternatives
        pos = 0
        while True:
            match = (
                self.regex.search(text, pos) if split is None else split.search(text, lowered, pos)
            )
            if match is None or not defines(text, match):
                return match
            pos = max(match.end(), match.start() + 1)  # not a later part of the same name


# what stands before a name that a line defines: Python's "def" (or "async def")
_DEFINED_AFTER = re.compile(r"(?<![\w.])def[ \t]+$")


def defines(text: str, match: re.Match[str]) -> bool:
    """Whether a match is a call that begins at the name of a function its line defines
    (``def name(``): a pattern for a call (``create_endpoint\\s*\\(``) then matches the
    definition, which calls nothing. Only call-shaped matches (ending in an opening
    parenthesis) are definitions: a pattern for a name (``register_pipelines``, a function
    a framework calls) or one that names the ``def`` itself keeps its matches."""
    start = match.start()
    if start == 0 or not (text[start].isalpha() or text[start] == "_"):
        return False
    if not match.group(0).rstrip().endswith("("):
        return False
    window = max(0, start - 200)  # a definition's indentation and "def" are short
    line_start = text.rfind("\n", window, start) + 1 or window
    return _DEFINED_AFTER.search(text, line_start, start) is not None


def required_literals(pattern: str) -> tuple[str, ...] | None:
    """Lower-cased literals of which at least one occurs in every match, or None."""
    return analyse(pattern)[1]

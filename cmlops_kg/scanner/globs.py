"""Repository globs: translation to regular expressions and an index that finds, for one path,
the few globs that can match it without trying them all.

Semantics (documented in ontology/signals.ttl): case-insensitive; ``*`` and ``?`` stay within a
path segment; ``**/`` is any number of directories, also none; ``{a,b}`` alternatives; a
trailing ``/`` names a directory; a glob without ``/`` names an entry at the root.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from cmlops_kg.scanner.patterns import LazyRegex

_BRACES = re.compile(r"\{([^{}]*)\}")
_WILD = re.compile(r"[*?\[]")
_SUFFIX_ONLY = re.compile(r"^\*(\.[^*?\[/]+)$")


def expand_braces(glob: str) -> list[str]:
    match = _BRACES.search(glob)
    if not match:
        return [glob]
    head, tail = glob[: match.start()], glob[match.end() :]
    out: list[str] = []
    for option in match.group(1).split(","):
        out.extend(expand_braces(head + option + tail))
    return out


def _segment(segment: str) -> str:
    out = []
    i = 0
    while i < len(segment):
        c = segment[i]
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = segment.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = segment[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


def glob_regex(glob: str) -> str:
    """The regex (anchored, for lower-cased '/'-separated paths) of one brace-free glob."""
    parts = glob.lower().strip("/").split("/")
    out = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            out.append(".*" if last else "(?:[^/]+/)*")
        else:
            out.append(_segment(part) + ("" if last else "/"))
    return "^" + "".join(out) + "$"


def _star_match(pieces: tuple[str, ...], text: str) -> bool:
    """Whether one path segment ``text`` matches a segment pattern of literals and ``*``, given
    as its pieces between the stars (``[^/]*`` in the regex; the text holds no "/"): its first
    piece starts it, its last ends it, and the pieces between occur in order (leftmost is
    enough for ``*``)."""
    if len(pieces) == 1:
        return text == pieces[0]
    head, tail = pieces[0], pieces[-1]
    if len(text) < len(head) + len(tail) or not text.startswith(head) or not text.endswith(tail):
        return False
    pos, end = len(head), len(text) - len(tail)
    for piece in pieces[1:-1]:
        pos = text.find(piece, pos, end)
        if pos == -1:
            return False
        pos += len(piece)
    return True


class GlobMatcher:
    """The match of ``glob_regex(glob)`` (or of ``_directory_regex`` for a directory part)
    without compiling a regex: a scan meets hundreds of the catalogue's globs, and compiling
    them in every new process cost more than matching them. Segments of literals and ``*``,
    and ``**``, are matched with string operations, exactly as the regex would; a glob with
    ``?`` or ``[`` falls back to the regex (compiled on first use)."""

    __slots__ = ("_name_only", "_parts", "_pieces", "_regex", "_simple", "_trailing")

    def __init__(self, parts: list[str], trailing: bool) -> None:
        # trailing: every part is followed by "/" (a directory part, "" at the root)
        self._simple = not any(c in part for part in parts for c in "?[")
        self._parts = tuple(parts)
        self._pieces = tuple(tuple(part.split("*")) for part in parts)
        self._trailing = trailing
        self._regex: LazyRegex | None = None  # written only when needed
        # "**/name", the usual glob: its name part decides (for paths of non-empty segments)
        self._name_only = len(parts) == 2 and parts[0] == "**" != parts[1] and not trailing

    @classmethod
    def of_glob(cls, glob: str) -> GlobMatcher:
        """For a brace-free glob, matched against lower-cased relative paths."""
        return cls(glob.lower().strip("/").split("/"), False)

    @classmethod
    def of_directory(cls, parts: list[str]) -> GlobMatcher:
        """For a glob's directory parts, matched against directories written 'a/b/'."""
        return cls(parts, True)

    def match(self, path: str) -> bool:
        if not self._simple or path.endswith("\n"):  # the regex's "$" also matches before it
            if self._regex is None:
                parts = list(self._parts)
                source = _directory_regex(parts) if self._trailing else glob_regex("/".join(parts))
                self._regex = LazyRegex(source)
            return self._regex.match(path) is not None
        if self._name_only and not path.startswith("/") and "//" not in path:
            return _star_match(self._pieces[1], path[path.rfind("/") + 1 :])
        return self._from(0, path, 0)

    def _from(self, n: int, path: str, pos: int) -> bool:
        parts = self._parts
        while n < len(parts):
            part = parts[n]
            last = n == len(parts) - 1 and not self._trailing
            if part == "**":
                if last:
                    return True  # ".*": any rest
                # "(?:[^/]+/)*": none or more non-empty segments, each tried
                at = pos
                while True:
                    if self._from(n + 1, path, at):
                        return True
                    cut = path.find("/", at)
                    if cut <= at:  # no further segment, or an empty one
                        return False
                    at = cut + 1
            if last:
                return path.find("/", pos) == -1 and _star_match(self._pieces[n], path[pos:])
            cut = path.find("/", pos)
            if cut == -1 or not _star_match(self._pieces[n], path[pos:cut]):
                return False
            pos, n = cut + 1, n + 1
        return pos == len(path)


def name_tail(glob: str) -> str:
    """The literal end of a glob's last segment, which every name it matches ends with ("" when
    it ends with a wildcard)."""
    return re.split(r"[*?\]]", glob.lower().rstrip("/").rsplit("/", 1)[-1])[-1]


class GlobSet:
    """Whether a lower-cased path matches any of some globs (braces allowed), without a regex
    to compile; names lacking every glob's literal end are rejected with one ``endswith``."""

    def __init__(self, globs: Iterable[str]) -> None:
        self._by_tail: dict[str, list[GlobMatcher]] = defaultdict(list)
        for glob in (g for raw in globs for g in expand_braces(raw)):
            self._by_tail[name_tail(glob)].append(GlobMatcher.of_glob(glob))
        self._every = self._by_tail.pop("", [])  # globs ending in a wildcard: any name
        self._lengths = sorted({len(tail) for tail in self._by_tail})
        tails = tuple(sorted(self._by_tail))
        self.tails: tuple[str, ...] | None = None if self._every else tails

    def match(self, path: str) -> bool:
        if path.endswith("\n"):  # the regex's "$" matches before it: try every glob
            every = (m for ms in self._by_tail.values() for m in ms)
            return any(m.match(path) for m in [*self._every, *every])
        if any(m.match(path) for m in self._every):
            return True
        # only the globs whose literal end the path has, found by its last few characters
        for n in self._lengths:
            for m in self._by_tail.get(path[-n:], ()):
                if m.match(path):
                    return True
        return False


_ANY_DEPTH, _ROOT = "any depth", "root"
_Test = Callable[[str], "re.Match[str] | None"]


class GlobIndex:
    """Globs bucketed by their last segment, so that one path is tried against few of them.

    Last segments without wildcards are looked up by name, ``*.suffix`` by suffix, and the
    rest by the extension of their literal tail (``test_*.py`` under ``.py``): a name that
    holds none of the literals of an extension's name globs (one regex search; most names)
    matches none of them, and one that holds some is tried, by string operations, against
    the globs whose literal it holds. Which globs a file name can match is cached per name
    (and, for ordinary names - no exact-name or tail glob - per name ending); once the name
    matched, whether the path matches depends on its directory only, so that answer is cached
    per directory and set of candidate globs. Regexes are compiled on first use: a scan meets
    few of the catalogue's directories and extensions.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._dirs: list[GlobMatcher | str] = []  # per glob: directory regex or a mode
        self._keys: list[list[object]] = []
        self._by_name: dict[str, list[int]] = defaultdict(list)
        self._by_suffix: dict[str, list[int]] = defaultdict(list)
        # per extension: distinct name globs (last segments), each with the ids of the globs
        # ending in it (their regexes are written when the extension's gate is first needed)
        self._by_tail: dict[str, list[tuple[str, list[int]]]] = defaultdict(list)
        self._tails: dict[str, list[int]] = {}  # last segment -> the ids that end in it
        self._every: list[int] = []  # globs whose last segment is "*": every name matches
        self._tail_tests: dict[str, list[tuple[str, GlobMatcher, list[int]]]] = {}
        # per extension: a literal of each name glob, one of which a name must hold to match
        # any (None: some glob has none); most names hold none, and skip the gate
        self._pieces: dict[str, list[str] | None] = {}
        self._quick: dict[str, re.Pattern[str] | None] = {}
        self._cache: dict[tuple[str, tuple[int, ...]], tuple[int, ...]] = {}
        self._name_cache: dict[str, tuple[int, ...]] = {}
        # per name end from its first dot (".py", ".tar.gz"): one test per extension it gives
        # that has name globs, which every name so ending that one of them matches passes (None:
        # none has), and the ids of an ordinary name so ending (its extensions' suffix globs)
        self._by_ending: dict[str, tuple[tuple[_Test, ...], tuple[int, ...]]] = {}
        self._whole: dict[str, re.Pattern[str]] = {}  # per extension: its name globs, whole

    def add(self, key: object, globs: Iterable[str]) -> None:
        for raw in globs:
            for glob in expand_braces(raw):
                glob = glob.lower().rstrip("/")
                gid = self._ids.get(glob)
                if gid is None:
                    gid = self._ids[glob] = self._register(glob)
                if key not in self._keys[gid]:
                    self._keys[gid].append(key)
        self._cache.clear()
        self._name_cache.clear()
        self._by_ending.clear()
        self._whole.clear()

    def _register(self, glob: str) -> int:
        gid = len(self._dirs)
        parts = glob.split("/")
        last = parts[-1]
        if len(parts) == 1:
            self._dirs.append(_ROOT)
        elif parts[:-1] == ["**"]:
            self._dirs.append(_ANY_DEPTH)
        else:
            self._dirs.append(GlobMatcher.of_directory(parts[:-1]))
        self._keys.append([])
        suffix = _SUFFIX_ONLY.match(last)
        if not _WILD.search(last):
            self._by_name[last].append(gid)
        elif suffix:
            self._by_suffix[suffix.group(1)].append(gid)
        elif not last.strip("*"):
            self._every.append(gid)
        elif last in self._tails:
            self._tails[last].append(gid)
        else:
            tail = re.split(r"[*?\]]", last)[-1]
            ext = tail[tail.rfind(".") :] if "." in tail else ""
            self._tails[last] = [gid]
            self._by_tail[ext].append((last, self._tails[last]))
            self._tail_tests.pop(ext, None)  # built again on first use (once, not per glob)
            piece = _necessary_piece(last, ext)
            pieces = self._pieces.setdefault(ext, [])
            if pieces is not None:
                self._pieces[ext] = [*pieces, piece] if piece else None
            self._quick.pop(ext, None)
        return gid

    def _name_tests(self, ext: str) -> list[tuple[str, GlobMatcher, list[int]]]:
        """The name globs of an extension, each with a literal every name it matches holds
        ("" when unsure) and its matcher: a name is tried against the few whose literal it
        holds, with string operations, so that no regex of all of them is compiled."""
        tests = self._tail_tests.get(ext)
        if tests is None:
            tests = self._tail_tests[ext] = [
                (_necessary_piece(last, ext), GlobMatcher.of_glob(last), ids)
                for last, ids in self._by_tail[ext]
            ]
        return tests

    def _quick_gate(self, ext: str) -> re.Pattern[str] | None:
        """A regex finding any of the extension's name-glob literals (None: no quick reject)."""
        if ext not in self._quick:
            pieces = self._pieces.get(ext)
            alternatives = "|".join(map(re.escape, sorted(set(pieces)))) if pieces else None
            self._quick[ext] = re.compile(alternatives) if alternatives else None
        return self._quick[ext]

    def _name_ids(self, name: str) -> tuple[int, ...]:
        """Ids of the globs whose last segment matches a file name: for most names, those
        of the suffix globs of its extensions, known from how it ends, once a regex search per
        extension (usually one or two) has ruled out every name glob of those extensions."""
        dot = name.find(".")
        ending = name[dot:] if dot != -1 else ""  # every dot of the name, so its extensions
        known = self._by_ending.get(ending)
        if known is None:
            known = self._ending(ending)
            if len(self._by_ending) < 200_000:  # ("x.<hash>.json" names: a bound on memory)
                self._by_ending[ending] = known
        tests, ordinary = known
        if name in self._by_name:
            return self._special_ids(name)
        for test in tests:
            if test(name) is not None:
                return self._special_ids(name)
        return ordinary

    def _ending(self, ending: str) -> tuple[tuple[_Test, ...], tuple[int, ...]]:
        """For names ending so: the tests a name must pass for a name glob to match it (the
        extension's literal pieces, or where a glob has none its globs whole), and the ids."""
        exts = [""] + [ending[i:] for i, c in enumerate(ending) if c == "."]
        found = [gid for ext in exts[1:] for gid in self._by_suffix.get(ext, ())]
        ordinary = tuple(sorted(set(found + self._every)))
        tests: list[_Test] = []
        for ext in exts:
            if ext in self._by_tail:
                quick = self._quick_gate(ext)
                tests.append(quick.search if quick is not None else self._whole_gate(ext).match)
        return tuple(tests), ordinary

    def _whole_gate(self, ext: str) -> re.Pattern[str]:
        """The name globs of an extension as one regex (for a match from the name's start)."""
        whole = self._whole.get(ext)
        if whole is None:
            globs = "|".join(_segment(last) for last, _ in self._by_tail[ext])
            whole = self._whole[ext] = re.compile(f"(?:{globs})$")
        return whole

    def _special_ids(self, name: str) -> tuple[int, ...]:
        """Ids of the globs whose last segment matches a name some name glob may match."""
        exts = [""]
        dot = name.find(".")
        while dot != -1:
            exts.append(name[dot:])
            dot = name.find(".", dot + 1)
        special = name in self._by_name
        matched: list[int] = []
        for ext in exts:
            if ext not in self._by_tail:
                continue
            quick = self._quick_gate(ext)
            if quick is not None and quick.search(name) is None:
                continue  # it lacks a literal of each name glob: none matches
            for piece, matcher, ids in self._name_tests(ext):
                if piece in name and matcher.match(name):
                    special = True
                    matched.extend(ids)
        if not special:  # only suffix globs can match: the same for every name so ending
            ext_key = "\x00" + "\x00".join(exts)
            cached = self._name_cache.get(ext_key)
            if cached is None:
                found = [gid for ext in exts[1:] for gid in self._by_suffix.get(ext, ())]
                cached = tuple(sorted(set(found + self._every)))
                if len(self._name_cache) < 200_000:
                    self._name_cache[ext_key] = cached
            return cached
        found_names = self._every + self._by_name.get(name, []) + matched
        for ext in exts[1:]:
            found_names.extend(self._by_suffix.get(ext, ()))
        return tuple(sorted(set(found_names)))

    def match_ids(self, path_lower: str) -> tuple[int, ...]:
        """Ids of the globs that match a lower-cased relative path."""
        cut = path_lower.rfind("/")
        directory, name = path_lower[: cut + 1], path_lower[cut + 1 :]
        candidates = self._name_cache.get(name)
        if candidates is None:
            candidates = self._name_ids(name)
            if len(self._name_cache) < 200_000:
                self._name_cache[name] = candidates
        if not candidates:
            return candidates
        key = (directory, candidates)
        found = self._cache.get(key)
        if found is None:
            found = tuple(gid for gid in candidates if self._in_directory(gid, directory))
            if len(self._cache) < 200_000:
                self._cache[key] = found
        return found

    def _in_directory(self, gid: int, directory: str) -> bool:
        mode = self._dirs[gid]
        if isinstance(mode, str):
            return mode is _ANY_DEPTH or directory == ""
        return mode.match(directory)

    def keys(self, ids: Iterable[int]) -> list[object]:
        """The keys of the given globs, each once, in a stable order."""
        return list(dict.fromkeys(k for gid in ids for k in self._keys[gid]))

    def match(self, path_lower: str) -> list[object]:
        return self.keys(self.match_ids(path_lower))


def _necessary_piece(last: str, ext: str) -> str:
    """The longest literal run of a glob's last segment (its extension, which every name tried
    against it has, left out), which every name it matches contains; "" when unsure (a class)."""
    if "[" in last:
        return ""
    pieces = re.split(r"[*?]", last)
    if ext and pieces[-1].endswith(ext):
        pieces[-1] = pieces[-1][: -len(ext)]
    return max(pieces, key=len)


def _directory_regex(parts: list[str]) -> str:
    """The regex of a glob's directory part, for directories written 'a/b/' ('' at the root)."""
    return "^" + "".join("(?:[^/]+/)*" if p == "**" else _segment(p) + "/" for p in parts) + "$"

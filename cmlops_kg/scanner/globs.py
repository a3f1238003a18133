"""Repository globs: translation to regular expressions and an index that finds, for one path,
the few globs that can match it without trying them all.

Semantics (documented in ontology/signals.ttl): case-insensitive; ``*`` and ``?`` stay within a
path segment; ``**/`` is any number of directories, also none; ``{a,b}`` alternatives; a
trailing ``/`` names a directory; a glob without ``/`` names an entry at the root.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

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


_ANY_DEPTH, _ROOT = "any depth", "root"


class GlobIndex:
    """Globs bucketed by their last segment, so that one path is tried against few of them.

    Last segments without wildcards are looked up by name, ``*.suffix`` by suffix, and the
    rest by the extension of their literal tail (``test_*.py`` under ``.py``), all the name
    globs of one extension in one regex of optional lookaheads, one group each, so that one
    match says which of them a name matches. Which globs a file name can match is cached per name
    (and, for ordinary names - no exact-name or tail glob - per extension); once the name
    matched, whether the path matches depends on its directory only, so that answer is cached
    per directory and set of candidate globs. Regexes are compiled on first use: a scan meets
    few of the catalogue's directories and extensions.
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._dirs: list[LazyRegex | str] = []  # per glob: directory regex or a mode
        self._keys: list[list[object]] = []
        self._by_name: dict[str, list[int]] = defaultdict(list)
        self._by_suffix: dict[str, list[int]] = defaultdict(list)
        # per extension: distinct name regexes, each with the ids of the globs ending in it
        self._by_tail: dict[str, list[tuple[str, list[int]]]] = defaultdict(list)
        self._tails: dict[str, list[int]] = {}  # last segment -> the ids that end in it
        self._every: list[int] = []  # globs whose last segment is "*": every name matches
        self._tail_gate: dict[str, re.Pattern[str]] = {}
        self._cache: dict[tuple[str, tuple[int, ...]], tuple[int, ...]] = {}
        self._name_cache: dict[str, tuple[int, ...]] = {}

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

    def _register(self, glob: str) -> int:
        gid = len(self._dirs)
        parts = glob.split("/")
        last = parts[-1]
        if len(parts) == 1:
            self._dirs.append(_ROOT)
        elif parts[:-1] == ["**"]:
            self._dirs.append(_ANY_DEPTH)
        else:
            self._dirs.append(LazyRegex(_directory_regex(parts[:-1])))
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
            self._by_tail[ext].append((_segment(last), self._tails[last]))
            self._tail_gate.pop(ext, None)  # compiled again on first use (once, not per glob)
        return gid

    def _gate(self, ext: str) -> re.Pattern[str] | None:
        """The name globs of an extension as one regex: group n matches when the n-th does
        (``^(?:(?=(test_[^/]*\\.py$))|)...``: each lookahead is tried, none consumes)."""
        gate = self._tail_gate.get(ext)
        if gate is None and ext in self._by_tail:
            tries = "".join(f"(?:(?=({regex}$))|)" for regex, _ in self._by_tail[ext])
            gate = self._tail_gate[ext] = re.compile(f"^{tries}")
        return gate

    def _name_ids(self, name: str) -> tuple[int, ...]:
        """Ids of the globs whose last segment matches a file name."""
        exts = [""]
        dot = name.find(".")
        while dot != -1:
            exts.append(name[dot:])
            dot = name.find(".", dot + 1)
        special = name in self._by_name
        matched: list[int] = []
        gates = self._tail_gate
        for ext in exts:
            gate = gates.get(ext)
            if gate is None:
                if ext not in self._by_tail:
                    continue
                gate = self._gate(ext)
                assert gate is not None
            m = gate.match(name)
            if m is not None and m.lastindex is not None:  # some name glob matched
                special = True
                tails = self._by_tail[ext]
                for n, group in enumerate(m.groups()):
                    if group is not None:
                        matched.extend(tails[n][1])
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
        return mode.match(directory) is not None

    def keys(self, ids: Iterable[int]) -> list[object]:
        """The keys of the given globs, each once, in a stable order."""
        return list(dict.fromkeys(k for gid in ids for k in self._keys[gid]))

    def match(self, path_lower: str) -> list[object]:
        return self.keys(self.match_ids(path_lower))


def _directory_regex(parts: list[str]) -> str:
    """The regex of a glob's directory part, for directories written 'a/b/' ('' at the root)."""
    return "^" + "".join("(?:[^/]+/)*" if p == "**" else _segment(p) + "/" for p in parts) + "$"

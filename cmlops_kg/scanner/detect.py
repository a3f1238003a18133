"""Running the signal catalogue over a walked tree: findings with provenance.

Every file in the scanned folder is looked up once in a glob index (by the path it has in a
generated project, for project-template files); its content is read at most once, and only
when a signal with content patterns names it. Git refs (tags, branches) are matched by name as
paths under .git/refs/. Findings in restricted paths (fixtures, vendored code, docs, examples)
count only for the practices their evidence scope allows (a scope with conditions, such as a
notebook collection, only where the scanned folder meets them, and never against negative
signals); a signal that requires others counts only when they matched too. CI jobs and what
they run are linked in cilink.py. A finding is one signal seen in one place, with the strength
it shows (present, configured, run by CI).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from cmlops_kg.scanner.ci import CiParse, parse_ci, targets
from cmlops_kg.scanner.cilink import link
from cmlops_kg.scanner.contents import Content, Contents
from cmlops_kg.scanner.findings import MAX_HITS_PER_SIGNAL, Detection, Hit
from cmlops_kg.scanner.gates import words_of
from cmlops_kg.scanner.gitindex import tracked_paths
from cmlops_kg.scanner.globs import GlobIndex
from cmlops_kg.scanner.literals import LiteralFinder
from cmlops_kg.scanner.paths import (
    EvidenceScope,
    PathRoles,
    condition_files,
    logical_paths,
)
from cmlops_kg.scanner.patterns import ContentPattern, _holds_all, quote_line
from cmlops_kg.scanner.signals import Signal, SignalCatalogue
from cmlops_kg.scanner.walk import Tree


@dataclass
class Options:
    """Where to look: the folder scanned (relative to the root), the git directory, the refs
    read from it, and globs of paths exempt from evidence scopes."""

    scope: str = ""
    git_dir: str | None = None
    refs: list[str] = field(default_factory=list)
    exempt: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)  # the repository's own (repoconfig)

    def in_scope(self, rel: str) -> bool:
        return not self.scope or rel == self.scope or rel.startswith(self.scope + "/")


@dataclass
class _Route:
    """What to do with a file, given which globs its path matches (cached per glob set)."""

    plain: list[int]  # signals that match by path alone
    content: tuple[int, ...]  # signals whose content patterns must be checked
    tracked: list[int]  # signals that count only files in the Git index
    absent: list[int]  # negative signals whose absent-glob this file matches
    plan: _Plan | None  # the gates of ``content`` (when no tracked signal can join it)

    @classmethod
    def build(cls, keys: list, signals: list[Signal], prefilters: _Prefilters) -> _Route:
        plain, content, tracked, absent = [], [], [], []
        for i, role in keys:
            if role == "absent":
                absent.append(i)
            elif signals[i].tracked_only:
                tracked.append(i)
            elif signals[i].patterns:
                content.append(i)
            else:
                plain.append(i)
        ready = content and not tracked
        plan = _Plan.build(tuple(content), prefilters) if ready else None
        return cls(plain, tuple(content), tracked, absent, plan)


_Prefilter = tuple[tuple[bytes, ...] | None, tuple[tuple[bytes, ...], ...]]


class _Prefilters:
    """Each signal's gate words (as bytes, like a file's words) and literal sets, worked out
    once per scan (not once for every route that holds the signal)."""

    def __init__(self, signals: list[Signal]) -> None:
        self.signals = signals
        self._known: dict[int, _Prefilter] = {}

    def of(self, i: int) -> _Prefilter:
        known = self._known.get(i)
        if known is None:
            sig = self.signals[i]
            gate = sig.gate
            words = None if gate is None else tuple(w.encode("ascii") for w in gate)
            known = self._known[i] = (words, sig.literal_sets)
        return known


@dataclass
class _Plan:
    """For one set of candidate signals: which gate words lead to which signals."""

    by_word: dict[bytes, list[int]]
    words: frozenset[bytes]
    ungated: list[tuple[int, tuple[tuple[bytes, ...], ...]]]  # signal, its literal sets
    literals: tuple[bytes, ...] = ()  # every literal of the ungated signals, once
    finder: LiteralFinder | None = None  # which of them a file holds, found through its words
    # an ungated signal is looked at only when a literal of its first set is present
    by_literal: dict[bytes, list[int]] = field(default_factory=dict)
    always: list[int] = field(default_factory=list)  # ungated signals with no literal at all

    @classmethod
    def build(cls, ids: tuple[int, ...], prefilters: _Prefilters) -> _Plan:
        by_word: dict[bytes, list[int]] = defaultdict(list)
        ungated = []
        for i in ids:
            gate, literal_sets = prefilters.of(i)
            if gate is None:
                ungated.append((i, literal_sets))
            else:
                for word in gate:
                    by_word[word].append(i)
        literals = tuple(sorted({lit for _, sets in ungated for lits in sets for lit in lits}))
        by_literal: dict[bytes, list[int]] = defaultdict(list)
        always = []
        for n, (_, literal_sets) in enumerate(ungated):
            if not literal_sets:
                always.append(n)
            for lit in literal_sets[0] if literal_sets else ():
                by_literal[lit].append(n)
        return cls(
            dict(by_word),
            frozenset(by_word),
            ungated,
            literals,
            LiteralFinder(literals),  # per scan: what it remembers of words goes with it
            dict(by_literal),
            always,
        )

    def candidates(self, data: bytes) -> list[int]:
        """Signals whose gate words or literals the file contains (never one it could match
        that is left out)."""
        found: list[int] = []
        tokens = set(words_of(data))  # lower-cased: the words of ``data.lower()`` too
        if self.words and not self.words.isdisjoint(tokens):  # disjoint: usual, and cheap
            for word in self.words.intersection(tokens):
                found += self.by_word[word]
        if self.ungated:
            lowered = data.lower()  # ASCII lower-casing, like the literals
            # all literals at once, whichever signals need them (scanner/literals.py)
            present = self.finder.present(lowered, tokens) if self.finder else set()
            looked = set(self.always)
            for lit in present:
                looked.update(self.by_literal.get(lit, ()))
            for n in looked:
                i, literal_sets = self.ungated[n]
                for lits in literal_sets:  # a literal of each set present (a loop: it is hot)
                    if present.isdisjoint(lits):
                        break
                else:
                    found.append(i)
        return sorted(set(found)) if len(found) > 1 else found


def _content_hit(patterns: list[ContentPattern], rel: str, content: Content) -> Hit | None:
    text, lowered, cells = content.text, content.lowered, content.cells
    first = None
    for pattern in patterns:
        match = pattern.search(text, lowered)
        if match is None:
            return None
        first = first or match
    assert first is not None
    matched = first.group(0)
    start = first.start() + len(matched) - len(matched.lstrip())  # skip a leading blank line
    line_no = text.count("\n", 0, start) + 1
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end != -1 else len(text)]
    quote = quote_line(line, start - line_start)
    if cells is not None:  # a notebook: say which cell rather than a line of the JSON file
        cell = bisect.bisect_right(cells, line_no)
        return Hit(rel, None, f"cell {cell}: {quote}")
    return Hit(rel, line_no, quote)


def _build_indexes(signals: list[Signal]) -> tuple[GlobIndex, GlobIndex]:
    files, dirs = GlobIndex(), GlobIndex()
    for i, sig in enumerate(signals):
        if sig.is_ci:
            continue
        files.add((i, "match"), [g for g in sig.globs if not g.endswith("/")])
        dirs.add((i, "match"), [g for g in sig.globs if g.endswith("/")])
        files.add((i, "absent"), sig.absent_globs)
    return files, dirs


def detect(
    tree: Tree,
    catalogue: SignalCatalogue,
    limit: int,
    tick: Callable[[int, int], None] | None = None,
    options: Options | None = None,
) -> Detection:
    options = options or Options()
    signals = catalogue.signals
    file_index, dir_index = catalogue.cached("glob indexes", lambda: _build_indexes(signals))
    tracked = tracked_paths(options.git_dir)
    contents = Contents(tree, limit)
    templated = logical_paths(list(tree.files))
    result = Detection(git_index=tracked is not None, refs=len(options.refs))
    # the whole tree (the usual case) without a call per file
    files = (
        [r for r in tree.files if options.in_scope(r) or r == ".git"]
        if options.scope
        else list(tree.files)
    )
    unconditional = [s for s in catalogue.scopes if not s.conditional]
    told = _told_examples(catalogue, options)
    plain = told + _unyielded(unconditional, told, files, options, result)
    roles = PathRoles(plain, options.exempt)
    # CI first: the files CI runs are always checked, even for signals with enough hits
    result.ci = parse_ci(
        list(tree.files),
        contents.text,
        catalogue.mappings,
        contents.bytes_of,
        templated,
        lambda rel: roles.restriction(rel) is not None,
    )
    if options.scope:
        _scope_ci(result.ci, options)
    # scopes whose conditions the scanned folder meets (a notebook collection) restrict the
    # evidence of files outside the plain scopes; CI files are still found and parsed
    conditional = [s for s in catalogue.scopes if s.conditional]
    meeting = condition_files(conditional, files) if conditional else []
    active = [s for s in conditional if not s.per_folder and s.holds(meeting, roles)]
    # scopes whose conditions hold folder by folder (a folder of notebooks in a repository
    # with code elsewhere) restrict the folders meeting them, after the whole-folder scopes
    for scope in conditional:
        if scope.per_folder and (found := scope.in_folders(meeting, roles, options.scope)):
            active.append(found)
    evidence = PathRoles(plain + active, options.exempt) if active else roles
    matcher = _Matcher(signals, evidence, result, set(result.ci.runs))
    for rel in tree.dirs:
        if options.in_scope(rel) or rel == ".git":
            for i, _role in dir_index.match(rel.lower()):  # type: ignore[misc]
                matcher.record(i, Hit(rel + "/", None, "directory"))
    for ref in options.refs:
        for i in file_index.keys(file_index.match_ids(".git/" + ref.lower())):
            if isinstance(i, tuple) and i[1] == "match" and not signals[i[0]].patterns:
                matcher.record(i[0], Hit(".git/" + ref, None, _ref_quote(ref)))
    total = len(files)
    for n, rel in enumerate(files):
        if tick is not None and n % 256 == 0:
            tick(n, total)
        matcher.file(rel, templated.get(rel, rel), file_index, contents, tracked)
    if tick is not None:
        tick(total, total)
    result.content_skipped = contents.skipped
    link(
        result,
        signals,
        matcher.hits,
        matcher.absent_seen,
        tracked is not None,
        options.scope,
        evidence.limited,
    )
    return result


def _told_examples(catalogue: SignalCatalogue, options: Options) -> list[EvidenceScope]:
    """The folders the repository says are examples, restricted as the examples scope is (and
    before every other scope: the repository knows its folders)."""
    examples = next((s for s in catalogue.scopes if s.name == "scope-examples"), None)
    if not options.examples or examples is None:
        return []
    globs = tuple(options.examples)  # what the repository says stays restricted: no yielding
    told = replace(examples, name="examples (pyproject.toml)", globs=globs, yields_at=None)
    return [told]


def _unyielded(
    scopes: list[EvidenceScope],
    told: list[EvidenceScope],
    files: list[str],
    options: Options,
    result: Detection,
) -> list[EvidenceScope]:
    """The scopes without those that yield to the tree: a repository that is a collection of
    examples (most of its code in examples/) is read as its content, with a note saying so."""
    joined: str | None = None
    kept = []
    for scope in scopes:
        if scope.yields_at is not None:
            if joined is None:  # one search of all the paths rejects the usual tree
                joined = "\0" + "\0".join(files).lower()
            if any(("/" + lit in joined or "\0" + lit in joined) for lit in scope.literals()):
                others = PathRoles(told + [s for s in scopes if s is not scope], options.exempt)
                if (share := scope.yields(files, others)) is not None:
                    result.notes.append(_yield_note(scope, *share))
                    continue
        kept.append(scope)
    return kept


def _yield_note(scope: EvidenceScope, inside: int, total: int) -> str:
    label = _scope_words(scope)
    return (
        f"{inside} of {total} code files are {label}: read as the repository's content, not "
        f"restricted as {label}; if they are not what the repository does, list them as "
        "examples in the [tool.cmlops-kg.scan] table of pyproject.toml"
    )


def _scope_words(scope: EvidenceScope) -> str:
    return scope.name.removeprefix("scope-").replace("-", " ")


def _ref_quote(ref: str) -> str:
    kind, _, name = ref.removeprefix("refs/").partition("/")
    return {"tags": "tag", "heads": "branch", "remotes": "remote branch"}.get(
        kind, kind
    ) + f" {name}"


def _scope_ci(ci: CiParse, options: Options) -> None:
    """Keep the CI jobs that target the scanned folder, and what they run in it."""
    executes_in = {
        id(job) for rel, pairs in ci.runs.items() if options.in_scope(rel) for job, _ in pairs
    }
    ci.jobs = [j for j in ci.jobs if targets(j, options.scope) or id(j) in executes_in]
    kept = {id(j) for j in ci.jobs}
    ci.runs = {
        rel: [(j, c) for j, c in pairs if id(j) in kept]
        for rel, pairs in ci.runs.items()
        if any(id(j) in kept for j, _ in pairs)
    }


class _Matcher:
    """Collects the hits of every signal, file by file."""

    def __init__(
        self, signals: list[Signal], roles: PathRoles, result: Detection, run_by_ci: set[str]
    ) -> None:
        self.signals, self.roles, self.result, self.run_by_ci = signals, roles, result, run_by_ci
        self.hits: dict[int, list[Hit]] = defaultdict(list)
        self.absent_seen: set[int] = set()
        self.routes: dict[tuple[int, ...], _Route] = {}
        self.plans: dict[tuple[int, ...], _Plan] = {}
        self.required: dict[int, tuple[tuple[bytes, ...], ...]] = {}  # see _has_literals
        self.prefilters = _Prefilters(signals)

    def allowed(self, i: int, rel: str) -> bool:
        scope = self.roles.restriction(rel)
        if scope is None:  # the usual case: no evidence scope, nothing to check
            return True
        sig = self.signals[i]
        if self.roles.allows(rel, sig.practices + sig.contradicts):
            return True
        if sig.negative and scope.conditional:
            return True  # a notebook collection's committed model still argues against practices
        self.result.restricted[scope.name] = self.result.restricted.get(scope.name, 0) + 1
        return False

    def record(self, i: int, hit: Hit) -> None:
        if len(self.hits[i]) < MAX_HITS_PER_SIGNAL and self.allowed(i, hit.path.rstrip("/")):
            self.hits[i].append(hit)

    def file(
        self,
        rel: str,
        logical: str,
        index: GlobIndex,
        contents: Contents,
        tracked: set[str] | None,
    ) -> None:
        ids = index.match_ids(logical.lower())
        if not ids:
            return
        route = self.routes.get(ids)
        if route is None:
            route = self.routes[ids] = _Route.build(index.keys(ids), self.signals, self.prefilters)
        if route.absent:
            self.absent_seen.update(route.absent)
        for i in route.plain:
            self.record(i, Hit(rel, None, ""))
        plan = route.plan
        if route.tracked:
            plan = self._tracked_plan(route, rel, tracked)
        if plan is not None:
            self._content(rel, plan, contents)

    def _has_literals(self, i: int, lowered: bytes) -> bool:
        """Whether an ASCII file (lower-cased) holds a literal of each of a signal's patterns
        that has ASCII literals."""
        required = self.required.get(i)
        if required is None:
            patterns = self.signals[i].patterns
            required = self.required[i] = tuple(
                p.ascii_literals for p in patterns if p.ascii_literals is not None
            )
        return _holds_all(lowered, required)

    def _tracked_plan(self, route: _Route, rel: str, tracked: set[str] | None) -> _Plan | None:
        with_content = list(route.content)
        for i in route.tracked:
            if tracked is None or rel in tracked:
                if self.signals[i].patterns:
                    with_content.append(i)
                else:
                    self.record(i, Hit(rel, None, ""))
        key = tuple(with_content)
        if not with_content:
            return None
        plan = self.plans.get(key)
        if plan is None:
            plan = self.plans[key] = _Plan.build(key, self.prefilters)
        return plan

    def _content(self, rel: str, plan: _Plan, contents: Contents) -> None:
        raw = contents.raw(rel)
        if raw is None:
            return
        candidates = plan.candidates(raw[0])
        if not candidates:  # the usual case: no gate word, no literal
            return
        if rel not in self.run_by_ci:  # enough examples of these signals already
            candidates = [i for i in candidates if len(self.hits[i]) < MAX_HITS_PER_SIGNAL]
        if self.roles.restriction(rel) is not None:  # else every signal is allowed here
            candidates = [i for i in candidates if self.allowed(i, rel)]
        if candidates and raw[0].isascii():
            # an ASCII file lowers the same as bytes and as text: a pattern whose literals it
            # lacks cannot match (ContentPattern.search would say so after decoding it)
            lowered = raw[0].lower()
            candidates = [i for i in candidates if self._has_literals(i, lowered)]
        if not candidates:
            return
        text = raw[0].decode("utf-8", errors="replace")
        content = Content(text, text.lower(), raw[1])
        for i in candidates:
            hit = _content_hit(self.signals[i].patterns, rel, content)
            if hit is not None:
                if len(self.hits[i]) >= MAX_HITS_PER_SIGNAL:
                    self.hits[i].pop()  # keep the file CI runs among the examples
                self.hits[i].append(hit)

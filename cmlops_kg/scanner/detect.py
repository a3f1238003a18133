"""Running the signal catalogue over a walked tree and its CI jobs: findings with provenance.

Every file is looked up once in a glob index; its content is read at most once, and only when a
signal with content patterns names it. CI files are parsed into jobs, and CI signals are
matched against the jobs' commands and triggers. A finding is one signal seen in one place,
with the strength it shows (present, configured, run by CI).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from cmlops_kg.scanner.ci import CiCommand, CiJob, CiParse, parse_ci
from cmlops_kg.scanner.contents import Content, Contents
from cmlops_kg.scanner.gates import words_of
from cmlops_kg.scanner.gitindex import tracked_paths
from cmlops_kg.scanner.globs import GlobIndex
from cmlops_kg.scanner.patterns import ContentPattern, quote_line, shorten
from cmlops_kg.scanner.signals import Signal, SignalCatalogue
from cmlops_kg.scanner.walk import Tree

MAX_HITS_PER_SIGNAL = 50
RUN_BY_CI = 3


@dataclass
class SignalFinding:
    signal: Signal
    rank: int  # 1 present, 2 configured, 3 run by CI
    path: str
    line: int | None
    quote: str
    via: str = ""  # why it counts as run by CI
    provider: str = ""  # the CI parser involved, if any

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass
class Detection:
    findings: list[SignalFinding] = field(default_factory=list)
    negatives: list[SignalFinding] = field(default_factory=list)
    fired: set[str] = field(default_factory=set)  # signal IRIs that matched
    content_skipped: list[tuple[str, str]] = field(default_factory=list)
    ci: CiParse = field(default_factory=CiParse)
    git_index: bool = False


@dataclass
class _Hit:
    path: str
    line: int | None
    quote: str


@dataclass
class _Route:
    """What to do with a file, given which globs its path matches (cached per glob set)."""

    plain: list[int]  # signals that match by path alone
    content: tuple[int, ...]  # signals whose content patterns must be checked
    tracked: list[int]  # signals that count only files in the Git index
    absent: list[int]  # negative signals whose absent-glob this file matches
    plan: _Plan | None  # the gates of ``content`` (when no tracked signal can join it)

    @classmethod
    def build(cls, keys: list, signals: list[Signal]) -> _Route:
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
        plan = _Plan.build(tuple(content), signals) if ready else None
        return cls(plain, tuple(content), tracked, absent, plan)


@dataclass
class _Plan:
    """For one set of candidate signals: which gate words lead to which signals."""

    by_word: dict[bytes, list[int]]
    words: frozenset[bytes]
    ungated: list[tuple[int, tuple[tuple[bytes, ...], ...]]]  # signal, its literal sets

    @classmethod
    def build(cls, ids: tuple[int, ...], signals: list[Signal]) -> _Plan:
        by_word: dict[bytes, list[int]] = defaultdict(list)
        ungated = []
        for i in ids:
            gate = signals[i].gate
            if gate is None:
                ungated.append((i, signals[i].literal_sets))
            else:
                for word in gate:
                    by_word[word.encode("ascii")].append(i)
        return cls(dict(by_word), frozenset(by_word), ungated)

    def candidates(self, data: bytes) -> list[int]:
        """Signals whose gate words or literals the file contains (never one it could match
        that is left out)."""
        found: list[int] = []
        if self.words:
            tokens = words_of(data)
            if not self.words.isdisjoint(tokens):  # disjoint: the usual, and cheap, answer
                for word in self.words.intersection(tokens):
                    found += self.by_word[word]
        if self.ungated:
            lowered = data.lower()  # ASCII lower-casing, like the literals
            for i, literal_sets in self.ungated:
                if all(any(lit in lowered for lit in lits) for lits in literal_sets):
                    found.append(i)
        return sorted(set(found)) if len(found) > 1 else found


def _content_hit(patterns: list[ContentPattern], rel: str, content: Content) -> _Hit | None:
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
        return _Hit(rel, None, f"cell {cell}: {quote}")
    return _Hit(rel, line_no, quote)


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
) -> Detection:
    signals = catalogue.signals
    file_index, dir_index = catalogue.cached("glob indexes", lambda: _build_indexes(signals))
    tracked = tracked_paths(tree.root)
    contents = Contents(tree, limit)
    hits: dict[int, list[_Hit]] = defaultdict(list)
    absent_seen: set[int] = set()
    # CI first: the files CI runs are always checked, even for signals with enough hits
    result = Detection(git_index=tracked is not None)
    result.ci = parse_ci(list(tree.files), contents.text)
    run_by_ci = set(result.ci.runs)

    def record(i: int, hit: _Hit) -> None:
        if len(hits[i]) < MAX_HITS_PER_SIGNAL:
            hits[i].append(hit)

    for rel in tree.dirs:
        for i, _role in dir_index.match(rel.lower()):  # type: ignore[misc]
            record(i, _Hit(rel + "/", None, "directory"))
    routes: dict[tuple[int, ...], _Route] = {}
    plans: dict[tuple[int, ...], _Plan] = {}
    total = len(tree.files)
    for n, rel in enumerate(tree.files):
        if tick is not None and n % 256 == 0:
            tick(n, total)
        ids = file_index.match_ids(rel.lower())
        if not ids:
            continue
        route = routes.get(ids)
        if route is None:
            route = routes[ids] = _Route.build(file_index.keys(ids), signals)
        if route.absent:
            absent_seen.update(route.absent)
        for i in route.plain:
            record(i, _Hit(rel, None, ""))
        plan = route.plan
        if route.tracked:
            with_content = list(route.content)
            for i in route.tracked:
                if tracked is None or rel in tracked:
                    if signals[i].patterns:
                        with_content.append(i)
                    else:
                        record(i, _Hit(rel, None, ""))
            key = tuple(with_content)
            plan = plans.get(key) if with_content else None
            if with_content and plan is None:
                plan = plans[key] = _Plan.build(key, signals)
        if plan is None:
            continue
        raw = contents.raw(rel)
        if raw is None:
            continue
        candidates = plan.candidates(raw[0])
        if rel not in run_by_ci:  # enough examples of these signals already
            candidates = [i for i in candidates if len(hits[i]) < MAX_HITS_PER_SIGNAL]
        if not candidates:
            continue
        text = raw[0].decode("utf-8", errors="replace")
        content = Content(text, text.lower(), raw[1])
        for i in candidates:
            hit = _content_hit(signals[i].patterns, rel, content)
            if hit is not None:
                if len(hits[i]) >= MAX_HITS_PER_SIGNAL:
                    hits[i].pop()  # keep the file CI runs among the examples
                hits[i].append(hit)
    if tick is not None:
        tick(total, total)

    result.content_skipped = contents.skipped
    ci_hits = _match_ci(signals, result.ci.jobs)
    _assemble(result, signals, hits, ci_hits, absent_seen, tracked is not None)
    return result


def _match_ci(signals: list[Signal], jobs: list[CiJob]) -> dict[int, list[tuple[CiJob, CiCommand]]]:
    found: dict[int, list[tuple[CiJob, CiCommand]]] = defaultdict(list)
    for i, sig in enumerate(signals):
        if not sig.is_ci:
            continue
        for job in jobs:
            if sig.triggers and not (job.triggers & sig.triggers):
                continue
            if sig.trigger_pattern and not sig.trigger_pattern.search(
                f"{job.trigger_detail} {job.name}"
            ):
                continue
            first: CiCommand | None = None
            for pattern in sig.ci_patterns:
                command = next((c for c in job.commands if pattern.search(c.text)), None)
                if command is None:
                    break
                first = first or command
            else:
                if first is not None:
                    found[i].append((job, first))
    return found


def describe_run(job: CiJob, command: CiCommand) -> str:
    where = f"{command.file}:{command.line}" if command.line else command.file
    text = quote_line(command.text, width=80)  # redacted: commands may carry credentials
    return f'CI job "{job.name}" ({job.trigger_text()}) runs `{text}` at {where}'


def _assemble(
    result: Detection,
    signals: list[Signal],
    hits: dict[int, list[_Hit]],
    ci_hits: dict[int, list[tuple[CiJob, CiCommand]]],
    absent_seen: set[int],
    git_index: bool,
) -> None:
    fired_ci = {signals[i].iri: pairs for i, pairs in ci_hits.items() if pairs}
    for i, pairs in ci_hits.items():
        sig = signals[i]
        result.fired.add(sig.iri)
        for job, command in pairs[:MAX_HITS_PER_SIGNAL]:
            quote = (
                f'job "{shorten(job.name, 60)}" ({job.trigger_text()}): {quote_line(command.text)}'
            )
            result.findings.append(
                SignalFinding(
                    sig,
                    RUN_BY_CI,
                    command.file,
                    command.line,
                    quote,
                    describe_run(job, command),
                    job.provider,
                )
            )
    for i, found in hits.items():
        sig = signals[i]
        if sig.negative:
            if i in absent_seen:
                continue
            note = (
                ""
                if git_index or not sig.tracked_only
                else " (no Git index: tracked status unknown)"
            )
            for hit in found:
                result.negatives.append(
                    SignalFinding(sig, sig.rank, hit.path, hit.line, hit.quote + note)
                )
            result.fired.add(sig.iri)
            continue
        result.fired.add(sig.iri)
        for hit in found:
            result.findings.append(SignalFinding(sig, sig.rank, hit.path, hit.line, hit.quote))
            runs = result.ci.runs.get(hit.path, [])
            if sig.rank == 2 and sig.run_when_named and runs:
                job, command = runs[0]
                result.findings.append(
                    SignalFinding(
                        sig,
                        RUN_BY_CI,
                        hit.path,
                        hit.line,
                        hit.quote,
                        describe_run(job, command),
                        job.provider,
                    )
                )
        for ci_iri in sig.executed_by:
            if ci_iri in fired_ci and found:
                job, command = fired_ci[ci_iri][0]
                hit = found[0]
                result.findings.append(
                    SignalFinding(
                        sig,
                        RUN_BY_CI,
                        hit.path,
                        hit.line,
                        hit.quote,
                        describe_run(job, command),
                        job.provider,
                    )
                )
                break

"""Linking findings to CI: which CI signals the jobs match, and which file findings a CI job runs.

A CI signal matched in a job that runs for this repository and whose command can fail the job
counts as run by CI; matched only by commands that cannot fail the job (a test in the middle of
a script without ``set -e``, ``|| true``, ``--exit-zero``) it counts as present; matched in a
job that never runs here (a project template's CI, a CI template, a build whose trigger lives
elsewhere) it counts as configured. A configured file counts as run by CI when a running job
executes it (by path, or a directory containing it); a file signal with ``executedBy`` does when
its CI signal matched in a job that covers the file (path filters, working directory). A hit in
a path whose evidence scope limits the practice (cmlops:scopeLimitsPractice) counts as present
and is never upgraded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from cmlops_kg.scanner.ci import CiCommand, CiJob, job_covers
from cmlops_kg.scanner.ci.parse import TEMPLATE_NOT_RUN
from cmlops_kg.scanner.findings import MAX_HITS_PER_SIGNAL, RUN_BY_CI, Detection, Hit, SignalFinding
from cmlops_kg.scanner.patterns import quote_line, shorten
from cmlops_kg.scanner.signals import Signal

PRESENT, CONFIGURED = 1, 2
SUMMARY = "pipeline environments:"
BUILDING_BLOCKS = ("CI template", "reusable workflow")
Pair = tuple[CiJob, CiCommand, int]  # a job, the command that matched, the rank it shows


def pair_rank(job: CiJob, blocking: bool) -> int:
    """What a job running a command shows: run by CI only when the job runs for this
    repository on a change, schedule or event and the command can fail it; configured when it
    runs only by hand or not here at all; present when the command cannot fail the job."""
    if not blocking or job.not_run.startswith(BUILDING_BLOCKS):
        return PRESENT  # a CI template or reusable workflow is a building block for others
    if not job.runs_here or job.triggers <= {"manual"}:
        return CONFIGURED
    return RUN_BY_CI


def _triggered(sig: Signal, job: CiJob) -> bool:
    """Whether a job starts the way a signal requires (a job that does not run here counts
    with the triggers its file declares, e.g. a project template's CI)."""
    if sig.triggers and not (job.triggers & sig.triggers):
        return False
    if job.triggers and job.triggers <= sig.excluded_triggers:
        return False  # e.g. a scheduled retraining run is no CI of the pipeline code
    return not sig.trigger_pattern or bool(
        sig.trigger_pattern.search(f"{job.trigger_detail} {job.name}")
    )


def _match_job(sig: Signal, job: CiJob, scope: str) -> Pair | None:
    chosen: list[CiCommand] = []
    for pattern in sig.ci_patterns:
        # the "pipeline environments: ..." summary names jobs and stages; it is no command, and
        # only patterns written for it read it (a job named "lint" runs no linter)
        summary = SUMMARY in pattern.pattern
        matching = [
            c
            for c in job.commands
            if (summary or not c.text.startswith(SUMMARY)) and pattern.search(c.text)
        ]
        if not matching:
            return None
        chosen.append(next((c for c in matching if c.blocking), matching[0]))
    if not chosen:
        return None
    rank = min(pair_rank(job, all(c.blocking for c in chosen)), sig.rank)
    if sig.whole_repository and not scope and job.not_run != TEMPLATE_NOT_RUN and one_folder(job):
        rank = min(rank, PRESENT)  # CI of one project of a monorepo: part of the repository
    return job, chosen[0], rank


def one_folder(job: CiJob) -> str | None:
    """The top-level folder a job's path filters all lie in, if there is one."""
    tops = {p.strip().lstrip("./").split("/", 1)[0] for p in job.paths}
    if len(tops) != 1 or not all("/" in p.strip().lstrip("./") for p in job.paths):
        return None
    (top,) = tops
    return None if any(ch in top for ch in "*?[{") else top


def match_ci(
    signals: list[Signal], jobs: list[CiJob], scope: str = "", library: bool = False
) -> dict[int, list[Pair]]:
    """The jobs each CI signal matches; in a library of building blocks (see
    building_block_library) even its manual jobs are blocks for others: present."""
    found: dict[int, list[Pair]] = defaultdict(list)
    for i, sig in enumerate(signals):
        if not sig.is_ci:
            continue
        for job in jobs:
            if _triggered(sig, job):
                pair = _match_job(sig, job, scope)
                if pair is not None:
                    if library:
                        pair = (pair[0], pair[1], min(pair[2], PRESENT))
                    found[i].append(pair)
        found[i].sort(key=lambda p: -p[2])
    return found


def describe_run(job: CiJob, command: CiCommand, rank: int) -> str:
    where = f"{command.file}:{command.line}" if command.line else command.file
    text = quote_line(command.origin or command.text, width=80)  # commands may carry secrets
    name = quote_line(job.name, width=60)
    if rank == CONFIGURED:
        return f'CI job "{name}" in {job.file} ({job.trigger_text()}) would run `{text}` at {where}'
    fails = "" if rank == RUN_BY_CI else ", which cannot fail the job"
    return f'CI job "{name}" ({job.trigger_text()}) runs `{text}` at {where}{fails}'


def _ci_quote(job: CiJob, command: CiCommand) -> str:
    name = shorten(quote_line(job.name, width=60), 60)
    return f'job "{name}" ({job.trigger_text()}): {quote_line(command.origin or command.text)}'


def _unmet(signals: list[Signal], hits: dict[int, list[Hit]], ci: dict[int, list[Pair]]) -> None:
    """A signal that requires others counts only when each of them matched too."""
    by_iri = {s.iri: i for i, s in enumerate(signals)}
    changed = True
    while changed:
        changed = False
        for i, sig in enumerate(signals):
            if not sig.requires or not (hits.get(i) or ci.get(i)):
                continue
            needed = [by_iri[r] for r in sig.requires if r in by_iri]
            if any(not (hits.get(n) or ci.get(n)) for n in needed):
                hits[i], ci[i] = [], []
                changed = True


def link(
    result: Detection,
    signals: list[Signal],
    hits: dict[int, list[Hit]],
    absent_seen: set[int],
    git_index: bool,
    scope: str = "",
    limited: Callable[[str, list[str]], bool] | None = None,
) -> None:
    library = building_block_library(result.ci.jobs)
    ci_hits = match_ci(signals, result.ci.jobs, scope, library)
    _unmet(signals, hits, ci_hits)
    fired_ci = {signals[i].iri: pairs for i, pairs in ci_hits.items() if pairs}
    for i, pairs in ci_hits.items():
        for job, command, rank in pairs[:MAX_HITS_PER_SIGNAL]:
            result.fired.add(signals[i].iri)
            result.findings.append(
                SignalFinding(
                    signals[i],
                    rank,
                    command.file,
                    command.line,
                    _ci_quote(job, command),
                    describe_run(job, command, rank),
                    job.provider,
                    job.runs_here,
                )
            )
    for i, found in hits.items():
        if found:
            _file_findings(
                result, signals[i], found, fired_ci, i in absent_seen, git_index, library, limited
            )


def building_block_library(jobs: list[CiJob]) -> bool:
    """Whether the repository is a library of CI building blocks: it has CI templates or
    reusable workflows, and no job of its own that a change, schedule or event starts. Its code
    is the payload of those blocks, run only when another repository calls them."""
    blocks = [j for j in jobs if j.not_run.startswith(BUILDING_BLOCKS)]
    own = [j for j in jobs if j.runs_here and not j.triggers <= {"manual"}]
    return bool(blocks) and not own


def _file_findings(
    result: Detection,
    sig: Signal,
    found: list[Hit],
    fired_ci: dict[str, list[Pair]],
    absent: bool,
    git_index: bool,
    library: bool = False,
    limited: Callable[[str, list[str]], bool] | None = None,
) -> None:
    if sig.negative:
        if absent:
            return
        note = (
            "" if git_index or not sig.tracked_only else " (no Git index: tracked status unknown)"
        )
        for hit in found:
            result.negatives.append(
                SignalFinding(sig, sig.rank, hit.path, hit.line, hit.quote + note)
            )
        result.fired.add(sig.iri)
        return
    result.fired.add(sig.iri)
    full = []  # hits that may show the signal's own strength, and be upgraded by CI runs
    for hit in found:
        # in a library of building blocks, what its files configure is there for callers (its
        # own git data, .git/..., is its own; .github/... files are blocks like any other)
        payload = library and hit.path != ".git" and not hit.path.startswith(".git/")
        # a scope may show a practice only as present (data validation in test code)
        capped = limited is not None and limited(hit.path, sig.practices)
        rank = min(sig.rank, PRESENT) if payload or capped else sig.rank
        result.findings.append(SignalFinding(sig, rank, hit.path, hit.line, hit.quote))
        if capped:
            continue
        full.append(hit)
        run = _run_of(result, hit.path) if _upgradable(sig) else None
        if run is not None and pair_rank(run[0], run[1].blocking) == RUN_BY_CI:
            result.findings.append(_upgraded(sig, hit, run[0], run[1], RUN_BY_CI))
    upgrade = _executed_by(sig, full, fired_ci)
    if upgrade is not None:
        result.findings.append(upgrade)


def _upgradable(sig: Signal) -> bool:
    """Whether a CI job executing one of the signal's files shows that CI runs the practice:
    for configured signals unless they say no, for present ones only when they say yes."""
    if sig.run_when_named is None:
        return sig.rank == CONFIGURED
    return sig.run_when_named and sig.rank <= CONFIGURED


def _run_of(result: Detection, path: str) -> tuple[CiJob, CiCommand] | None:
    """The strongest run of a file by CI: a job executing it, or a directory containing it."""
    runs = result.ci.runs
    pairs = list(runs.get(path, []))
    cut = path.rfind("/")
    while cut > 0:
        pairs += runs.get(path[: cut + 1], [])
        cut = path.rfind("/", 0, cut)
    return max(pairs, key=lambda p: pair_rank(p[0], p[1].blocking)) if pairs else None


def _executed_by(
    sig: Signal, found: list[Hit], fired_ci: dict[str, list[Pair]]
) -> SignalFinding | None:
    best: tuple[int, Hit, CiJob, CiCommand] | None = None
    for ci_iri in sig.executed_by:
        for job, command, rank in fired_ci.get(ci_iri, []):
            hit = next((h for h in found if job_covers(job, command, h.path)), None)
            if hit is not None and (best is None or rank > best[0]):
                best = (rank, hit, job, command)
    if best is None:
        return None
    rank, hit, job, command = best
    return _upgraded(sig, hit, job, command, rank)


def _upgraded(sig: Signal, hit: Hit, job: CiJob, command: CiCommand, rank: int) -> SignalFinding:
    return SignalFinding(
        sig,
        rank,
        hit.path,
        hit.line,
        hit.quote,
        describe_run(job, command, rank),
        job.provider,
        job.runs_here,
    )

"""The repository scanner: evidence of practices from a source tree, as a validated profile.

``scan_repository`` finds the repository a path belongs to (repository.py), walks it read-only,
reads its git refs, matches the signal catalogue of the ontology (ontology/signals.ttl) against
the files, contents, refs and CI jobs of the folder scanned, and judges each practice that has
a finding; ``evidence.build_profile`` turns the judgements into a profile that ``assess``,
``report`` and the app read like any other.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field

from cmlops_kg.scanner.detect import Detection, Options, detect
from cmlops_kg.scanner.evidence import Verdict, judge
from cmlops_kg.scanner.gitrefs import read_refs
from cmlops_kg.scanner.globs import expand_braces, glob_regex
from cmlops_kg.scanner.progress import Progress
from cmlops_kg.scanner.repoconfig import read_config
from cmlops_kg.scanner.repository import Location, locate, nested_repositories
from cmlops_kg.scanner.signals import SignalCatalogue, load_catalogue
from cmlops_kg.scanner.walk import Tree, walk

DEFAULT_MAX_FILE_BYTES = 1024 * 1024

__all__ = ["ScanResult", "SignalCatalogue", "load_catalogue", "scan_repository"]


def exclude_paths(tree: Tree, globs: list[str]) -> None:
    """Drop excluded files and directories (and everything under an excluded directory)."""
    regexes = [re.compile(glob_regex(g)) for raw in globs for g in expand_braces(raw)]

    def excluded(rel: str) -> bool:
        low = rel.lower()
        return any(r.match(low) for r in regexes)

    dropped = tuple(d + "/" for d in tree.dirs if excluded(d))
    for rel in [r for r in tree.files if r.startswith(dropped) or excluded(r)]:
        del tree.files[rel]
        tree.skip(rel, "excluded by --exclude")
    tree.dirs = [d for d in tree.dirs if not (d + "/").startswith(dropped) and not excluded(d)]


@dataclass
class ScanResult:
    root: str
    name: str
    files: int
    dirs: int
    skipped: list[tuple[str, str]]
    detection: Detection
    verdicts: list[Verdict]
    catalogue: SignalCatalogue
    seconds: float
    notes: list[str] = field(default_factory=list)
    scope: str = ""
    warnings: list[str] = field(default_factory=list)
    repository: bool = True  # False: no .git found, version control is unknown

    @property
    def all_skipped(self) -> list[tuple[str, str]]:
        return self.skipped + self.detection.content_skipped + self.detection.ci.problems


def _warnings(location: Location, tree: Tree, in_scope: int) -> list[str]:
    warnings = list(location.warnings)
    nested = nested_repositories(tree.dirs)
    if nested and not location.is_repository:
        tops = sorted({rel.split("/", 1)[0] for rel in tree.files})
        warnings.append(
            f"{len(nested)} separate repositories ({', '.join(nested[:5])}"
            f"{', ...' if len(nested) > 5 else ''}) and {len(tops)} top-level folders were merged "
            "into one scan: scan each repository on its own"
        )
    elif nested:
        warnings.append(
            f"{len(nested)} nested repositories ({', '.join(nested[:5])}) were scanned as part of "
            "this one"
        )
    if in_scope == 0:
        warnings.append("no files to scan in the folder given")
    return warnings


def scan_repository(
    path: str | os.PathLike[str],
    catalogue: SignalCatalogue | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    progress: Progress | None = None,
    exclude: list[str] | None = None,
    scope: str | None = None,
    count_paths: list[str] | None = None,
) -> ScanResult:
    """Scan one repository, or one folder of it (with the CI that targets it); never writes to
    it and never runs anything from it.

    ``exclude`` globs (same syntax as signal globs) name paths to leave out; ``scope`` is a
    folder of ``path`` to scan alone; ``count_paths`` globs exempt paths from the evidence
    scopes (tests, fixtures, vendored code, docs and examples count only for some practices).
    """
    started = time.perf_counter()
    catalogue = catalogue or load_catalogue()
    progress = progress or Progress(False)
    location = locate(os.fspath(path), scope)
    tree = walk(location.root, tick=progress.walking)
    config = read_config(location.root)
    if exclude or config.exclude:
        exclude_paths(tree, [*(exclude or []), *config.exclude])
    refs = read_refs(location.git_dir)
    options = Options(location.scope, location.git_dir, refs, count_paths or [], config.examples)
    detection = detect(tree, catalogue, max_file_bytes, tick=progress.matching, options=options)
    progress.finish()
    verdicts = judge(detection, catalogue)
    in_scope = sum(1 for rel in tree.files if options.in_scope(rel))
    dirs = sum(1 for rel in tree.dirs if options.in_scope(rel))
    name_path = os.path.join(location.root, location.scope) if location.scope else location.root
    return ScanResult(
        root=tree.root,
        name=os.path.basename(name_path.rstrip(os.sep)) or name_path,
        files=in_scope,
        dirs=dirs,
        skipped=[(rel, why) for rel, why in tree.skipped if options.in_scope(rel)],
        detection=detection,
        verdicts=verdicts,
        catalogue=catalogue,
        seconds=time.perf_counter() - started,
        scope=location.scope,
        warnings=[
            *_warnings(location, tree, in_scope),
            *config.warnings,
            *config.notes(),
            *detection.notes,
        ],
        repository=location.is_repository,
    )

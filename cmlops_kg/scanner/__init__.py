"""The repository scanner: evidence of practices from a source tree, as a validated profile.

``scan_repository`` walks a local repository read-only, matches the signal catalogue of the
ontology (ontology/signals.ttl) against its files, contents and CI jobs, and judges each
practice that has a finding; ``evidence.build_profile`` turns the judgements into a profile
that ``assess``, ``report`` and the app read like any other.
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field

from cmlops_kg.scanner.detect import Detection, detect
from cmlops_kg.scanner.evidence import Verdict, judge
from cmlops_kg.scanner.globs import expand_braces, glob_regex
from cmlops_kg.scanner.progress import Progress
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

    @property
    def all_skipped(self) -> list[tuple[str, str]]:
        return self.skipped + self.detection.content_skipped + self.detection.ci.problems


def scan_repository(
    path: str | os.PathLike[str],
    catalogue: SignalCatalogue | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    progress: Progress | None = None,
    exclude: list[str] | None = None,
) -> ScanResult:
    """Scan one repository; never writes to it and never runs anything from it.

    ``exclude`` globs (same syntax as signal globs) name paths to leave out, e.g. test
    fixtures that quote other projects' code.
    """
    started = time.perf_counter()
    catalogue = catalogue or load_catalogue()
    progress = progress or Progress(False)
    tree = walk(os.fspath(path), tick=progress.walking)
    if exclude:
        exclude_paths(tree, exclude)
    detection = detect(tree, catalogue, max_file_bytes, tick=progress.matching)
    progress.finish()
    verdicts = judge(detection, catalogue)
    return ScanResult(
        root=tree.root,
        name=os.path.basename(tree.root.rstrip(os.sep)) or tree.root,
        files=len(tree.files),
        dirs=len(tree.dirs),
        skipped=tree.skipped,
        detection=detection,
        verdicts=verdicts,
        catalogue=catalogue,
        seconds=time.perf_counter() - started,
    )

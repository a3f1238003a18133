"""What a scan can say about each practice of the catalogue: found (with evidence), not found
(a repository could show it, but this one did not), or unknown (no repository can show it, or
this scan cannot: a tree that is not a Git repository says nothing about version control).

Unknown is not missing: the assessment engine treats a practice without evidence as unknown,
and the scan emits no evidence for it.
"""

from __future__ import annotations

from dataclasses import dataclass

from cmlops_kg.scanner.evidence import Verdict
from cmlops_kg.scanner.signals import SignalCatalogue, practices_by_signal

FOUND, NOT_FOUND, UNKNOWN = "found", "not found", "unknown"
NO_SIGNAL = "no repository can show this"
NO_REPOSITORY = "the scanned tree is not a Git repository"


@dataclass(frozen=True)
class PracticeState:
    practice: str
    label: str
    state: str  # found | not found | unknown
    reason: str


def git_only_practices(catalogue: SignalCatalogue) -> set[str]:
    """Practices that only signals reading a repository's .git can evidence."""
    out = set()
    for practice, signals in practices_by_signal(catalogue).items():
        if signals and all(all(g.startswith(".git") for g in s.globs) and s.globs for s in signals):
            out.add(practice)
    return out


def practice_states(
    verdicts: list[Verdict], catalogue: SignalCatalogue, repository: bool
) -> list[PracticeState]:
    judged = {v.practice for v in verdicts}
    covered = practices_by_signal(catalogue)
    git_only = set() if repository else git_only_practices(catalogue)
    states = []
    for practice, label in sorted(catalogue.practice_labels.items(), key=lambda kv: kv[1]):
        if practice in judged:
            states.append(PracticeState(practice, label, FOUND, "evidence found"))
        elif practice not in covered:
            states.append(PracticeState(practice, label, UNKNOWN, NO_SIGNAL))
        elif practice in git_only:
            states.append(PracticeState(practice, label, UNKNOWN, NO_REPOSITORY))
        else:
            states.append(PracticeState(practice, label, NOT_FOUND, "looked for, not found"))
    return states

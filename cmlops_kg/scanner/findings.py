"""What detection produces: findings of signals, with their strength and provenance."""

from __future__ import annotations

from dataclasses import dataclass, field

from cmlops_kg.scanner.ci import CiParse
from cmlops_kg.scanner.signals import Signal

MAX_HITS_PER_SIGNAL = 50
RUN_BY_CI = 3


@dataclass
class SignalFinding:
    signal: Signal
    rank: int  # 1 present, 2 configured, 3 run by CI
    path: str
    line: int | None
    quote: str
    via: str = ""  # why it counts as run by CI (or configured in CI)
    provider: str = ""  # the CI parser involved, if any
    runs_here: bool = False  # a CI job of this repository executes it (whatever it shows)

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
    refs: int = 0  # git refs read
    restricted: dict[str, int] = field(default_factory=dict)  # evidence scope -> findings left out
    notes: list[str] = field(default_factory=list)  # what the reader should know (scopes yielded)


@dataclass
class Hit:
    path: str
    line: int | None
    quote: str

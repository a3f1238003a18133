"""What the CI parsers produce: jobs, their triggers and the commands they run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

Reader = Callable[[str], "str | None"]  # relative path -> text, or None when unreadable


@dataclass
class CiCommand:
    text: str
    file: str
    line: int | None
    cwd: str = ""


@dataclass
class CiJob:
    provider: str
    file: str
    name: str
    line: int | None
    triggers: set[str]  # change | schedule | manual | event (| called, resolved away)
    trigger_detail: str
    commands: list[CiCommand] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)  # local workflows or actions it uses

    def trigger_text(self) -> str:
        return ", ".join(sorted(self.triggers)) or "never"


@dataclass
class CiParse:
    jobs: list[CiJob] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file, why not parsed)
    runs: dict[str, list[tuple[CiJob, CiCommand]]] = field(default_factory=dict)

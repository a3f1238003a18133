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
    blocking: bool = True  # False: a failure of this command cannot fail the job
    origin: str = ""  # for a command a provider step stands for: the step, e.g. "task: Docker@2"


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
    call_inputs: dict[str, str] = field(default_factory=dict)  # `with:` of a reusable call
    paths: list[str] = field(default_factory=list)  # path filters: it runs when these change
    paths_ignore: list[str] = field(default_factory=list)
    # why the job never runs for this repository (a project template, a CI template that no
    # pipeline includes, a build whose trigger lives outside the repository), or ""
    not_run: str = ""

    def trigger_text(self) -> str:
        if self.not_run:
            return self.not_run
        return ", ".join(sorted(self.triggers)) or "never"

    @property
    def runs_here(self) -> bool:
        return not self.not_run and bool(self.triggers)


@dataclass
class CiParse:
    jobs: list[CiJob] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (file, why not parsed)
    runs: dict[str, list[tuple[CiJob, CiCommand]]] = field(default_factory=dict)
    templates: list[str] = field(default_factory=list)  # files read as templates, not pipelines
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (file, reference)

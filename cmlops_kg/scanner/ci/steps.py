"""Provider steps as the commands they stand for (``Docker@2`` buildAndPush is a docker build and
a docker push), read from the step mappings of ontology/signals.ttl (cmlops:CiStepMapping).

A mapping applies to a step whose reference (an Azure task such as ``HelmDeploy@0``, a GitHub
action such as ``docker/build-push-action@v5``) matches its step pattern and whose inputs match
all its input patterns. It stands for commands (``{input}`` is replaced by that input's value;
a command naming a missing input is left out) and may name inputs that hold script lines
(``inlineScript``), which become commands of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cmlops_kg.scanner.ci.model import CiCommand
from cmlops_kg.scanner.ci.shell import script_commands

if TYPE_CHECKING:
    from cmlops_kg.scanner.patterns import LazyRegex

    Regex = re.Pattern[str] | LazyRegex

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class StepMapping:
    name: str
    step: Regex
    inputs: tuple[Regex, ...] = ()
    stands_for: tuple[str, ...] = ()
    script_inputs: tuple[str, ...] = ()

    def applies(self, ref: str, inputs: Mapping[str, str]) -> bool:
        if not self.step.search(ref):
            return False
        lines = [f"{k}: {v}" for k, v in inputs.items()]
        return all(any(p.search(line) for line in lines) for p in self.inputs)


def _fill(template: str, inputs: Mapping[str, str]) -> str | None:
    lowered = {k.lower(): v for k, v in inputs.items()}
    missing = [name for name in _PLACEHOLDER.findall(template) if name.lower() not in lowered]
    if missing:
        return None
    text = _PLACEHOLDER.sub(lambda m: " ".join(lowered[m.group(1).lower()].split()), template)
    return text.strip()


def step_commands(
    ref: str,
    inputs: Mapping[str, str],
    where: tuple[str, int | None, str],
    mappings: Iterable[StepMapping],
    lines: Mapping[str, int | None] | None = None,
) -> list[CiCommand]:
    """The commands a provider step stands for, from the mappings that apply to it."""
    file, line, cwd = where
    origin = f"{ref}" + "".join(f" {k}: {v}" for k, v in inputs.items() if k.lower() == "command")
    out: list[CiCommand] = []
    lowered = {k.lower(): (k, v) for k, v in inputs.items()}
    for mapping in mappings:
        if not mapping.applies(ref, inputs):
            continue
        for template in mapping.stands_for:
            text = _fill(template, inputs)
            if text:
                out.append(CiCommand(text, file, line, cwd, origin=origin))
        for name in mapping.script_inputs:
            key, value = lowered.get(name.lower(), ("", ""))
            if value:
                start = (lines or {}).get(key, line)
                for command in script_commands(value, file, start, cwd):
                    command.origin = origin
                    out.append(command)
    return out

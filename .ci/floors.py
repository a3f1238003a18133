"""Print pip constraints that pin each direct runtime dependency of pyproject.toml (core and
the app, fast and lab extras) to the lowest version its specifier allows ("rdflib>=7.0" ->
"rdflib==7.0"), for .ci/min-versions."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

EXTRAS = ("app", "fast", "lab")


def floors(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    requirements = [*project["dependencies"]]
    for extra in EXTRAS:
        requirements += project["optional-dependencies"][extra]
    pins = []
    for requirement in requirements:
        match = re.match(r"^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*(.*)$", requirement)
        name, spec = match.group(1), match.group(2)
        lowest = re.search(r">=\s*([0-9][^,;\s]*)", spec)
        if lowest is None:
            sys.exit(f"{requirement!r} has no lower bound: give it a true floor (>=X)")
        pins.append(f"{name}=={lowest.group(1)}")
    return pins


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    print("\n".join(floors(root / "pyproject.toml")))

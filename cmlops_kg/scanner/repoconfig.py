"""What a repository says about its own folders, in the ``[tool.cmlops-kg.scan]`` table of its
pyproject.toml:

    [tool.cmlops-kg.scan]
    exclude = ["third_party_copy/**"]   # left out of the scan, as with --exclude
    examples = ["mypkg/demo_systems/**"]  # read as examples: evidence of testing and docs only

A project that ships example ML systems as data (this one's validation lab does) says so here,
so that a scan credits the examples' practices to the examples, not to the project. The table
is read only from the scanned root, bounded in size; a table that cannot be read is ignored
with a warning, never an error.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field

MAX_BYTES = 1_000_000
KEYS = ("exclude", "examples")


@dataclass
class RepoConfig:
    exclude: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def notes(self) -> list[str]:
        """What the scan was told, for its warnings (a reader should see it)."""
        told = [f"{key} {', '.join(getattr(self, key))}" for key in KEYS if getattr(self, key)]
        return [f"pyproject.toml [tool.cmlops-kg.scan]: {'; '.join(told)}"] if told else []


def read_config(root: str) -> RepoConfig:
    path = os.path.join(root, "pyproject.toml")
    try:
        if not os.path.isfile(path) or os.path.islink(path):
            return RepoConfig()
        if os.path.getsize(path) > MAX_BYTES:
            return RepoConfig(warnings=[f"pyproject.toml is over {MAX_BYTES:,} bytes: not read"])
        with open(path, "rb") as handle:
            doc = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return RepoConfig(warnings=[f"pyproject.toml could not be read ({exc}): ignored"])
    table = doc.get("tool", {}).get("cmlops-kg", {}).get("scan", {})
    if not isinstance(table, dict):
        return RepoConfig(warnings=["pyproject.toml [tool.cmlops-kg.scan] is not a table: ignored"])
    config = RepoConfig()
    for key, value in table.items():
        if key not in KEYS:
            config.warnings.append(
                f"pyproject.toml [tool.cmlops-kg.scan] has an unknown key {key!r} "
                f"(known: {', '.join(KEYS)}): ignored"
            )
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            config.warnings.append(
                f"pyproject.toml [tool.cmlops-kg.scan] {key} must be a list of globs: ignored"
            )
        else:
            setattr(config, key, list(value))
    return config

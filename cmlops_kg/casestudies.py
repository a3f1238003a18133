"""The bundled examples: case-study profiles with their expected results, and invalid profiles.

A case study is ``examples/profiles/<name>.ttl`` with ``<name>.expected.json`` next to it; its
title and narrative are the comment block at the top of the Turtle file ("# Case study: X."
then the story). Adding a case study is adding those two files: the explorer, the tests and the
benchmarks discover them here.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

from cmlops_kg.errors import InputError
from cmlops_kg.resources import EXAMPLES_DIR

PROFILES_DIR = EXAMPLES_DIR / "profiles"
INVALID_DIR = EXAMPLES_DIR / "invalid"
PROFILE_SUFFIXES = (".ttl", ".jsonld", ".rdf", ".nt")


@dataclass(frozen=True)
class Example:
    """One bundled profile file with its title, story and expected results (if any)."""

    key: str
    path: Path
    title: str
    narrative: str
    expected: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def expected_latest(self) -> dict:
        """The golden result of the assessment the tools report (the newest), or {}."""
        assessments = self.expected.get("assessments")
        if not isinstance(assessments, dict) or not assessments:
            return {}
        dates = _assessment_dates(self.path)
        newest = max(assessments, key=lambda iri: (dates.get(iri, ""), iri))
        return assessments[newest]

    @property
    def expected_level(self) -> int | None:
        """The readiness level the golden records for the reported assessment."""
        level = self.expected_latest.get("readiness", {}).get("level")
        return int(level) if level is not None else None

    def expected_external(self, model: str) -> tuple[int, int] | None:
        """(proven, potential) level of an external model (its IRI) in the golden."""
        found = self.expected_latest.get("external", {}).get(model)
        return (int(found["level"]), int(found["potential"])) if found else None

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


def _header(path: Path) -> list[str]:
    """The comment lines at the top of a Turtle file, without their '#'."""
    if path.suffix != ".ttl":
        return []
    lines = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            lines.append(line[1:].strip())
    return lines


def _title_and_story(path: Path) -> tuple[str, str]:
    lines = _header(path)
    fallback = path.stem.replace("-", " ").replace("_", " ").title()
    if not lines:
        return fallback, ""
    first = lines[0]
    for prefix in ("Case study:", "Invalid profile:"):
        if first.startswith(prefix):
            first = first[len(prefix) :].strip()
    title = first.rstrip(".") or fallback
    return title, " ".join(lines[1:]).strip()


@functools.lru_cache(maxsize=64)
def _assessment_dates(path: Path) -> dict[str, str]:
    """Each assessment's dcterms:date in a bundled profile (bundled data, parsed once, on
    demand: the level, the external levels and the listing all ask for it)."""
    import rdflib

    graph = rdflib.Graph()
    try:
        graph.parse(path)
    except Exception:
        return {}
    date = rdflib.URIRef("http://purl.org/dc/terms/date")
    return {str(s): str(o) for s, o in graph.subject_objects(date)}


def _expected(path: Path) -> dict:
    candidate = path.with_name(path.stem + ".expected.json")
    if not candidate.is_file():
        return {}
    try:
        data = json.loads(candidate.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _profile_paths(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return [
        path
        for path in sorted(directory.iterdir())
        if path.suffix in PROFILE_SUFFIXES and path.is_file()
    ]


def _example(path: Path) -> Example:
    title, story = _title_and_story(path)
    return Example(path.stem, path, title, story, _expected(path))


def _examples(directory: Path) -> list[Example]:
    return [_example(path) for path in _profile_paths(directory)]


def case_studies(directory: Path = PROFILES_DIR) -> list[Example]:
    """The bundled case studies, by file name."""
    return _examples(directory)


def invalid_examples(directory: Path = INVALID_DIR) -> list[Example]:
    """The bundled invalid profiles, each showing one kind of violation."""
    return _examples(directory)


def find_case_study(name: str) -> Example:
    """A bundled case study by its key (the file name without extension)."""
    # by file name, the last of a name winning as in case_studies(); only the one asked for
    # is read (each one's golden JSON is parsed: 22 ms of 'assess --example' for all, issue 16)
    found = {path.stem: path for path in _profile_paths(PROFILES_DIR)}
    if name not in found:
        raise InputError(
            f"no bundled case study {name!r}",
            fix=f"choose one of {', '.join(found) or '(none bundled)'} ('cmlops-kg examples')",
        )
    return _example(found[name])

"""The query library: one SPARQL question per ``queries/**/*.rq`` file with a fixed header.

Header contract (comment lines before the query)::

    # Title: Dimension levels
    # Description: What the query answers, in one or more lines.
    #   Continuation lines are indented.
    # Parameters:
    #   ?assessment  IRI  required  the assessment whose evidence is evaluated
    # Columns:
    #   ?dimension  the dimension IRI
    #   ?level      the attained level (0-4)

QC queries (``queries/qc``) use ``Problem:`` and ``Fix:`` instead of ``Description:`` and
always project ``?entity ?property ?value``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cmlops_kg.errors import QueryError
from cmlops_kg.rdf.terms import to_oxigraph
from cmlops_kg.resources import QUERIES_DIR

_SECTION = re.compile(r"^#\s*([A-Za-z ]+):\s*(.*)$")
_PARAM = re.compile(r"^\?(\w+)\s+(\S+)\s+(required|optional)(?:\s+(.*))?$")
_COLUMN = re.compile(r"^\?(\w+)\s*(.*)$")
PARAM_KINDS = {"IRI", "string", "integer", "decimal", "date", "boolean"}


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str
    required: bool
    description: str


@dataclass(frozen=True)
class Column:
    name: str
    description: str


@dataclass(frozen=True)
class QueryFile:
    """One query of the library with its parsed header."""

    name: str
    path: Path
    text: str
    title: str
    description: str
    parameters: tuple[Parameter, ...] = ()
    columns: tuple[Column, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def form(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE, read from the query body by the one lexer."""
        # imported here: its patterns cost a command that runs library queries only (assess)
        from cmlops_kg.sparql.lexer import query_form

        try:
            return query_form(self.text)
        except QueryError:
            return "UNKNOWN"


def parse_header(path: Path, text: str) -> dict:
    sections: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _SECTION.match(line)
        if match and match.group(1).strip().lower() in {
            "title",
            "description",
            "parameters",
            "columns",
            "problem",
            "fix",
            "severity",
        }:
            current = match.group(1).strip().lower()
            sections[current] = [match.group(2).strip()] if match.group(2).strip() else []
        elif current is not None:
            content = line.lstrip("#").strip()
            if content:
                sections[current].append(content)
    if "title" not in sections:
        raise QueryError(
            "query file has no '# Title:' header line",
            where=str(path),
            fix="start the file with '# Title: ...' and '# Description: ...' comment lines",
        )
    return sections


def load_query(path: Path, name: str | None = None) -> QueryFile:
    text = path.read_text(encoding="utf-8")
    sections = parse_header(path, text)
    params = []
    for line in sections.get("parameters", []):
        if line.lower() in {"none", "none."}:
            continue
        match = _PARAM.match(line)
        if not match:
            raise QueryError(
                f"cannot read parameter line {line!r}",
                where=str(path),
                fix="write parameters as '#   ?name  KIND  required|optional  description'",
            )
        pname, kind, req, desc = match.groups()
        if kind not in PARAM_KINDS:
            raise QueryError(
                f"parameter ?{pname} has unknown kind {kind!r}",
                where=str(path),
                fix=f"use one of {sorted(PARAM_KINDS)}",
            )
        params.append(Parameter(pname, kind, req == "required", desc or ""))
    columns = []
    for line in sections.get("columns", []):
        match = _COLUMN.match(line)
        if match:
            columns.append(Column(match.group(1), match.group(2).strip()))
    description = " ".join(sections.get("description", []) or sections.get("problem", []))
    extra = {k: " ".join(v) for k, v in sections.items() if k in {"problem", "fix", "severity"}}
    return QueryFile(
        name=name or path.stem,
        path=path,
        text=text,
        title=" ".join(sections["title"]),
        description=description,
        parameters=tuple(params),
        columns=tuple(columns),
        extra=extra,
    )


def library(directory: Path = QUERIES_DIR) -> dict[str, QueryFile]:
    """Every query under ``directory`` by name (``qc/`` queries are named ``qc/<stem>``)."""
    found: dict[str, QueryFile] = {}
    for path in sorted(directory.rglob("*.rq")):
        rel = path.relative_to(directory).with_suffix("")
        name = rel.as_posix()
        found[name] = load_query(path, name)
    return found


_QUERY_CACHE: dict[tuple[Path, str], QueryFile] = {}  # read once per process (package data)


def _named_query(directory: Path, key: str) -> QueryFile | None:
    """The library query named ``key``, read on its own (a command that runs a few queries
    need not parse the header of every file), or None when no file has that name."""
    found = _QUERY_CACHE.get((directory, key))
    if found is not None:
        return found
    parts = key.split("/")
    if not all(part and part not in {".", ".."} for part in parts):
        return None
    path = directory.joinpath(*parts[:-1], parts[-1] + ".rq")
    try:  # the exact name, as the library spells it (not another case of it)
        present = path.name in os.listdir(path.parent)
    except OSError:
        present = False
    if not present or not path.is_file():
        return None
    found = _QUERY_CACHE[(directory, key)] = load_query(path, key)
    return found


def get_query(name_or_path: str | Path, directory: Path = QUERIES_DIR) -> QueryFile:
    """A query by library name (``dimension_levels``, ``qc/missing_label``) or by file path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".rq" and candidate.exists():
        return load_query(candidate)
    key = str(name_or_path).removesuffix(".rq")
    found = _named_query(directory, key)
    if found is not None:
        return found
    raise QueryError(
        f"no query named {str(name_or_path)!r}",
        fix="run 'cmlops-kg queries' to list the library, or give the path of a .rq file",
    )


def _names_under(folder: str, directory: Path = QUERIES_DIR) -> list[str]:
    """The library names of the queries in one folder of the library, in name order."""
    return sorted(f"{folder}/{path.stem}" for path in (directory / folder).glob("*.rq"))


def query_file(query: QueryFile | str) -> QueryFile:
    """A library query by name, or the query itself."""
    return query if isinstance(query, QueryFile) else get_query(query)


def bind_parameters(query: QueryFile, params: Mapping[str, object] | None) -> dict:
    """Typed RDF terms for the query's declared parameters; unknown or missing ones refused."""
    params = dict(params or {})
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(params) - set(declared))
    if unknown:
        raise QueryError(
            f"query {query.name!r} has no parameter {', '.join('?' + u for u in unknown)}",
            fix="its parameters are: " + (", ".join("?" + p for p in declared) or "none"),
        )
    bound = {}
    for name, spec in declared.items():
        if name not in params or params[name] in (None, ""):
            if spec.required:
                raise QueryError(
                    f"query {query.name!r} needs the parameter ?{name} ({spec.description})",
                    fix=f"pass --param {name}=VALUE",
                )
            continue
        bound[name] = to_oxigraph(params[name], spec.kind, name)
    return bound


def prepare_queries() -> list[QueryFile]:
    """The derived-index queries (``queries/prepare/*.rq``), run once per ontology, in order."""
    return [get_query(name) for name in _names_under("prepare")]


def inference_strata() -> list[QueryFile]:
    """The inference strata (``queries/infer/*.rq``), in the order they run."""
    return [get_query(name) for name in _names_under("infer")]


LAST_LEVEL_STRATUM = "infer/4_readiness_and_gaps"


def level_strata() -> list[QueryFile]:
    """The strata that derive an assessment's levels (up to readiness): what the history of
    another assessment reads (``queries/history.rq``). Later strata never change them."""
    strata = inference_strata()
    names = [s.name for s in strata]
    return strata[: names.index(LAST_LEVEL_STRATUM) + 1]

"""The JSON documents the CLI writes for machines, stamped with their schema and tool version.

Each kind of document has a JSON Schema (draft 2020-12) in ``cmlops_kg/schemas/``; a document
says which version of it it follows (``schema_version``: major.minor, a new minor only adds
keys) and which cmlops-kg wrote it (``tool_version``).
"""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import cache
from typing import TYPE_CHECKING

from cmlops_kg._version import __version__
from cmlops_kg.resources import SCHEMAS_DIR

if TYPE_CHECKING:  # pragma: no cover
    from cmlops_kg.assessment.portfolio import TeamResult
    from cmlops_kg.assessment.result import AssessmentResult
    from cmlops_kg.validation.report import ValidationReport

SCHEMA_VERSIONS = {"assess": "2.0", "scan": "1.1", "validate": "1.0", "portfolio": "2.0"}


def stamped(kind: str, body: dict) -> dict:
    """``body`` with ``schema_version`` and ``tool_version`` first."""
    return {"schema_version": SCHEMA_VERSIONS[kind], "tool_version": __version__, **body}


@cache
def schema(kind: str) -> dict:
    """The JSON Schema of a kind of document: ``assess``, ``scan``, ``validate``, ``portfolio``."""
    return json.loads((SCHEMAS_DIR / f"{kind}.schema.json").read_text(encoding="utf-8"))


def assess_document(result: AssessmentResult) -> dict:
    return stamped("assess", result.to_json())


def validate_document(reports: list[ValidationReport], unreadable: list[dict]) -> dict:
    return stamped(
        "validate", {"reports": [r.to_json() for r in reports], "unreadable": unreadable}
    )


def portfolio_document(results: list[TeamResult]) -> dict:
    return stamped("portfolio", {"organisations": [asdict(r) for r in results]})

"""cmlops-kg: a knowledge-graph framework for Continuous ML Development.

The ontology, shapes and queries are data; this package validates organisations' evidence,
infers maturity levels, gaps and a roadmap, and presents the results (CLI, reports, the
Streamlit explorer). The public API (three lines, see the README)::

    import cmlops_kg
    result = cmlops_kg.assess("profile.ttl")          # or text, bytes, an rdflib Graph
    print(result.overall_level, [g.label for g in result.gaps])

The names below are imported on first use, so ``import cmlops_kg`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from cmlops_kg._version import __version__

if TYPE_CHECKING:  # pragma: no cover
    from cmlops_kg.api import assess, open_store, scan, validate
    from cmlops_kg.assessment.result import AssessmentResult
    from cmlops_kg.errors import CmlopsError, StoreError, ValidationFailed
    from cmlops_kg.rdf.profiles import Profile
    from cmlops_kg.scanner import ScanResult
    from cmlops_kg.store.base import GraphStore
    from cmlops_kg.validation.report import ValidationReport

# public name -> the module that defines it
_EXPORTS = {
    "assess": "cmlops_kg.api",
    "validate": "cmlops_kg.api",
    "scan": "cmlops_kg.api",
    "open_store": "cmlops_kg.api",
    "AssessmentResult": "cmlops_kg.assessment.result",
    "ValidationReport": "cmlops_kg.validation.report",
    "ScanResult": "cmlops_kg.scanner",
    "Profile": "cmlops_kg.rdf.profiles",
    "GraphStore": "cmlops_kg.store.base",
    "CmlopsError": "cmlops_kg.errors",
    "StoreError": "cmlops_kg.errors",
    "ValidationFailed": "cmlops_kg.errors",
}

__all__ = [  # noqa: RUF022 - the API first, then its types and errors
    "__version__",
    "assess",
    "validate",
    "scan",
    "open_store",
    "AssessmentResult",
    "ValidationReport",
    "ScanResult",
    "Profile",
    "GraphStore",
    "CmlopsError",
    "StoreError",
    "ValidationFailed",
]


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cmlops_kg' has no attribute {name!r}")
    value = vars(import_module(module))[name]
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

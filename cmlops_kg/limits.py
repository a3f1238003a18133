"""Resource limits on untrusted input and user queries, each set by an environment variable.

Every limit has a default that is generous for real profiles (the bundled case studies use a
small fraction of each) and small enough that a hostile file or query cannot exhaust the
machine. SECURITY.md lists them; a bad value in the environment is an error that says so, never
a silent fallback.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass

from cmlops_kg.errors import InputError


@dataclass(frozen=True)
class Limit:
    """One limit: its environment variable, default, unit and what it bounds."""

    env: str
    default: float
    unit: str
    bounds: str

    def value(self, environ: Mapping[str, str] | None = None) -> float:
        raw = (os.environ if environ is None else environ).get(self.env, "").strip()
        if not raw:
            return self.default
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or number <= 0:
            raise InputError(
                f"{self.env}={raw!r} is not a positive number of {self.unit}",
                fix=f"unset it (default {self.default:g}) or give e.g. {self.default:g}",
            )
        return number

    def int_value(self, environ: Mapping[str, str] | None = None) -> int:
        return max(1, int(self.value(environ)))


MAX_PROFILE_MB = Limit("CMLOPS_KG_MAX_PROFILE_MB", 20, "MB", "size of one profile file")
MAX_TRIPLES = Limit("CMLOPS_KG_MAX_TRIPLES", 200_000, "triples", "triples in one profile")
MAX_NESTING = Limit(
    "CMLOPS_KG_MAX_NESTING", 100, "levels", "nesting of JSON-LD objects and YAML answers"
)
MAX_LIST_LENGTH = Limit("CMLOPS_KG_MAX_LIST_LENGTH", 1_000, "items", "length of an RDF list")
MAX_ENTITY_EXPANSION = Limit(
    "CMLOPS_KG_MAX_ENTITY_KB", 1_000, "KB", "total expansion of RDF/XML internal entities"
)
QUERY_MEMORY_MB = Limit(
    "CMLOPS_KG_QUERY_MEMORY_MB", 2_048, "MB", "memory a user query may add to the process"
)
MAX_RESPONSE_MB = Limit(
    "CMLOPS_KG_MAX_RESPONSE_MB", 64, "MB", "size of one answer from a remote SPARQL server"
)

ALL = (
    MAX_PROFILE_MB,
    MAX_TRIPLES,
    MAX_NESTING,
    MAX_LIST_LENGTH,
    MAX_ENTITY_EXPANSION,
    QUERY_MEMORY_MB,
    MAX_RESPONSE_MB,
)


def positive_seconds(value: object, what: str = "the timeout") -> float:
    """``value`` as a finite, positive number of seconds; else an error saying so."""
    try:
        seconds = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        seconds = math.nan
    if not math.isfinite(seconds) or seconds <= 0:
        raise InputError(
            f"{what} must be a positive number of seconds, not {value!r}",
            fix="give e.g. 30 (nan, inf, zero and negative values are refused)",
        )
    return seconds

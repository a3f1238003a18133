"""One profile as the explorer handles it: read safely, loaded into its own store, validated
and assessed (through :mod:`cmlops_kg.api`) per organisation and assessment on first use.

Every profile gets a fresh embedded store holding the ontology and that profile only (loading
the ontology takes milliseconds), so nothing one user loads is ever visible to another and a
shared store never changes. Nothing here needs Streamlit: tests use it directly. Errors are
:class:`~cmlops_kg.errors.CmlopsError` subclasses whose ``render()`` says what is wrong,
where, and how to fix it.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field

from cmlops_kg import api
from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.assessment.result import AssessmentResult
from cmlops_kg.errors import InputError
from cmlops_kg.rdf.profiles import (
    FORMATS,
    MAX_PROFILE_BYTES,
    Profile,
    format_name,
    parse_profile_bytes,
    profile_turtle,
)
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.validation.report import ValidationReport

MAX_UPLOAD_BYTES = MAX_PROFILE_BYTES
# pySHACL shares parsed shapes between calls; one validation at a time keeps that safe when
# the explorer validates in a background thread and in a session at once.
_VALIDATION_LOCK = threading.Lock()
FORMAT_CHOICES = ["from the file name", *FORMATS]


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_upload(
    name: str, data: bytes, fmt: str | None = None, max_bytes: int = MAX_UPLOAD_BYTES
) -> Profile:
    """Parse an uploaded (or pasted) profile; errors speak of the page, not of CLI flags."""
    if fmt in (None, "", FORMAT_CHOICES[0]):
        fmt = None
    try:
        syntax = format_name(name, fmt)
        return parse_profile_bytes(data, name, syntax, max_bytes)
    except InputError as exc:
        fix = (exc.fix or "").replace(
            "pass --input-format turtle|json-ld|rdf-xml|n-triples", "choose its format"
        )
        fix = fix.replace("pass --input-format", "choose another format")
        raise InputError(exc.what, where=exc.where, fix=fix or None) from exc


@dataclass(frozen=True)
class AssessmentRef:
    iri: str
    organisation: str
    organisation_label: str
    date: str | None
    method: str | None

    @property
    def title(self) -> str:
        return f"{self.date or 'undated'} ({self.method})" if self.method else self.date or self.iri


@dataclass
class Analysis:
    """A parsed and loaded profile; validated and assessed on first use, then read-only.

    Validation (pySHACL, the slow part) runs only when the report is first asked for, so a
    portfolio of profiles can be compared without validating each one.
    """

    name: str
    digest: str
    source_format: str | None
    data: bytes
    profile: Profile
    assessor: Assessor
    assessments: list[AssessmentRef]
    _report: ValidationReport | None = field(default=None, repr=False)
    _results: dict[tuple[str | None, str | None], AssessmentResult] = field(
        default_factory=dict, repr=False
    )
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    @property
    def report(self) -> ValidationReport:
        """The SHACL report of the profile (computed once)."""
        with self._lock:
            if self._report is None:
                with _VALIDATION_LOCK:
                    self._report = api.validate(self.profile)
            return self._report

    @property
    def store(self) -> EmbeddedStore:
        return self.assessor.store  # type: ignore[return-value]

    @property
    def conforms(self) -> bool:
        return self.report.conforms

    def organisations(self) -> dict[str, str]:
        """Organisation IRI -> name, in the order the profile lists them."""
        return {a.organisation: a.organisation_label for a in self.assessments}

    def assessments_of(self, organisation: str) -> list[AssessmentRef]:
        """The organisation's assessments, newest first."""
        return [a for a in self.assessments if a.organisation == organisation]

    def result(
        self, organisation: str | None = None, assessment: str | None = None
    ) -> AssessmentResult:
        """The assessment result (computed once per organisation and assessment)."""
        refs = self.assessments_of(organisation) if organisation and not assessment else []
        if refs:  # the latest, named: the key the Assess page asks with (one result, not two)
            assessment = refs[0].iri  # the engine's default, from the same rows in the same order
        key = (organisation, assessment)
        with self._lock:
            if key not in self._results:
                self._results[key] = api.assess(
                    store=self.store, organisation=organisation, assessment=assessment
                )
            return self._results[key]

    def latest_results(self) -> list[AssessmentResult]:
        """One result per organisation: its latest assessment."""
        return [self.result(org) for org in self.organisations()]

    def turtle(self) -> bytes:
        """The profile as Turtle: the uploaded text itself when it was Turtle."""
        if self.source_format == "turtle":
            return self.data
        return profile_turtle(self.profile)


def analyse(name: str, data: bytes, fmt: str | None = None) -> Analysis:
    """Read one profile and load it into a store of its own (validated on first use)."""
    profile = read_upload(name, data, fmt)
    assessor = Assessor()
    assessor.load(profile)
    refs = [
        AssessmentRef(
            iri=str(r["assessment"]),
            organisation=str(r["organisation"]),
            organisation_label=str(r["organisationLabel"] or r["organisation"]),
            date=str(r["date"]) if r["date"] is not None else None,
            method=str(r["methodLabel"]) if r["methodLabel"] else None,
        )
        for r in assessor.store.select("assessments")
    ]
    syntax = format_name(name, fmt if fmt not in (None, "", FORMAT_CHOICES[0]) else None)
    return Analysis(name, digest(data), syntax, data, profile, assessor, refs)

"""Streamlit glue shared by the explorer's pages: cached resources, error boxes, profile sources.

Shared resources (the ontology store, the catalogue, the bundled case studies) are built once
per server with ``st.cache_resource`` and only ever read afterwards. A profile a user uploads,
pastes or builds with the questionnaire is analysed into a store of its own
(:func:`cmlops_kg.app.loaded.analyse`), cached by the digest of its bytes, so reruns are cheap and
sessions never see each other's changes. Nothing here computes results: that is
:mod:`cmlops_kg.app.loaded`, :mod:`cmlops_kg.present.framework` and
:mod:`cmlops_kg.present.charts`.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass

import streamlit as st

from cmlops_kg import api
from cmlops_kg.app.loaded import Analysis, analyse, digest
from cmlops_kg.casestudies import Example, case_studies, invalid_examples
from cmlops_kg.errors import CmlopsError
from cmlops_kg.present.framework import (
    ExternalLevelRequirement,
    FrameworkCatalogue,
    PracticeDetail,
    external_level_requirements,
    load_catalogue,
    practice_detail,
    search_texts,
)
from cmlops_kg.present.graph import OntologyGraph, layout, load_graph
from cmlops_kg.present.words import counted
from cmlops_kg.sparql.library import QueryFile, library
from cmlops_kg.store.base import ENDPOINT_ENV, STORE_ENV, GraphStore
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.validation import ValidationFinding
from cmlops_kg.validation.report import ValidationReport

CURRENT_SOURCE = "current_profile_source"


@dataclass(frozen=True)
class ProfileSource:
    """Bytes of a profile and where they came from (kept in the session, not in a store)."""

    name: str
    data: bytes
    fmt: str | None
    origin: str

    @property
    def digest(self) -> str:
        return digest(self.data)


# -- shared, read-only resources -----------------------------------------------------------------
@st.cache_resource(show_spinner=False)
def ontology_store() -> EmbeddedStore:
    """The ontology alone; read-only for every session."""
    store = EmbeddedStore()
    store.load_ontology()
    return store


@st.cache_resource(show_spinner=False)
def dimension_rows() -> tuple[dict[str, str | None], ...]:
    """docs/dimensions once per server: the Compare page needs it up to three times a run."""
    return tuple(
        {k: (None if v is None else str(v)) for k, v in row.items()}
        for row in ontology_store().select("docs/dimensions")
    )


@st.cache_resource(show_spinner=False)
def catalogue() -> FrameworkCatalogue:
    return load_catalogue(ontology_store())


@st.cache_resource(show_spinner=False)
def practice_search_texts() -> dict[str, str]:
    return search_texts(ontology_store())


@st.cache_resource(show_spinner=False)
def ontology_graph() -> OntologyGraph:
    return load_graph(ontology_store())


@st.cache_resource(show_spinner=False)
def ontology_graph_layout() -> dict[str, tuple[float, float]]:
    return layout(ontology_graph())


@st.cache_resource(show_spinner=False, max_entries=256)
def cached_practice_detail(key: str) -> PracticeDetail:
    return practice_detail(ontology_store(), key)


@st.cache_resource(show_spinner=False)
def level_requirements() -> list[ExternalLevelRequirement]:
    return external_level_requirements(ontology_store())


@st.cache_resource(show_spinner=False)
def query_library() -> dict[str, QueryFile]:
    return library()


@st.cache_resource(show_spinner=False)
def bundled_examples() -> list[Example]:
    return case_studies()


@st.cache_resource(show_spinner=False)
def bundled_invalid_examples() -> list[Example]:
    return invalid_examples()


# A few profiles per server at a time: an upload may hold up to 20 MB of triples.
@st.cache_resource(show_spinner=False, max_entries=16, ttl=3600)
def _analysis(key: str, name: str, fmt: str | None, _data: bytes) -> Analysis:
    del key  # only the cache key: the digest of _data
    return analyse(name, _data, fmt)


def analysis_of(source: ProfileSource) -> Analysis:
    """The analysis of a profile, built once per distinct content (raises CmlopsError)."""
    return _analysis(source.digest, source.name, source.fmt, source.data)


def example_source(example: Example) -> ProfileSource:
    return ProfileSource(example.path.name, example.read_bytes(), None, "case study")


WARM_UP_DELAY = 1.0  # seconds: let the first page render before competing with it for the GIL


def _warm(examples: list[Example]) -> None:
    time.sleep(WARM_UP_DELAY)
    analyses = []
    for example in examples:  # loading and assessing first: the Compare page needs only that
        try:
            analyses.append(analysis_of(example_source(example)))
        except CmlopsError:  # a broken example is reported when a page opens it
            continue
    for analysis in analyses:  # then validation
        _ = analysis.report
    for analysis in analyses:  # then each organisation's latest result, which the Compare
        try:  # and the Assess pages show first (about 0.1 s each)
            analysis.latest_results()
        except CmlopsError:  # the page that shows it says why
            continue
    pdf_available()  # imports WeasyPrint (seconds), which the Assess page's first run asks for
    bundled_store()  # every case study in one store: Compare's outcomes and the SPARQL page
    _check_first_query()


def library_names(lib: dict[str, QueryFile]) -> list[str]:
    """The query library in the order the SPARQL page lists it: top-level queries first."""
    return sorted(lib, key=lambda n: (n.count("/"), n))


def _check_first_query() -> None:
    """Read-only check of the query the SPARQL page shows first: builds rdflib's SPARQL
    grammar (a few hundred ms on first use) and caches that query's verdict."""
    from cmlops_kg.sparql.safe import checked_form

    try:
        lib = query_library()
        checked_form(lib[library_names(lib)[0]].text)
    except (CmlopsError, IndexError):  # the page says what is wrong with the library
        return


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Analyse, validate and assess the bundled case studies once, in the background, so
    choosing one on the Assess page is instant; the first page renders without waiting."""
    thread = threading.Thread(
        target=_warm, args=(bundled_examples(),), name="cmlops-warm-up", daemon=True
    )
    thread.start()
    return thread


def _command_line_option(name: str) -> str | None:
    """``--endpoint URL`` / ``--store DIR`` given after ``--`` on ``streamlit run app.py``."""
    args = sys.argv[1:]
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def shared_store_location() -> tuple[str | None, str | None]:
    """(endpoint, store folder) the user named, from the command line or the environment."""
    endpoint = _command_line_option("--endpoint") or os.environ.get(ENDPOINT_ENV) or None
    location = _command_line_option("--store") or os.environ.get(STORE_ENV) or None
    return endpoint, location


@st.cache_resource(show_spinner=False)
def _shared_store(endpoint: str | None, location: str | None) -> GraphStore:
    # read-only: the app never holds an on-disk store's lock, so 'cmlops-kg load' can add
    # teams while it runs (each page run takes a fresh snapshot, see shared_store)
    preset = _command_line_option("--preset")  # else $CMLOPS_KG_ENDPOINT_PRESET
    return api.open_store(endpoint, location, read_only=True, preset=preset)


def shared_store() -> GraphStore | None:
    """The shared store (a SPARQL endpoint or an on-disk embedded store) the app was started
    with, or None for the default: the bundled case studies in memory. Credentials for an
    endpoint come only from the environment (see README), never from the page."""
    endpoint, location = shared_store_location()
    if not endpoint and not location:
        return None
    store = _shared_store(endpoint, location)
    store.refresh()  # what loads wrote since the last page run (an on-disk snapshot is ~16 ms)
    return store


@st.cache_resource(show_spinner=False)
def bundled_store() -> EmbeddedStore:
    """The ontology plus every case study (each in its own graph), for the SPARQL page."""
    from cmlops_kg.assessment.engine import Assessor
    from cmlops_kg.rdf.profiles import read_profile

    store = EmbeddedStore()
    store.load_ontology()
    engine = Assessor(store)
    for example in bundled_examples():
        engine.load(read_profile(example.path))
    return store


@st.cache_resource(show_spinner=False)
def lab_store() -> EmbeddedStore:
    """The ontology plus the validation lab's measured profiles (the bundled quick run): one
    assessed configuration per level, with the outcomes its runs measured."""
    from cmlops_kg.assessment.engine import Assessor
    from cmlops_kg.lab.report import bundled_profiles
    from cmlops_kg.rdf.profiles import read_profile

    store = EmbeddedStore()
    store.load_ontology()
    engine = Assessor(store)
    for path in bundled_profiles():
        engine.load(read_profile(path))
    return store


# -- the session's own profile -------------------------------------------------------------------
def set_current_source(source: ProfileSource) -> None:
    st.session_state[CURRENT_SOURCE] = source


def current_source() -> ProfileSource | None:
    value = st.session_state.get(CURRENT_SOURCE)
    return value if isinstance(value, ProfileSource) else None


# -- presentation helpers --------------------------------------------------------------------------
def show_error(exc: CmlopsError, context: str) -> None:
    """An error box that says what went wrong, where, and how to fix it (never a traceback)."""
    parts = [f"**{context}**", exc.what]
    if exc.where:
        parts.append(f"*Where:* `{exc.where}`")
    if exc.fix:
        parts.append(f"*How to fix:* {exc.fix}")
    st.error("\n\n".join(parts), icon=":material/error:")


def render_validation_report(report: ValidationReport) -> None:
    """The SHACL report in plain words, grouped by organisation, then by evidence."""
    problems = sum(1 for f in report.findings if f.severity == "Violation")
    if report.conforms and not report.findings:
        st.success("The profile conforms to the shapes: nothing to fix.", icon=":material/check:")
        return
    if report.conforms:
        st.success(
            f"The profile conforms; {len(report.findings)} remark(s) below are worth a look.",
            icon=":material/check:",
        )
    else:
        st.error(
            f"The profile does not conform: {problems} problem{'s' if problems != 1 else ''} "
            "to fix. Each one says which evidence or assessment is wrong and what is expected.",
            icon=":material/error:",
        )
    for organisation, findings in report.by_organisation().items():
        with st.expander(
            f"Organisation: {organisation} — {counted(len(findings), 'finding')}", True
        ):
            by_focus: dict[str, list[ValidationFinding]] = {}
            for finding in findings:
                by_focus.setdefault(finding.focus_label, []).append(finding)
            for focus, items in by_focus.items():
                st.markdown(f"**{focus}**")
                st.markdown("\n".join(_finding_line(f) for f in items))


def _finding_line(finding: ValidationFinding) -> str:
    colour = {"Violation": "red", "Warning": "orange"}.get(finding.severity, "blue")
    details = []
    if finding.path:
        details.append(f"property `{finding.path}`")
    if finding.value:
        details.append(f"value `{finding.value}`")
    suffix = f" ({', '.join(details)})" if details else ""
    return f"- :{colour}[{finding.severity}] {finding.message}{suffix}"


@st.cache_resource(show_spinner=False)
def questionnaire() -> dict:
    """The questionnaire generated from the ontology, built once per server (read-only)."""
    from cmlops_kg.assessment.questionnaire import questionnaire_document

    return questionnaire_document(ontology_store())


def questionnaire_context_and_targets() -> dict:
    """The questionnaire's context factors and target presets (read-only)."""
    document = questionnaire()
    return {"context": document["context"], "target": document["target"]}


def questionnaire_items() -> tuple[dict, ...]:
    """The questionnaire's questions: one entry per dimension (read-only)."""
    return tuple(questionnaire()["dimensions"])


@st.cache_resource(show_spinner=False)
def external_gates() -> dict[str, tuple[str, ...]]:
    """Practice label -> the external levels that first require it ('Google MLOps 1', ...),
    as the questionnaire's cards name them (read-only)."""
    gates: dict[str, list[str]] = {}
    for req in level_requirements():
        name = req.level_label.split(" level", 1)[0]
        for label in req.new_practices:
            gates.setdefault(label, []).append(f"{name} {req.rank}")
    return {label: tuple(names) for label, names in gates.items()}


REMOTE_PORTFOLIO_TTL_S = 300  # a shared endpoint gives no change marker: re-read at most this old
PORTFOLIO_REFRESH = "portfolio_refresh"


def shared_portfolio(store: GraphStore) -> tuple[list, float]:
    """Every organisation of the shared store, assessed (``assess_portfolio``), and when: kept
    between page runs until the store changes. An on-disk store changes when its files do (a
    load writes them; reading never does); an endpoint's portfolio is re-read after
    REMOTE_PORTFOLIO_TTL_S or when the user asks (``PORTFOLIO_REFRESH`` in the session)."""
    endpoint, location = shared_store_location()
    asked = st.session_state.get(PORTFOLIO_REFRESH, 0)
    version = _folder_version(location) if location and not endpoint else asked
    if endpoint:
        version = (asked, int(time.time() // REMOTE_PORTFOLIO_TTL_S))
    return _portfolio(endpoint, location, version, store)


def _folder_version(location: str) -> tuple:
    folder = os.path.abspath(location)
    with os.scandir(folder) as entries:
        stats = [(e.name, e.stat()) for e in entries if e.is_file()]
    return tuple(sorted((name, s.st_size, s.st_mtime_ns) for name, s in stats))


@st.cache_data(show_spinner=False, max_entries=4)
def _portfolio(
    endpoint: str | None, location: str | None, version: object, _store: GraphStore
) -> tuple[list, float]:
    from cmlops_kg.assessment.portfolio import assess_portfolio

    return assess_portfolio(_store), time.time()


def practice_badges(detail: PracticeDetail, with_phase: bool = False) -> str:
    """The badges a practice's detail opens with: kind, required level, dimension (phase)."""
    colour = "blue" if detail.kind == "DevOps" else "violet"
    badges = (
        f":{colour}-badge[{detail.kind} practice] "
        f":orange-badge[Required from level {detail.level}] "
        f":gray-badge[{detail.dimension_label}]"
    )
    return badges + (f" :gray-badge[{detail.phase_label or 'no phase'}]" if with_phase else "")


def pdf_available() -> bool:
    """Whether PDF reports can be made (the first import takes seconds: the warm-up does it;
    asked again on every run, so it stays true to what is installed)."""
    from cmlops_kg.present.pdf import available

    return available()


@st.cache_data(show_spinner=False, max_entries=16)
def pdf_of(html: str) -> bytes:
    """The HTML report laid out as PDF, kept per report text (it takes seconds)."""
    from cmlops_kg.present.pdf import pdf_of_html

    return pdf_of_html(html)

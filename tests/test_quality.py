"""``cmlops-kg check``: QC query contracts, the real ontology passes, broken additions are caught.

HermiT runs four times in this module (real ontology, a disjointness clash and its control,
and the CLI on the real ontology); every other check runs with the reasoner off.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import owlready2
import pyoxigraph as ox
import pytest
import rdflib

from cmlops_kg.cli import main
from cmlops_kg.ontology_tools.check import (
    CheckFinding,
    CheckReport,
    check_ontology,
    format_check_report,
    ontology_store,
    qc_queries,
    read_severity_profile,
    reasoner_findings,
)
from cmlops_kg.rdf.ontology import ontology_files, parse_ontology
from cmlops_kg.resources import QC_DIR, ROOT
from cmlops_kg.sparql.library import load_query
from cmlops_kg.validation import rust_engine
from cmlops_kg.vocab import CMLOPS

QC_FILES = sorted(QC_DIR.glob("*.rq"))
TURTLE_PREFIXES = """
@prefix cmlops: <https://w3id.org/cmlops#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


def practice(name: str, kind: str = "DevOpsPractice", **extra: str) -> str:
    """A practice that is complete except for what ``extra`` overrides (None drops a field)."""
    fields = {
        "rdfs:label": f'"Broken {name}"@en',
        "skos:definition": f'"A deliberately broken practice, {name}."@en',
        "cmlops:question": '"Is this broken?"',
        "cmlops:inPhase": "cmlops:phase-build",
        "cmlops:inDimension": "cmlops:dim-integration",
        "cmlops:requiredAtLevel": "cmlops:level-1",
        "dcterms:source": "cmlops:src-john-2021",
    }
    fields.update(extra)
    body = " ;\n    ".join(f"{p} {v}" for p, v in fields.items() if v is not None)
    return f"cmlops:{name} a cmlops:{kind} ;\n    {body} .\n"


# (case, Turtle, check that must catch it, entity it must name, text its message must contain)
BROKEN = [
    (
        "no-source",
        practice("broken-no-source", **{"dcterms:source": None}),
        [
            ("shacl/practice-source", "broken-no-source", "at least one dcterms:source"),
            ("qc/practice_without_source", "broken-no-source", "cites no dcterms:source"),
        ],
    ),
    (
        "dangling-requires",
        practice("broken-requires", **{"cmlops:requires": "cmlops:no-such-practice"}),
        [
            ("qc/dangling_requires", "broken-requires", "not a practice of the catalogue"),
            ("shacl/practice-requires", "broken-requires", "must point at another practice"),
            ("qc/undefined_term", "no-such-practice", "never"),
        ],
    ),
    (
        "requires-cycle",
        practice("broken-cycle-a", **{"cmlops:requires": "cmlops:broken-cycle-b"})
        + practice("broken-cycle-b", **{"cmlops:requires": "cmlops:broken-cycle-a"}),
        [
            ("qc/requires_cycle", "broken-cycle-a", "require each other in a cycle"),
            ("qc/requires_cycle", "broken-cycle-b", "require each other in a cycle"),
        ],
    ),
    (
        "mlops-not-extending",
        practice("broken-orphan-ml", "MLOpsPractice"),
        [("qc/ml_practice_not_extending_devops", "broken-orphan-ml", "does not reach a DevOps")],
    ),
    (
        "two-dimensions",
        practice("broken-two-dims", **{"cmlops:inDimension": "cmlops:dim-data , cmlops:dim-model"}),
        [("shacl/practice-dimension", "broken-two-dims", "exactly one cmlops:inDimension")],
    ),
    (
        "subclass-cycle",
        """cmlops:BrokenA a owl:Class ; rdfs:label "broken A"@en ;
               skos:definition "Broken."@en ; rdfs:subClassOf cmlops:BrokenB .
           cmlops:BrokenB a owl:Class ; rdfs:label "broken B"@en ;
               skos:definition "Broken too."@en ; rdfs:subClassOf cmlops:BrokenA .""",
        [("qc/subclass_cycle", "BrokenA", "subclass of itself")],
    ),
    (
        "both-kinds",
        practice("broken-both-kinds", "DevOpsPractice, cmlops:MLOpsPractice"),
        [
            ("qc/disjoint_types", "broken-both-kinds", "two classes declared owl:disjointWith"),
            ("shacl/practice-kind", "broken-both-kinds", "exactly one of cmlops:DevOpsPractice"),
        ],
    ),
]
CASES = [
    pytest.param(turtle, check, entity, text, id=f"{case}-{check}")
    for case, turtle, expected in BROKEN
    for check, entity, text in expected
]


def broken_copy(directory: Path, turtle: str) -> Path:
    """A copy of the ontology modules plus one extra module holding ``turtle``."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in ontology_files():
        shutil.copy(path, directory / path.name)
    header = "<https://w3id.org/cmlops/broken> a owl:Ontology .\n"
    (directory / "zz-broken.ttl").write_text(TURTLE_PREFIXES + header + turtle, encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def real_report() -> CheckReport:
    return check_ontology(reasoner=True)


@pytest.fixture(scope="module")
def broken_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    snippets = "\n".join(turtle for _, turtle, _ in BROKEN)
    return broken_copy(tmp_path_factory.mktemp("broken"), snippets)


@pytest.fixture(scope="module")
def broken_report(broken_dir: Path) -> CheckReport:
    return check_ontology([broken_dir], reasoner=False)


# --- the QC query files ----------------------------------------------------------------------


@pytest.mark.parametrize("path", QC_FILES, ids=lambda p: p.stem)
def test_qc_header_is_well_formed(path: Path) -> None:
    query = load_query(path)
    assert query.title and query.form == "SELECT"
    assert len(query.extra.get("problem", "")) > 40, "the Problem says what is wrong and why"
    assert len(query.extra.get("fix", "")) > 20, "the Fix says what to do"
    assert [c.name for c in query.columns] == ["entity", "property", "value"]


@pytest.mark.parametrize("path", QC_FILES, ids=lambda p: p.stem)
def test_qc_projects_entity_property_value(path: Path) -> None:
    solutions = ox.Store().query(path.read_text(encoding="utf-8"))
    assert [v.value for v in solutions.variables] == ["entity", "property", "value"]


def test_profile_matches_qc_files() -> None:
    profile = read_severity_profile()
    assert set(profile) == {q.name for q in qc_queries()}
    assert set(profile.values()) <= {"ERROR", "WARN", "INFO"}


@pytest.fixture(scope="module")
def real_store() -> ox.Store:
    return ontology_store(ontology_files())


@pytest.mark.parametrize("path", QC_FILES, ids=lambda p: p.stem)
def test_qc_finds_nothing_serious_on_real_ontology(path: Path, real_store: ox.Store) -> None:
    if read_severity_profile().get(path.stem) == "INFO":
        pytest.skip("INFO checks report cleanliness, not defects")
    rows = list(real_store.query(path.read_text(encoding="utf-8")))
    shown = [f"{r['entity'].value} {r['property'].value} {r['value']}" for r in rows[:10]]
    assert rows == [], f"{len(rows)} row(s):\n" + "\n".join(shown)


# --- the real ontology ------------------------------------------------------------------------


def test_hermit_finds_real_ontology_consistent(real_report: CheckReport) -> None:
    found = [f for f in real_report.findings if f.check.startswith("reasoner/")]
    assert found == [], [f.message for f in found]


def test_real_ontology_has_no_errors(real_report: CheckReport) -> None:
    errors = [f for f in real_report.findings if f.severity == "ERROR"]
    assert errors == [], format_check_report(real_report)


def test_text_report_is_readable(real_report: CheckReport, broken_report: CheckReport) -> None:
    text = format_check_report(broken_report, "text", max_rows=3)
    assert text.startswith("cmlops-kg check:")
    assert "== ERROR ==" in text and "Problem:" in text and "Fix:" in text
    assert 'cmlops:broken-no-source "Broken broken-no-source"' in text, "labels, not only IRIs"
    assert "checked in" in format_check_report(real_report)


def test_json_report_round_trips(broken_report: CheckReport) -> None:
    payload = json.loads(format_check_report(broken_report, "json"))
    assert payload["counts"]["ERROR"] == broken_report.count("ERROR") > 0
    first = payload["findings"][0]
    assert set(first) == {"check", "severity", "entity", "property", "value", "message"}
    assert first["check"] in payload["checks"]


# --- deliberately broken additions --------------------------------------------------------------


@pytest.mark.parametrize(("turtle", "check", "entity", "text"), CASES)
def test_broken_addition_is_caught(
    broken_report: CheckReport, turtle: str, check: str, entity: str, text: str
) -> None:
    hits = [f for f in broken_report.by_check(check) if f.entity == CMLOPS + entity]
    assert hits, f"{check} did not report cmlops:{entity}"
    assert any(text in f.message for f in hits), hits[0].message
    assert all(f.severity == "ERROR" for f in hits)


# Shape kinds the BROKEN cases do not reach: a sequence path (level rank), a language tag, a
# datatype, a node kind and a second value where one is allowed.
ENGINE_EXTRAS = (
    practice("broken-level-zero", **{"cmlops:requiredAtLevel": "cmlops:level-0"})
    + practice("broken-label-de", **{"rdfs:label": '"Kaputt"@de'})
    + practice("broken-two-defs", **{"skos:definition": '"One."@en , "Two."@en'})
    + practice("broken-question-iri", **{"cmlops:question": "cmlops:level-1"})
)


@pytest.mark.skipif(not rust_engine.available(), reason="the Rust SHACL engine is not installed")
def test_rust_engine_gives_check_the_findings_pyshacl_gives(tmp_path: Path) -> None:
    """``check`` validates with the Rust engine by default; pySHACL is the reference."""
    snippets = "\n".join(turtle for _, turtle, _ in BROKEN) + ENGINE_EXTRAS
    directory = broken_copy(tmp_path / "broken", snippets)
    rust = check_ontology([directory], reasoner=False, shacl_engine="rust")
    reference = check_ontology([directory], reasoner=False, shacl_engine="pyshacl")
    shacl = [f for f in reference.findings if f.check.startswith("shacl/")]
    assert len(shacl) >= 10 and any("/" in f.property for f in shacl)  # a sequence path
    assert rust.findings == reference.findings
    assert rust.labels == reference.labels
    text = format_check_report(rust, max_rows=50)
    assert (
        text.split("\nchecked in")[0]
        == format_check_report(reference, max_rows=50).split("\nchecked in")[0]
    )


def test_hermit_flags_individual_of_disjoint_classes() -> None:
    """Only the practice classes and the clash, so the verdict cannot come from elsewhere."""
    base = rdflib.Graph()
    core = parse_ontology()
    for cls in ("Practice", "DevOpsPractice", "MLOpsPractice"):
        for triple in core.triples((rdflib.URIRef(CMLOPS + cls), None, None)):
            base.add(triple)
    clash = base + rdflib.Graph().parse(
        data=TURTLE_PREFIXES
        + "cmlops:broken-both-kinds a cmlops:DevOpsPractice , cmlops:MLOpsPractice .",
        format="turtle",
    )
    assert reasoner_findings(base)[0] == []
    findings, _ = reasoner_findings(clash)
    assert [f.check for f in findings] == ["reasoner/inconsistent_ontology"]
    assert "inconsistent" in findings[0].message


def test_missing_java_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(owlready2, "JAVA_EXE", "no-such-java-binary")
    findings, _ = reasoner_findings(rdflib.Graph())
    assert [(f.check, f.severity) for f in findings] == [("reasoner/java_missing", "ERROR")]
    assert "--no-reasoner" in findings[0].message


def test_syntax_error_is_reported_not_raised(tmp_path: Path) -> None:
    bad = 'cmlops:oops a cmlops:DevOpsPractice ; rdfs:label "unterminated .'
    directory = broken_copy(tmp_path, bad)
    report = check_ontology([directory], reasoner=False)
    assert [f.entity for f in report.by_check("syntax/parse_error")] == [
        str(directory / "zz-broken.ttl")
    ]


# --- the command line -------------------------------------------------------------------------


def test_cli_fails_on_broken_copy(broken_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--ontology", str(broken_dir), "--no-reasoner"]) == 1
    out = capsys.readouterr().out
    assert "ERROR qc/requires_cycle" in out and "cmlops:broken-cycle-a" in out


def test_cli_passes_on_real_ontology(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check"])
    assert code == 0, capsys.readouterr().out


@pytest.mark.parametrize(
    ("severities", "fail_on", "fails"),
    [
        ((), "INFO", False),
        (("INFO",), "ERROR", False),
        (("INFO",), "INFO", True),
        (("WARN",), "ERROR", False),
        (("WARN",), "WARN", True),
        (("ERROR", "INFO"), "ERROR", True),
    ],
)
def test_fail_on_threshold(severities: tuple[str, ...], fail_on: str, fails: bool) -> None:
    findings = [CheckFinding("qc/x", s, "", "", "", "") for s in severities]
    assert CheckReport(files=[], findings=findings).fails(fail_on) is fails


def test_cli_as_a_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cmlops_kg", "check", "--no-reasoner", "--format", "json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    payload = json.loads(result.stdout)
    assert result.returncode == (1 if payload["counts"]["ERROR"] else 0)
    assert result.returncode == 0, [f for f in payload["findings"] if f["severity"] == "ERROR"]


def test_guide_worked_example_matches_check(tmp_path: Path) -> None:
    """docs/extending.md quotes real report lines; they must stay what `check` prints."""
    guide = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
    example = guide.split("with this `my-practice.ttl`")[1].split("```turtle\n")[1].split("```")[0]
    quoted = guide.split("```text\n")[1].split("```")[0]
    directory = tmp_path / "mycopy"
    directory.mkdir()
    for path in ontology_files():
        shutil.copy(path, directory / path.name)
    (directory / "my-practice.ttl").write_text(example, encoding="utf-8")
    report = format_check_report(check_ontology([directory], reasoner=False), max_rows=50)
    missing = [line for line in quoted.splitlines() if line and line not in report.splitlines()]
    assert missing == []

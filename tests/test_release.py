"""Release artefacts (``cmlops-kg release``): four isomorphic serialisations of one dated,
self-contained ontology."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import rdflib
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.namespace import OWL, RDF

from cmlops_kg.cli import main
from cmlops_kg.errors import InputError
from cmlops_kg.ontology_tools.release import (
    ARTEFACTS,
    RELEASE_BASE,
    RELEASE_MARKER,
    load_artefact,
    write_release,
)
from cmlops_kg.rdf.ontology import parse_ontology
from cmlops_kg.vocab import CMLOPS, ONTOLOGY_IRI

# rdflib's own JSON-LD parser uses its deprecated ConjunctiveGraph internally
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated")

CM = rdflib.Namespace(CMLOPS)
HEADER = rdflib.URIRef(ONTOLOGY_IRI)
DATE = dt.date(2031, 2, 3)


@pytest.fixture(scope="module")
def release_dir(tmp_path_factory):
    target = tmp_path_factory.mktemp("release") / "release"
    write_release(target, DATE)
    return target


@pytest.fixture(scope="module")
def loaded(release_dir) -> dict[str, rdflib.Graph]:
    return {name: load_artefact(release_dir / name) for name in ARTEFACTS}


@pytest.fixture(scope="module")
def source() -> rdflib.Graph:
    return parse_ontology()


def practice_count(graph: rdflib.Graph) -> int:
    return len(
        set(graph.subjects(RDF.type, CM.DevOpsPractice))
        | set(graph.subjects(RDF.type, CM.MLOpsPractice))
    )


def test_all_four_serialisations_are_written(release_dir):
    assert sorted(ARTEFACTS) == ["cmlops.jsonld", "cmlops.nt", "cmlops.owl", "cmlops.ttl"]
    for name in ARTEFACTS:
        assert (release_dir / name).stat().st_size > 100_000, name
    assert (release_dir / RELEASE_MARKER).is_file()


def test_all_serialisations_are_isomorphic(loaded):
    turtle = loaded["cmlops.ttl"]
    assert len(turtle) > 4000
    canonical = to_isomorphic(turtle)
    for name, graph in loaded.items():
        assert len(graph) == len(turtle), name
        assert isomorphic(graph, turtle), name
        assert to_isomorphic(graph) == canonical, name


def test_the_version_iri_is_dated(loaded):
    for name, graph in loaded.items():
        versions = list(graph.objects(HEADER, OWL.versionIRI))
        assert versions == [rdflib.URIRef(f"{RELEASE_BASE}2031-02-03")], name
        assert re.fullmatch(
            r"https://w3id\.org/cmlops/releases/\d{4}-\d{2}-\d{2}", str(versions[0])
        )


def test_the_release_is_self_contained(loaded):
    for name, graph in loaded.items():
        assert not list(graph.objects(None, OWL.imports)), name
        assert list(graph.subjects(RDF.type, OWL.Ontology)) == [HEADER], name


def test_the_release_holds_the_whole_source_ontology(loaded, source):
    turtle = loaded["cmlops.ttl"]
    assert practice_count(turtle) == practice_count(source) >= 94
    modules = set(source.subjects(RDF.type, OWL.Ontology)) - {HEADER}
    expected = {
        t for t in source if t[0] not in modules and t[1] not in (OWL.imports, OWL.versionIRI)
    }
    # blank nodes (the header's sh:declare prefixes) get new labels in every parse: compare
    # the ground triples by value and the rest as graphs, up to blank-node renaming
    ground, blank = _split_blank(expected)
    released_ground, released_blank = _split_blank(set(turtle))
    missing = ground - released_ground
    assert not missing, sorted(missing)[:5]
    extra = released_ground - ground
    assert extra == {(HEADER, OWL.versionIRI, rdflib.URIRef(f"{RELEASE_BASE}2031-02-03"))}
    assert blank and isomorphic(_graph(blank), _graph(released_blank))


@pytest.mark.parametrize(
    "cls",
    ["Criterion", "PublishedStatement", "Requirement", "FailureMode", "ApplicabilityRule"],
)
def test_the_model_v2_terms_are_released_in_every_serialisation(loaded, source, cls):
    expected = set(source.subjects(RDF.type, CM[cls]))
    assert expected, cls
    for name, graph in loaded.items():
        assert set(graph.subjects(RDF.type, CM[cls])) == expected, (name, cls)


def test_target_levels_and_verbatim_quotes_survive_every_serialisation(loaded, source):
    """Target levels are blank nodes; quotes carry quotation marks and angle brackets."""

    def targets(graph: rdflib.Graph) -> set:
        return {
            (profile, graph.value(level, CM.ofDimension), graph.value(level, CM.levelRank))
            for profile, level in graph.subject_objects(CM.hasTargetLevel)
        }

    def quotes(graph: rdflib.Graph) -> set:
        return set(graph.subject_objects(CM.quote))

    assert len(targets(source)) >= 7 and len(quotes(source)) > 100
    assert any(">" in str(q) for _, q in quotes(source))
    for name, graph in loaded.items():
        assert targets(graph) == targets(source), name
        assert quotes(graph) == quotes(source), name


def _split_blank(triples: set) -> tuple[set, set]:
    has_blank = {t for t in triples if any(isinstance(x, rdflib.BNode) for x in t)}
    return triples - has_blank, has_blank


def _graph(triples: set) -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in triples:
        graph.add(t)
    return graph


def test_only_the_source_prefixes_are_declared(release_dir):
    turtle = (release_dir / "cmlops.ttl").read_text(encoding="utf-8")
    prefixes = set(re.findall(r"^@prefix (\w+):", turtle, re.MULTILINE))
    assert {"cmlops", "skos", "dcterms", "owl"} <= prefixes
    assert not prefixes & {"brick", "schema", "sosa", "geo"}  # rdflib's defaults stay out
    rdfxml = (release_dir / "cmlops.owl").read_text(encoding="utf-8")
    assert 'xml:lang="en"' in rdfxml


def test_checksums_match(release_dir):
    lines = (release_dir / "SHA256SUMS").read_text().splitlines()
    sums = dict(reversed(line.split("  ")) for line in lines)
    assert set(sums) == set(ARTEFACTS)
    for name, digest in sums.items():
        assert hashlib.sha256((release_dir / name).read_bytes()).hexdigest() == digest


def test_the_release_command_defaults_to_today(tmp_path, capsys):
    target = tmp_path / "release"
    assert main(["release", "-o", str(target)]) == 0
    out = capsys.readouterr().out
    assert f"{RELEASE_BASE}{dt.date.today().isoformat()}" in out
    graph = load_artefact(target / "cmlops.nt")
    assert graph.value(HEADER, OWL.versionIRI) == rdflib.URIRef(
        f"{RELEASE_BASE}{dt.date.today().isoformat()}"
    )
    # a second run replaces the earlier release without --force
    assert main(["release", "-o", str(target), "--date", "2030-01-01"]) == 0
    graph = load_artefact(target / "cmlops.ttl")
    assert str(graph.value(HEADER, OWL.versionIRI)).endswith("/2030-01-01")


def test_a_bad_date_is_refused(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["release", "-o", str(tmp_path / "r"), "--date", "31/12/2030"])
    assert exc.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_a_foreign_directory_is_not_overwritten(tmp_path):
    target = tmp_path / "out"
    target.mkdir()
    (target / "keep.txt").write_text("x")
    with pytest.raises(InputError, match="--force"):
        write_release(target, DATE)
    assert (target / "keep.txt").exists()

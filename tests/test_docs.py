"""The static ontology documentation (``cmlops-kg docs``): anchors, links, content, output.

The expectations are read from the ontology with rdflib, independently of the documentation
queries, and compared with what the generated HTML shows (parsed with the stdlib parser).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from cmlops_kg.cli import main
from cmlops_kg.errors import InputError
from cmlops_kg.files import write_tree
from cmlops_kg.ontology_tools.docs import DOCS_MARKER, PAGES, build_site, write_site
from cmlops_kg.rdf.ontology import ontology_graph
from cmlops_kg.resources import QC_DIR, QUERIES_DIR, ROOT
from cmlops_kg.sparql.library import library
from cmlops_kg.vocab import CMLOPS

CM = rdflib.Namespace(CMLOPS)
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
VOID_TAGS = {"br", "hr", "img", "input", "link", "meta", "source", "wbr", "col"}


# -- parsing -------------------------------------------------------------------------------------
@dataclass
class Element:
    """The text and links inside one element that has an id."""

    tag: str
    text: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())

    def hrefs(self) -> set[str]:
        return {href for href, _ in self.links}

    def link_texts(self, href: str) -> set[str]:
        return {text for h, text in self.links if h == href}


class Page(HTMLParser):
    """Ids (in document order), links, loaded resources and the content of each id'd element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.elements: dict[str, Element] = {}
        self.links: list[str] = []
        self.resources: list[str] = []
        self.hidden_inputs: list[dict] = []
        self.inputs: list[dict] = []
        self.event_handlers: list[str] = []
        self._stack: list[tuple[str, Element | None]] = []
        self._anchor: tuple[str, list[str]] | None = None

    def _active(self) -> list[Element]:
        return [el for _, el in self._stack if el is not None]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        self.event_handlers += [k for k in attr if k.startswith("on")]
        element = None
        if attr.get("id"):
            self.ids.append(attr["id"])
            element = self.elements[attr["id"]] = Element(tag)
        if tag == "a" and attr.get("href"):
            self.links.append(attr["href"])
            self._anchor = (attr["href"], [])
        if tag == "link" and attr.get("href"):
            self.resources.append(attr["href"])
        if tag == "script" and attr.get("src"):
            self.resources.append(attr["src"])
        if tag == "input":
            self.inputs.append(attr)
        if tag not in VOID_TAGS:
            self._stack.append((tag, element))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor:
            href, parts = self._anchor
            text = " ".join("".join(parts).split())
            for el in self._active():
                el.links.append((href, text))
            self._anchor = None
        while self._stack:
            open_tag, _ = self._stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._anchor:
            self._anchor[1].append(data)
        for el in self._active():
            el.text.append(data)


@dataclass
class Site:
    root: Path
    pages: dict[str, Page]

    def element(self, anchor: str) -> tuple[str, Element]:
        found = [
            (name, p.elements[anchor]) for name, p in self.pages.items() if anchor in p.elements
        ]
        assert len(found) == 1, f"#{anchor} is on {len(found)} pages"
        return found[0]


def parse_site(root: Path) -> Site:
    pages = {}
    for page in PAGES:
        parser = Page()
        parser.feed((root / page.file).read_text(encoding="utf-8"))
        parser.close()
        pages[page.file] = parser
    return Site(root, pages)


@pytest.fixture(scope="module")
def site(tmp_path_factory, ontology_store) -> Site:
    root = tmp_path_factory.mktemp("docs") / "site"
    write_site(root, store=ontology_store)
    return parse_site(root)


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return ontology_graph()


def local(iri: rdflib.term.Node) -> str:
    return str(iri)[len(CMLOPS) :]


def practices(graph: rdflib.Graph) -> list[rdflib.URIRef]:
    found = set(graph.subjects(RDF.type, CM.DevOpsPractice)) | set(
        graph.subjects(RDF.type, CM.MLOpsPractice)
    )
    return sorted(found)


# -- anchors and links ---------------------------------------------------------------------------
def test_site_has_every_page_and_its_assets(site):
    for page in PAGES:
        assert (site.root / page.file).is_file()
    assert (site.root / "style.css").is_file()
    assert (site.root / "filter.js").is_file()
    assert json.loads((site.root / DOCS_MARKER).read_text())["kind"] == "docs"


def test_every_practice_has_its_anchor_on_the_practice_page(site, graph):
    found = practices(graph)
    assert len(found) == 94
    ids = set(site.pages["practices.html"].ids)
    missing = [local(p) for p in found if local(p) not in ids]
    assert not missing, f"practices without an anchor: {missing}"
    assert site.pages["practices.html"].elements["model-versioning"].tag == "article"


def test_anchors_are_unique_across_the_site(site):
    counts = Counter(i for page in site.pages.values() for i in page.ids)
    duplicates = {i: n for i, n in counts.items() if n > 1}
    assert not duplicates


def test_every_named_term_of_the_namespace_has_an_anchor(site, graph):
    ids = {i for page in site.pages.values() for i in page.ids}
    terms = {
        s
        for s in graph.subjects(RDF.type, None)
        if isinstance(s, rdflib.URIRef)
        and str(s).startswith(CMLOPS)
        and (s, RDF.type, OWL.Ontology) not in graph
    }
    assert len(terms) > 500
    missing = sorted(local(t) for t in terms if local(t) not in ids)
    assert not missing, f"terms without an anchor: {missing[:20]}"


def test_every_id_is_a_term_anchor_or_a_page_section(site, graph):
    earl = rdflib.Namespace("http://www.w3.org/ns/earl#")
    for name, page in site.pages.items():
        for anchor in page.ids:
            if anchor.startswith("sec-"):
                continue
            if anchor.startswith("earl-"):
                assert (earl[anchor[5:]], None, None) in graph, (name, anchor)
            else:
                assert (CM[anchor], None, None) in graph, (name, anchor)


def test_every_internal_link_resolves(site):
    broken = []
    for name, page in site.pages.items():
        for href in page.links + page.resources:
            if re.match(r"[a-z][a-z0-9+.-]*:", href):  # https:, mailto:...
                continue
            file, _, fragment = href.partition("#")
            target = file or name
            if not (site.root / target).is_file():
                broken.append(f"{name}: {href} (no file)")
            elif fragment and fragment not in site.pages[target].ids:
                broken.append(f"{name}: {href} (no anchor)")
    assert not broken, broken[:20]


def test_cross_references_to_terms_use_their_anchor_not_their_iri(site):
    for name, page in site.pages.items():
        to_namespace = [h for h in page.links if h.startswith(CMLOPS)]
        assert not to_namespace, f"{name} links to term IRIs instead of anchors: {to_namespace[:3]}"


def test_the_index_forwards_term_anchors_to_their_pages(site):
    html = (site.root / "index.html").read_text(encoding="utf-8")
    mapping = json.loads(re.search(r"var pages = (\{.*?\});", html).group(1))
    assert mapping["model-versioning"] == "practices.html"
    assert mapping["Practice"] == "classes.html"
    assert mapping["earl-manual"] == "classes.html"
    for anchor, page in mapping.items():
        assert anchor in site.pages[page].ids


# -- content -------------------------------------------------------------------------------------
def test_practice_sections_show_level_dimension_relations_crosswalk_and_sources(site, graph):
    for practice in practices(graph):
        page, el = site.element(local(practice))
        assert page == "practices.html"
        hrefs = el.hrefs()
        level = graph.value(practice, CM.requiredAtLevel)
        dimension = graph.value(practice, CM.inDimension)
        assert f"index.html#{local(level)}" in hrefs
        assert el.link_texts(f"index.html#{local(level)}") == {str(graph.value(level, RDFS.label))}
        assert f"index.html#{local(dimension)}" in hrefs
        assert f"index.html#{local(graph.value(practice, CM.inPhase))}" in hrefs
        for prop in (CM.extends, CM.requires, CM.inPipeline, CM.secures):
            for target in graph.objects(practice, prop):
                target_page = (
                    "practices.html" if prop in (CM.extends, CM.requires) else "index.html"
                )
                assert f"{target_page}#{local(target)}" in hrefs, (practice, prop, target)
        for criterion in graph.objects(practice, CM.mapsTo):
            href = f"external.html#{local(criterion)}"
            assert href in hrefs, (practice, criterion)
            notation = graph.value(criterion, SKOS.notation)
            if notation is not None:
                assert str(notation) in el.link_texts(href)
        for source in graph.objects(practice, DCTERMS.source):
            url = graph.value(source, RDFS.seeAlso)
            assert str(url) in hrefs, (practice, source)
            assert f"sources.html#{local(source)}" in hrefs
        for signal in graph.subjects(CM.evidencedPractice, practice):
            assert f"signals.html#{local(signal)}" in hrefs, (practice, signal)
        if (practice, RDF.type, CM.DevOpsPractice) in graph:
            assert "DevOps" in el.plain
        else:
            assert "MLOps" in el.plain


def test_model_versioning_reads_as_expected(site):
    _, el = site.element("model-versioning")
    text = el.plain
    for fragment in (
        "Model versioning",
        "Level 2 - Repeatable training",
        "Model development and experimentation",
        "Extends Version control",
        "Crosswalk",
        "Sources",
    ):
        assert fragment in text
    assert "practices.html#version-control" in el.hrefs()


def test_the_index_shows_the_header_metadata_and_the_framework(site, graph):
    page = site.pages["index.html"]
    meta = page.elements["sec-metadata"]
    # the table follows the heading; its text is in the page, so check the whole index
    index = (site.root / "index.html").read_text(encoding="utf-8")
    header = rdflib.URIRef("https://w3id.org/cmlops")
    for prop in (OWL.versionIRI, DCTERMS.license, DCTERMS.created, DCTERMS.modified):
        assert str(graph.value(header, prop)) in index
    assert str(graph.value(header, OWL.versionInfo)) in index
    assert "https://w3id.org/cmlops#" in index and "<code>cmlops</code>" in index
    for module in graph.objects(header, OWL.imports):
        assert str(module) in index
    assert meta.tag == "h2"
    phases = sorted(
        graph.subjects(RDF.type, CM.LifecyclePhase),
        key=lambda p: int(graph.value(p, CM.phaseOrder)),
    )
    order = [i for i in page.ids if i.startswith("phase-")]
    assert order == [local(p) for p in phases]
    for iface in graph.subjects(RDF.type, CM.PipelineInterface):
        el = page.elements[local(iface)]
        for practice in graph.subjects(CM.secures, iface):
            assert f"practices.html#{local(practice)}" in el.hrefs()
        for artefact in graph.objects(iface, CM.carries):
            assert f"index.html#{local(artefact)}" in el.hrefs()
    for level in graph.subjects(RDF.type, CM.MaturityLevel):
        assert local(level) in page.ids
    for dimension in graph.subjects(RDF.type, CM.Dimension):
        el = page.elements[local(dimension)]
        assert str(graph.value(dimension, CM.rationale)) in el.plain


def test_external_page_reads_the_crosswalk_backwards(site, graph):
    page = site.pages["external.html"]
    tests = list(graph.subjects(SKOS.inScheme, CM["ml-test-score"]))
    checked = 0
    for criterion in tests:
        if (criterion, RDF.type, CM.ExternalCriterion) not in graph:
            continue
        el = page.elements[local(criterion)]
        for practice in graph.subjects(CM.mapsTo, criterion):
            assert f"practices.html#{local(practice)}" in el.hrefs()
            checked += 1
    assert checked > 20
    for level in graph.subjects(RDF.type, CM.ExternalLevel):
        el = page.elements[local(level)]
        for practice in graph.objects(level, CM.requiresPractice):
            assert f"practices.html#{local(practice)}" in el.hrefs()
    for model in ("google-mlops", "azure-mlops", "ml-test-score", "se4ml", "kreuzberger", "dora"):
        assert model in page.ids


def test_metrics_page_has_units_metrics_and_thresholds_per_year(site, graph):
    page = site.pages["metrics.html"]
    for threshold in graph.subjects(RDF.type, CM.ClusterThreshold):
        benchmark = graph.value(threshold, CM.benchmark)
        assert local(threshold) in page.ids
        assert local(benchmark) in page.ids
        lower = graph.value(threshold, CM.lowerBound).toPython()
        text = page.elements[local(threshold)].plain
        assert text.startswith(f"[{int(lower) if float(lower).is_integer() else lower},")
    for unit in graph.subjects(RDF.type, CM.Unit):
        assert local(unit) in page.ids


def test_classes_and_properties_show_their_axioms(site, graph):
    _, cls = site.element("MLOpsPractice")
    assert "classes.html#Practice" in cls.hrefs()  # sub-class of
    assert "classes.html#DevOpsPractice" in cls.hrefs()  # disjoint with
    _, prop = site.element("extends")
    assert prop.link_texts("classes.html#Practice") == {"practice"}
    assert "Domain" in prop.plain and "Range" in prop.plain
    _, maps_to = site.element("mapsTo")
    assert "http://www.w3.org/2004/02/skos/core#relatedMatch" in maps_to.hrefs()
    _, functional = site.element("inDimension")
    assert "functional" in functional.plain


def test_signals_page_links_each_signal_to_its_practices(site, graph):
    page = site.pages["signals.html"]
    for signal in set(graph.subjects(CM.evidencedPractice, None)):
        el = page.elements[local(signal)]
        for practice in graph.objects(signal, CM.evidencedPractice):
            assert f"practices.html#{local(practice)}" in el.hrefs()
        for glob in graph.objects(signal, CM.fileGlob):
            assert str(glob) in el.plain


def test_sources_are_links_to_their_pages(site, graph):
    page = site.pages["sources.html"]
    for source in graph.subjects(RDF.type, CM.Source):
        el = page.elements[local(source)]
        assert str(graph.value(source, RDFS.seeAlso)) in el.hrefs()


def test_pages_need_no_javascript_and_load_nothing_remote(site):
    for name, page in site.pages.items():
        assert "style.css" in page.resources
        assert not page.event_handlers, name
        assert all(not re.match(r"https?:", r) for r in page.resources), name
        for attrs in page.inputs:  # the optional filter box stays hidden without JavaScript
            assert "hidden" in attrs, name


def test_the_output_is_deterministic(ontology_store):
    assert build_site(ontology_store) == build_site(ontology_store)


def test_docs_queries_are_in_the_library_and_not_quality_checks(ontology_store):
    docs = {name: q for name, q in library().items() if name.startswith("docs/")}
    assert len(docs) >= 20
    assert not list(QC_DIR.glob("docs*"))
    assert (QUERIES_DIR / "docs").is_dir()
    for name, query in docs.items():
        assert query.title and query.description and query.columns, name
        assert query.form == "SELECT", name
        assert ontology_store.select(name), f"{name} returns no rows"


# -- writing -------------------------------------------------------------------------------------
def test_a_foreign_directory_is_not_overwritten_without_force(tmp_path, ontology_store):
    target = tmp_path / "out"
    target.mkdir()
    (target / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="--force"):
        write_site(target, store=ontology_store)
    assert (target / "notes.txt").read_text() == "keep me"
    write_site(target, force=True, store=ontology_store)
    assert not (target / "notes.txt").exists()
    assert (target / "index.html").is_file()


def test_a_previous_docs_output_is_replaced_without_force(tmp_path):
    target = tmp_path / "site"
    write_tree(target, {"index.html": "old", "stale.html": "x"}, DOCS_MARKER, "docs", False)
    write_tree(target, {"index.html": "new"}, DOCS_MARKER, "docs", False)
    assert (target / "index.html").read_text() == "new"
    assert not (target / "stale.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_release_directory_is_not_taken_for_docs(tmp_path):
    target = tmp_path / "out"
    write_tree(target, {"cmlops.ttl": "x"}, DOCS_MARKER, "release", False)
    with pytest.raises(InputError):
        write_tree(target, {"index.html": "y"}, DOCS_MARKER, "docs", False)


def test_a_failed_write_leaves_the_previous_site_and_no_temp_files(tmp_path):
    target = tmp_path / "site"
    write_tree(target, {"index.html": "old"}, DOCS_MARKER, "docs", False)
    broken = {"a.html": "fine", "b.html": object()}  # writing the second file fails
    with pytest.raises(TypeError):
        write_tree(target, broken, DOCS_MARKER, "docs", False)  # type: ignore[arg-type]
    assert (target / "index.html").read_text() == "old"
    assert not (target / "a.html").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_file_or_the_project_is_never_replaced(tmp_path, monkeypatch):
    afile = tmp_path / "file.html"
    afile.write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        write_tree(afile, {"index.html": "y"}, DOCS_MARKER, "docs", True)
    with pytest.raises(InputError, match="refusing"):
        write_tree(ROOT, {"index.html": "y"}, DOCS_MARKER, "docs", True)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(InputError, match="refusing"):
        write_tree(Path("."), {"index.html": "y"}, DOCS_MARKER, "docs", True)
    assert (tmp_path / "keep.txt").exists()


def test_the_docs_command_writes_the_site(tmp_path, capsys):
    target = tmp_path / "site"
    assert main(["docs", "-o", str(target)]) == 0
    assert (target / "practices.html").is_file()
    assert "wrote the ontology documentation" in capsys.readouterr().out
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("x")
    assert main(["docs", "-o", str(tmp_path / "other")]) == 2
    assert "--force" in capsys.readouterr().err

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
from cmlops_kg.rdf.ontology import ontology_files, ontology_graph
from cmlops_kg.resources import QC_DIR, QUERIES_DIR, ROOT
from cmlops_kg.sparql.library import library
from cmlops_kg.store.embedded import EmbeddedStore
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
    ancestors: tuple[str, ...] = ()  # ids of the elements it is inside, outermost first

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
        self._stack: list[tuple[str, Element | None, str | None]] = []
        self._anchor: tuple[str, list[str]] | None = None

    def _active(self) -> list[Element]:
        return [el for _, el, _ in self._stack if el is not None]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        self.event_handlers += [k for k in attr if k.startswith("on")]
        element = None
        if attr.get("id"):
            self.ids.append(attr["id"])
            ancestors = tuple(i for _, _, i in self._stack if i)
            element = self.elements[attr["id"]] = Element(tag, ancestors=ancestors)
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
            self._stack.append((tag, element, attr.get("id")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._anchor:
            href, parts = self._anchor
            text = " ".join("".join(parts).split())
            for el in self._active():
                el.links.append((href, text))
            self._anchor = None
        while self._stack:
            open_tag, _, _ = self._stack.pop()
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

    def html(self, page: str) -> str:
        return (self.root / page).read_text(encoding="utf-8")

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


def asked_by(graph: rdflib.Graph, requirement: rdflib.URIRef) -> list[rdflib.URIRef]:
    """What a crosswalk requirement asks for (several: alternatives)."""
    return sorted(
        set(graph.objects(requirement, CM.requiresPractice))
        | set(graph.objects(requirement, CM.requiresCriterion))
    )


def natural(text: object) -> tuple:
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p.lower())
        for p in re.split(r"(\d+)", str(text))
        if p
    )


def squash(text: object) -> str:
    return " ".join(str(text).split())


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
    names = [p.file for p in PAGES]
    for page in ("interfaces.html", "context.html", "obligations.html", "external.html"):
        assert page in names
    for name, page in site.pages.items():
        assert page.ids, f"{name} has no anchors"
        assert "<h1>" in site.html(name), name
    assert json.loads((site.root / DOCS_MARKER).read_text())["kind"] == "docs"


def test_every_practice_has_its_anchor_on_the_practice_page(site, graph):
    found = practices(graph)
    assert len(found) >= 94
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
        for prop in (CM.extends, CM.requires, CM.inPipeline, CM.prevents, CM.detects):
            for target in graph.objects(practice, prop):
                target_page = (
                    "practices.html" if prop in (CM.extends, CM.requires) else "interfaces.html"
                )
                assert f"{target_page}#{local(target)}" in hrefs, (practice, prop, target)
        rationale = graph.value(practice, CM.rationale)
        assert rationale is None or " ".join(str(rationale).split()) in el.plain, practice
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
    for section in ("sec-judging", "sec-pipelines", "sec-levels", "sec-dimensions"):
        assert section in page.ids
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
        for requirement in graph.subjects(CM.ofExternalLevel, level):
            assert f"external.html#{local(requirement)}" in el.hrefs(), (level, requirement)
            for asked in asked_by(graph, requirement):
                assert f"practices.html#{local(asked)}" in el.hrefs(), (level, asked)
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
    may_be_empty = {"docs/obligations": CM.Obligation}  # until a module defines obligations
    graph = ontology_graph()
    for name, query in docs.items():
        assert query.title and query.description and query.columns, name
        assert query.form == "SELECT", name
        rows = ontology_store.select(name)
        if name in may_be_empty and not list(graph.subjects(RDF.type, may_be_empty[name])):
            assert rows == [], name
        else:
            assert rows, f"{name} returns no rows"


# -- model v2: criteria, statements and requirements, interfaces, context, obligations ----------
V2_PAGES = {
    "Criterion": "practices.html",
    "FailureMode": "interfaces.html",
    "PipelineInterface": "interfaces.html",
    "Pipeline": "interfaces.html",
    "Artefact": "interfaces.html",
    "Contract": "interfaces.html",
    "ContextFactor": "context.html",
    "ContextValue": "context.html",
    "ApplicabilityRule": "context.html",
    "TargetProfile": "context.html",
    "PublishedStatement": "external.html",
    "Requirement": "external.html",
    "ExternalLevel": "external.html",
    "Obligation": "obligations.html",
}


def named(graph: rdflib.Graph, cls: str) -> list[rdflib.URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, CM[cls]) if isinstance(s, rdflib.URIRef))


@pytest.mark.parametrize(("cls", "page"), sorted(V2_PAGES.items()))
def test_every_model_v2_term_has_its_anchor_on_its_page(site, graph, cls, page):
    terms = named(graph, cls)
    if cls != "Obligation":  # obligations come with ontology/regulation.ttl
        assert terms, cls
    ids = set(site.pages[page].ids)
    missing = [local(t) for t in terms if local(t) not in ids]
    assert not missing, f"{cls} without an anchor on {page}: {missing[:10]}"


def test_the_term_index_lists_the_new_terms_with_their_anchors(site, graph):
    html = site.html("terms.html")
    for cls, page in V2_PAGES.items():
        for term in named(graph, cls):
            assert f"<code>{page}#{local(term)}</code>" in html, (cls, term)


def test_each_criterion_is_shown_inside_its_practice_with_what_to_check(site, graph):
    criteria = named(graph, "Criterion")
    assert len(criteria) > 200
    for criterion in criteria:
        page, el = site.element(local(criterion))
        practice = graph.value(criterion, CM.criterionOf)
        assert page == "practices.html" and el.tag == "li"
        assert local(practice) in el.ancestors, criterion
        for prop in (RDFS.label, SKOS.definition, CM.question, CM.evidenceToShow):
            value = graph.value(criterion, prop)
            if value is not None:
                assert squash(value) in el.plain, (criterion, prop)
        required = graph.value(criterion, CM.isRequired)
        assert (
            "supporting" if required is not None and not required.toPython() else "required"
        ) in el.plain
        for prop in (CM.prevents, CM.detects, CM.recovers):
            for fm in graph.objects(criterion, prop):
                assert f"interfaces.html#{local(fm)}" in el.hrefs(), (criterion, prop, fm)
        for item in graph.objects(criterion, CM.mapsTo):
            assert f"external.html#{local(item)}" in el.hrefs(), (criterion, item)


def test_a_requirement_stands_next_to_the_statements_it_encodes(site, graph):
    page = site.pages["external.html"]
    position = {anchor: i for i, anchor in enumerate(page.ids)}
    requirements = named(graph, "Requirement")
    assert len(requirements) >= 40
    for requirement in requirements:
        where, el = site.element(local(requirement))
        assert where == "external.html"
        level = graph.value(requirement, CM.ofExternalLevel)
        assert local(level) in el.ancestors, requirement
        statements = sorted(
            graph.objects(requirement, CM.encodes), key=lambda s: position[local(s)]
        )
        assert statements, requirement
        first, *others = statements
        # shown in the row of its first statement, whose verbatim quote is beside it
        assert el.ancestors[-1] == local(first), (requirement, el.ancestors)
        row = page.elements[local(first)]
        assert squash(graph.value(first, CM.quote)) in row.plain, requirement
        # the other statements it encodes are quoted in it, and point back to it
        for other in others:
            assert squash(graph.value(other, CM.quote)) in el.plain, (requirement, other)
            assert f"external.html#{local(other)}" in el.hrefs()
            assert f"external.html#{local(requirement)}" in page.elements[local(other)].hrefs()
        note = graph.value(requirement, CM.readingNote)
        assert note is None or squash(note) in el.plain, requirement
        asked = asked_by(graph, requirement)
        assert asked, requirement
        for item in asked:
            assert f"practices.html#{local(item)}" in el.hrefs(), (requirement, item)
        if len(asked) > 1:
            assert "Any one of" in el.plain, requirement


def test_statements_are_listed_per_level_in_order_and_marked(site, graph):
    page = site.pages["external.html"]
    position = {anchor: i for i, anchor in enumerate(page.ids)}
    levels = {graph.value(s, CM.statementOf) for s in named(graph, "PublishedStatement")}
    assert len(levels) >= 6
    for level in levels:
        statements = list(graph.subjects(CM.statementOf, level))
        expected = sorted(
            statements,
            key=lambda s: (
                graph.value(s, CM.sortOrder) is None,
                int(graph.value(s, CM.sortOrder) or 0),
                natural(graph.value(s, SKOS.notation)),
            ),
        )
        shown = sorted(statements, key=lambda s: position[local(s)])
        assert shown == expected, level
        for statement in statements:
            row = page.elements[local(statement)]
            assert row.tag == "tr" and local(level) in row.ancestors
            assert squash(graph.value(statement, CM.quote)) in row.plain
            assert str(graph.value(statement, CM.modality)) in row.plain
            section = graph.value(statement, CM.section)
            assert section is None or squash(section) in page.elements[local(level)].plain
            encoding = list(graph.subjects(CM.encodes, statement))
            for requirement in encoding:
                assert f"external.html#{local(requirement)}" in row.hrefs()
            if not encoding:
                assert "no requirement" in row.plain, statement


def test_statements_that_make_no_requirement_are_marked_by_modality(site, graph):
    page = site.pages["external.html"]
    seen = Counter()
    for statement in named(graph, "PublishedStatement"):
        modality = str(graph.value(statement, CM.modality))
        if modality in ("is", "must") or list(graph.subjects(CM.encodes, statement)):
            continue
        row = page.elements[local(statement)]
        assert "no requirement" in row.plain and modality in row.plain, statement
        seen[modality] += 1
    assert {"should", "ideally", "optional", "product-specific", "limitation"} <= set(seen)


def test_quotes_are_verbatim_and_escaped(site, graph):
    html = site.html("external.html")
    tricky = [
        (s, str(q))
        for s, q in graph.subject_objects(CM.quote)
        if (s, RDF.type, CM.PublishedStatement) in graph and re.search(r"[<>&\"]", str(q))
    ]
    assert any(">" in q for _, q in tricky)
    for statement, quote in tricky:
        row = site.pages["external.html"].elements[local(statement)]
        assert squash(quote) in row.plain, statement
        escaped = quote.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
        assert escaped.replace('"', "&#34;") in html, statement


def test_practices_say_which_external_levels_require_them(site, graph):
    for requirement in named(graph, "Requirement"):
        href = f"external.html#{local(requirement)}"
        for practice in graph.objects(requirement, CM.requiresPractice):
            _, el = site.element(local(practice))
            assert href in el.hrefs(), (practice, requirement)
        for criterion in graph.objects(requirement, CM.requiresCriterion):
            _, crit = site.element(local(criterion))
            assert href in crit.hrefs(), (criterion, requirement)
            _, practice = site.element(local(graph.value(criterion, CM.criterionOf)))
            assert href in practice.hrefs(), (criterion, requirement)


def _row_cells(html: str, anchor: str) -> list[str]:
    start = html.index(f'<tr id="{anchor}"')
    row = html[start : html.index("</tr>", start)]
    return row.split("<td")[1:]


def test_interfaces_show_what_crosses_them_and_how_each_failure_mode_is_guarded(site, graph):
    page = site.pages["interfaces.html"]
    html = site.html("interfaces.html")
    for interface in named(graph, "PipelineInterface"):
        el = page.elements[local(interface)]
        for prop in (CM.fromPipeline, CM.toPipeline, CM.carries):
            for target in graph.objects(interface, prop):
                assert f"interfaces.html#{local(target)}" in el.hrefs(), (interface, target)
        for source in graph.objects(interface, DCTERMS.source):
            assert f"sources.html#{local(source)}" in el.hrefs()
    failure_modes = named(graph, "FailureMode")
    assert len(failure_modes) >= 20
    for fm in failure_modes:
        row = page.elements[local(fm)]
        assert local(graph.value(fm, CM.atInterface)) in row.ancestors, fm
        assert squash(graph.value(fm, SKOS.definition)) in row.plain
        for source in graph.objects(fm, DCTERMS.source):
            assert f"sources.html#{local(source)}" in row.hrefs(), (fm, source)
        cells = _row_cells(html, local(fm))
        for column, prop in enumerate((CM.prevents, CM.detects, CM.recovers), 1):
            for guard in graph.subjects(prop, fm):
                assert f'href="practices.html#{local(guard)}"' in cells[column], (fm, prop, guard)


def test_the_diagram_is_inline_svg_linking_every_pipeline_and_interface(site, graph):
    for name, prefix in (("interfaces.html", "#"), ("index.html", "interfaces.html#")):
        html = site.html(name)
        svg = html[html.index("<svg") : html.index("</svg>")]
        for cls in ("Pipeline", "PipelineInterface"):
            for term in named(graph, cls):
                assert f'href="{prefix}{local(term)}"' in svg, (name, term)
        assert "<script" not in svg


def test_context_page_shows_factors_rules_and_targets(site, graph):
    page = site.pages["context.html"]
    for value in named(graph, "ContextValue"):
        factor = graph.value(value, SKOS.inScheme)
        assert local(factor) in page.elements[local(value)].ancestors
    for rule in named(graph, "ApplicabilityRule"):
        el = page.elements[local(rule)]
        for prop in (CM.when, CM.unless):
            for value in graph.objects(rule, prop):
                assert f"context.html#{local(value)}" in el.hrefs(), (rule, value)
        for item in graph.objects(rule, CM.excludes):
            assert f"practices.html#{local(item)}" in el.hrefs(), (rule, item)
        assert squash(graph.value(rule, CM.ruleJustification)) in el.plain
    dimensions = sorted(
        graph.subjects(RDF.type, CM.Dimension), key=lambda d: int(graph.value(d, CM.sortOrder))
    )
    for profile in named(graph, "TargetProfile"):
        ranks = {
            graph.value(level, CM.ofDimension): int(graph.value(level, CM.levelRank))
            for level in graph.objects(profile, CM.hasTargetLevel)
        }
        shown = re.findall(r"\bL(\d)\b", page.elements[local(profile)].plain)
        assert [int(r) for r in shown] == [ranks[d] for d in dimensions if d in ranks], profile


def check_obligations(site: Site, graph: rdflib.Graph) -> list[rdflib.URIRef]:
    page = site.pages["obligations.html"]
    obligations = named(graph, "Obligation")
    for obligation in obligations:
        el = page.elements[local(obligation)]
        for prop in (CM.legalReference, CM.quote, CM.bindsRole, CM.applicableFrom):
            value = graph.value(obligation, prop)
            if value is not None:
                assert squash(value) in el.plain, (obligation, prop)
        for value in graph.objects(obligation, CM.appliesWhen):
            assert f"context.html#{local(value)}" in el.hrefs(), (obligation, value)
        for item in graph.objects(obligation, CM.fulfilledBy):
            assert f"practices.html#{local(item)}" in el.hrefs(), (obligation, item)
            _, shown = site.element(local(item))
            assert f"obligations.html#{local(obligation)}" in shown.hrefs(), (item, obligation)
    return obligations


def test_obligations_page_lists_obligations_or_says_there_are_none(site, graph):
    if not check_obligations(site, graph):
        assert "sec-no-obligations" in site.pages["obligations.html"].ids


def test_only_web_addresses_are_rendered_as_links(site):
    for name, page in site.pages.items():
        for href in page.links + page.resources:
            scheme = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", href)
            assert not scheme or scheme.group(1) in ("http", "https", "mailto"), (name, href)


def test_spot_checks_against_the_ontology(site, graph):
    # a guard, read from the criterion side, is shown in the failure mode's prevented-by column
    criterion, fm = CM["data-validation.stops-pipeline"], CM["fm-training-schema-skew"]
    assert (criterion, CM.prevents, fm) in graph
    cells = _row_cells(site.html("interfaces.html"), local(fm))
    assert f'href="practices.html#{local(criterion)}"' in cells[1]
    # an alternative requirement offers both criteria, and each practice points back to it
    requirement = CM["req-google-l1-online-validation"]
    assert len(asked_by(graph, requirement)) == 2
    _, el = site.element(local(requirement))
    assert "Any one of" in el.plain and "canary deployment or an A/B testing setup" in el.plain
    _, ab = site.element("ab-testing")
    assert f"external.html#{local(requirement)}" in ab.hrefs()
    # a practice argues its level
    _, dv = site.element("data-validation")
    assert squash(graph.value(CM["data-validation"], CM.rationale)) in dv.plain
    # counts on the overview are the ontology's
    overview = site.html("index.html")
    assert len(named(graph, "PublishedStatement")) > 150
    assert f"{len(named(graph, 'Requirement'))} crosswalk requirements" in overview
    assert f"{len(named(graph, 'Criterion'))} atomic, observable" in overview
    assert f"{len(named(graph, 'FailureMode'))} <a" in overview


# -- hostile text and links: escaped and not linked; obligations rendered ------------------------
HOSTILE_TTL = """
@prefix cmlops: <https://w3id.org/cmlops#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

cmlops:src-docs-hostile a cmlops:Source ;
    rdfs:label "Hostile <script>alert(1)</script> source"@en ;
    rdfs:seeAlso <javascript:alert(1)> .
cmlops:obl-docs-fixture-10 a cmlops:Obligation ;
    rdfs:label "Fixture obligation ten"@en ; skos:notation "Fixture Art. 10" ;
    cmlops:legalReference "Fixture Act, Article 10" ; cmlops:bindsRole "deployer" ;
    cmlops:fulfilledBy cmlops:model-versioning ;
    dcterms:source cmlops:src-docs-hostile .
cmlops:obl-docs-fixture-2 a cmlops:Obligation ;
    rdfs:label "Fixture obligation \\"two\\" & <b>bold</b>"@en ; skos:notation "Fixture Art. 2" ;
    skos:definition "Keeps <logs> & records."@en ;
    cmlops:legalReference "Fixture Act, Article 2(1)" ;
    cmlops:quote "Providers shall keep <logs> & \\"records\\"." ;
    cmlops:bindsRole "provider" ;
    cmlops:appliesWhen cmlops:risk-high ;
    cmlops:applicableFrom "2030-01-01"^^xsd:date ;
    cmlops:fulfilledBy cmlops:model-versioning , cmlops:data-validation.schema ;
    dcterms:source cmlops:src-docs-hostile .
cmlops:stmt-docs-hostile a cmlops:PublishedStatement ;
    rdfs:label "Hostile statement"@en ; skos:notation "G1-ZZ" ;
    cmlops:statementOf cmlops:google-l1 ; cmlops:section "Fixture <section>" ;
    cmlops:quote "<img src=x onerror=alert(1)> should \\"ideally\\"" ;
    cmlops:modality "ideally" ; dcterms:source cmlops:src-docs-hostile .
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Site, rdflib.Graph]:
    directory = tmp_path_factory.mktemp("hostile")
    extra = directory / "hostile.ttl"
    extra.write_text(HOSTILE_TTL, encoding="utf-8")
    files = [*ontology_files(), extra]
    store = EmbeddedStore()
    store.load_ontology(files)
    root = directory / "site"
    write_site(root, store=store)
    graph = ontology_graph()
    combined = rdflib.Graph()
    for triple in graph:
        combined.add(triple)
    combined.parse(extra, format="turtle")
    return parse_site(root), combined


def test_hostile_text_is_escaped_and_unsafe_addresses_are_not_links(hostile):
    site, _ = hostile
    for name, page in site.pages.items():
        html = site.html(name)
        assert "<script>alert" not in html and "<img src=x" not in html, name
        assert "<b>bold</b>" not in html and "<logs>" not in html, name
        assert "javascript:" not in " ".join(page.links), name
        assert not page.event_handlers, name
    _, source = site.element("src-docs-hostile")
    assert "Hostile <script>alert(1)</script> source" in source.plain
    assert "javascript:alert(1)" in source.plain  # shown as text, not linked
    _, statement = site.element("stmt-docs-hostile")
    assert '<img src=x onerror=alert(1)> should "ideally"' in statement.plain
    assert "no requirement" in statement.plain


def test_obligations_are_rendered_in_id_order_with_what_fulfils_them(hostile):
    site, graph = hostile
    found = check_obligations(site, graph)
    assert {local(o) for o in found} >= {"obl-docs-fixture-2", "obl-docs-fixture-10"}
    ids = site.pages["obligations.html"].ids
    assert ids.index("obl-docs-fixture-2") < ids.index("obl-docs-fixture-10")
    _, el = site.element("obl-docs-fixture-2")
    assert 'Providers shall keep <logs> & "records".' in el.plain
    assert "2030-01-01" in el.plain and "provider" in el.plain
    assert "sec-no-obligations" not in ids


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

"""Static HTML documentation of the ontology: ``cmlops-kg docs -o site/``.

Every page is rendered with Jinja2 (``templates/docs/``) from the answers of the documentation
queries (``queries/docs/*.rq``) over the embedded store, so what the pages say is what the
query library returns. Each documented term gets one anchor, site-wide unique and stable:

* terms in the cmlops namespace: ``#<local name>`` of their IRI
  (``practices.html#model-versioning``);
* individuals from other vocabularies that the ontology describes (the EARL test modes):
  ``#<prefix>-<local name>`` (``classes.html#earl-manual``);
* page sections that are not terms start with ``sec-``, which no term IRI does.

The output is written atomically: into a temporary directory next to the target, renamed into
place when complete. A non-empty directory without the marker file of a previous docs run is
not overwritten unless ``--force`` is given.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from markupsafe import Markup

from cmlops_kg import resources, vocab
from cmlops_kg._version import __version__
from cmlops_kg.errors import InputError
from cmlops_kg.files import check_target, write_tree
from cmlops_kg.store.base import GraphStore
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.vocab import CMLOPS

TEMPLATES_DIR = resources.TEMPLATES_DIR / "docs"
STATIC_FILES = ("style.css", "filter.js")
DOCS_MARKER = ".cmlops-kg-docs"
SECTION_PREFIX = "sec-"

PREFIXES = vocab.prefixes()  # the ontology header's sh:declare, the one prefix map


@dataclass(frozen=True)
class Page:
    file: str
    title: str
    nav: str


PAGES = (
    Page("index.html", "Overview", "Overview"),
    Page("practices.html", "Practice catalogue", "Practices"),
    Page("external.html", "External models and crosswalk", "External models"),
    Page("metrics.html", "Outcome metrics and benchmarks", "Metrics"),
    Page("signals.html", "Repository signals", "Signals"),
    Page("classes.html", "Classes and controlled values", "Classes"),
    Page("properties.html", "Properties", "Properties"),
    Page("sources.html", "Sources", "Sources"),
    Page("terms.html", "Term index A-Z", "Terms A-Z"),
)

# Where a term is documented, by its asserted type (first match wins).
_PAGE_BY_TYPE = (
    (("DevOpsPractice", "MLOpsPractice"), "practices.html"),
    (
        (
            "LifecyclePhase",
            "Pipeline",
            "PipelineInterface",
            "Artefact",
            "MaturityLevel",
            "Dimension",
        ),
        "index.html",
    ),
    (("ExternalLevel", "TestSection", "ScoreBand", "ExternalCriterion"), "external.html"),
    (("Metric", "Unit", "Benchmark", "PerformanceCluster", "ClusterThreshold"), "metrics.html"),
    (("Source",), "sources.html"),
    (("Signal", "NegativeSignal", "SignalStrength", "CiTrigger"), "signals.html"),
)
CMLOPS_MODEL = CMLOPS + "maturity-model"
_CLASS = vocab.OWL + "Class"
_KIND_WORDS = {
    vocab.OWL + "Class": "class",
    vocab.OWL + "ObjectProperty": "object property",
    vocab.OWL + "DatatypeProperty": "datatype property",
    vocab.OWL + "AnnotationProperty": "annotation property",
}
_PROPERTY_TYPES = {
    vocab.OWL + t for t in ("ObjectProperty", "DatatypeProperty", "AnnotationProperty")
}


def expand(short: str) -> str:
    """``cmlops:extends`` -> the full IRI (full IRIs pass through)."""
    prefix, _, rest = short.partition(":")
    return PREFIXES[prefix] + rest if prefix in PREFIXES and not rest.startswith("//") else short


def curie(iri: str) -> str:
    """The ``prefix:local`` form of an IRI (longest matching namespace), or the IRI itself."""
    candidates = [
        (len(ns), f"{prefix}:{iri[len(ns) :]}")
        for prefix, ns in PREFIXES.items()
        if iri.startswith(ns) and re.fullmatch(r"[\w.-]*", iri[len(ns) :])
    ]
    return max(candidates)[1] if candidates else iri


def local_name(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def anchor_for(iri: str) -> str:
    """The stable fragment of a documented term (see the module docstring)."""
    if iri.startswith(CMLOPS):
        return iri[len(CMLOPS) :]
    short = curie(iri)
    return short.replace(":", "-") if short != iri else local_name(iri)


@dataclass
class Term:
    iri: str
    label: str
    notation: str | None
    types: tuple[str, ...]
    definition: str | None
    scope_notes: tuple[str, ...] = ()
    labelled: bool = False
    page: str | None = None

    @property
    def anchor(self) -> str:
        return anchor_for(self.iri)


@dataclass
class SiteIndex:
    """The documented terms, where each lives, and the links between them both ways."""

    terms: dict[str, Term]
    out_links: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    in_links: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, term_rows: Iterable[Mapping], link_rows: Iterable[Mapping]) -> SiteIndex:
        terms = {}
        for row in term_rows:
            iri = str(row["term"])
            terms[iri] = Term(
                iri=iri,
                label=str(row["label"] or local_name(iri)),
                notation=row["notation"],
                types=tuple(sorted(str(row["types"] or "").split())),
                definition=row["definition"],
                scope_notes=tuple(split(row.get("scopeNotes"))),
                labelled=row["label"] is not None,
            )
        out_links: dict[tuple[str, str], list[str]] = defaultdict(list)
        in_links: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in link_rows:
            s, p, o = str(row["subject"]), str(row["property"]), str(row["object"])
            out_links[(s, p)].append(o)
            in_links[(o, p)].append(s)
        index = cls(terms, dict(out_links), dict(in_links))
        index.place_terms()
        return index

    # -- placement ---------------------------------------------------------------------------
    def place_terms(self) -> None:
        metric_categories = {o for (o, p) in self.in_links if p == CMLOPS + "metricCategory"}
        for term in self.terms.values():
            term.page = self._page_of(term, metric_categories)
        self._check_anchors()

    def _page_of(self, term: Term, metric_categories: set[str]) -> str | None:
        if term.iri == CMLOPS_MODEL:
            return "index.html"
        for local_types, page in _PAGE_BY_TYPE:
            if any(CMLOPS + t in term.types for t in local_types):
                return page
        if term.iri in metric_categories:
            return "metrics.html"
        if CMLOPS + "ExternalModel" in term.types:
            return "external.html"
        own = term.iri.startswith(CMLOPS)
        if _CLASS in term.types:
            return "classes.html" if own else None
        if _PROPERTY_TYPES & set(term.types):
            return "properties.html" if own else None
        # other vocabularies' individuals count when the ontology names them (EARL test modes)
        return "classes.html" if own or term.labelled else None

    def _check_anchors(self) -> None:
        seen: dict[str, str] = {}
        for term in self.documented():
            if term.anchor.startswith(SECTION_PREFIX):
                raise InputError(f"term {term.iri} has an anchor reserved for page sections")
            if term.anchor in seen:
                raise InputError(
                    f"terms {seen[term.anchor]} and {term.iri} would share the anchor "
                    f"#{term.anchor}",
                    fix="give one of them another local name",
                )
            seen[term.anchor] = term.iri

    # -- queries -----------------------------------------------------------------------------
    def documented(self, page: str | None = None) -> list[Term]:
        return [t for t in self.terms.values() if t.page and (page is None or t.page == page)]

    def term(self, iri: str) -> Term | None:
        return self.terms.get(str(iri))

    def label(self, iri: str) -> str:
        term = self.terms.get(str(iri))
        return term.label if term else curie(str(iri))

    def href(self, iri: str) -> str | None:
        term = self.terms.get(str(iri))
        if term and term.page:
            return f"{term.page}#{term.anchor}"
        return str(iri) if re.match(r"https?://", str(iri)) else None

    def out(self, subject: str, prop: str) -> list[str]:
        return self.sort(self.out_links.get((str(subject), expand(prop)), []))

    def inv(self, obj: str, prop: str) -> list[str]:
        return self.sort(self.in_links.get((str(obj), expand(prop)), []))

    def first(self, subject: str, prop: str) -> str | None:
        found = self.out(subject, prop)
        return found[0] if found else None

    def sort(self, iris: Iterable[str]) -> list[str]:
        return sorted(set(iris), key=lambda i: (self.label(i).lower(), i))

    def out_all(self, subjects: Iterable[str], prop: str) -> list[str]:
        """The union of ``prop`` values of several subjects."""
        return self.sort(o for s in subjects for o in self.out(s, prop))

    def subjects_with(self, prop: str) -> set[str]:
        iri = expand(prop)
        return {s for (s, p) in self.out_links if p == iri}

    def objects_with(self, prop: str) -> set[str]:
        iri = expand(prop)
        return {o for (o, p) in self.in_links if p == iri}

    def cumulative(self, start: str, prop: str, via: str) -> list[str]:
        """``prop`` values of ``start`` and of everything it reaches through ``via``."""
        seen, todo, found = set(), [str(start)], set()
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            found.update(self.out(node, prop))
            todo.extend(self.out(node, via))
        return self.sort(found)

    def kind(self, iri: str) -> str:
        """What a term is, for display: its own class's label, else a word for its OWL type."""
        term = self.terms[str(iri)]
        own = [t for t in term.types if t.startswith(CMLOPS)]
        if own:
            return ", ".join(self.label(t) for t in own)
        words = [_KIND_WORDS[t] for t in term.types if t in _KIND_WORDS]
        return ", ".join(words) if words else ", ".join(curie(t) for t in term.types)

    def by_page(self, iris: Iterable[str]) -> list[tuple[Page, list[str]]]:
        """Terms grouped by the page that documents them, in navigation order."""
        grouped: dict[str, list[str]] = defaultdict(list)
        for iri in iris:
            term = self.terms.get(str(iri))
            grouped[term.page if term and term.page else ""].append(str(iri))
        return [(page, self.sort(grouped[page.file])) for page in PAGES if page.file in grouped]

    def foreign_values(self) -> dict[str, list[Term]]:
        """Documented individuals of other vocabularies (EARL test modes), by type."""
        grouped: dict[str, list[Term]] = defaultdict(list)
        for term in self.documented("classes.html"):
            if _CLASS in term.types or any(t.startswith(CMLOPS) for t in term.types):
                continue
            grouped[term.types[0]].append(term)
        return {k: sorted(v, key=lambda t: t.label.lower()) for k, v in sorted(grouped.items())}

    def of_type(self, cls: str) -> list[Term]:
        iri = expand(cls)
        found = [t for t in self.terms.values() if iri in t.types]
        return sorted(found, key=lambda t: (t.label.lower(), t.iri))

    def anchor_map(self) -> dict[str, str]:
        return {t.anchor: t.page for t in self.documented() if t.page}

    # -- HTML --------------------------------------------------------------------------------
    def ref(self, iri: str | None, text: str | None = None, show: str = "label") -> Markup:
        """A link to a term's anchor (or to an external IRI), labelled for display."""
        if iri is None:
            return Markup("")
        term = self.terms.get(str(iri))
        if text is None:
            if show in ("notation", "short") and term and term.notation:
                text = term.notation
            elif show == "short" and term:
                text = short_label(term.label)
            elif show == "curie" or not term or not term.page:
                text = curie(str(iri))
            else:
                text = term.label
        href = self.href(iri)
        if href is None:
            return Markup("<code>{}</code>").format(text)
        title = term.label if term else str(iri)
        css = "" if term and term.page else ' class="ext"'
        return Markup('<a href="{}" title="{}"{}>{}</a>').format(href, title, Markup(css), text)

    def refs(self, iris: Iterable[str], show: str = "label", sep: str = ", ") -> Markup:
        return Markup(sep).join(self.ref(i, show=show) for i in iris)


# -- gathering ------------------------------------------------------------------------------
DOCS_QUERIES = (
    "ontology_header",
    "ontology_modules",
    "term_counts",
    "terms",
    "links",
    "practices",
    "dimensions",
    "levels",
    "phases",
    "pipelines",
    "interfaces",
    "artefacts",
    "classes",
    "properties",
    "external_models",
    "external_criteria",
    "sources",
    "units",
    "metric_categories",
    "metrics",
    "clusters",
    "benchmarks",
    "thresholds",
    "term_facts",
    "signals",
)


def gather(store: GraphStore) -> dict[str, list[dict]]:
    """The rows of every documentation query, by query name (without ``docs/``)."""
    return {name: store.select(f"docs/{name}") for name in DOCS_QUERIES}


def split(value: object, sep: str = "|") -> list[str]:
    return [part for part in str(value).split(sep) if part.strip()] if value else []


def number(value: object) -> str:
    """Numbers as written in the ontology: 168.0 -> 168, 0.016666666667 unchanged."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else ("yes" if value else "no")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def facts_by_term(rows: Iterable[Mapping]) -> dict[str, list[tuple[str, object]]]:
    facts: dict[str, list[tuple[str, object]]] = defaultdict(list)
    for row in rows:
        facts[str(row["term"])].append((str(row["propertyLabel"] or row["property"]), row["value"]))
    return dict(facts)


@dataclass(frozen=True)
class Literals:
    """The literal values of the ontology's own datatype properties, by term and property."""

    values: dict[tuple[str, str], list[object]]

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping]) -> Literals:
        values: dict[tuple[str, str], list[object]] = defaultdict(list)
        for row in rows:
            values[(str(row["term"]), str(row["property"]))].append(row["value"])
        return cls({k: sorted(v, key=str) for k, v in values.items()})

    def __call__(self, term: str, prop: str) -> list[object]:
        return self.values.get((str(term), expand(prop)), [])


def group_by(rows: Iterable[Mapping], key: str) -> dict[str, list[Mapping]]:
    grouped: dict[str, list[Mapping]] = defaultdict(list)
    for row in rows:
        grouped[str(row[key])].append(row)
    return dict(grouped)


@dataclass
class Site:
    """Everything the templates need: the query rows and the term index."""

    data: dict[str, list[dict]]
    index: SiteIndex

    @classmethod
    def from_store(cls, store: GraphStore) -> Site:
        data = gather(store)
        return cls(data, SiteIndex.build(data["terms"], data["links"]))

    @property
    def header(self) -> dict:
        rows = self.data["ontology_header"]
        if not rows:
            raise InputError(
                "the ontology has no header (an owl:Ontology that imports the modules)",
                fix="check ontology/cmlops.ttl",
            )
        return rows[0]

    def context(self) -> dict:
        practices = self.data["practices"]
        return {
            "site": self,
            "ix": self.index,
            "d": self.data,
            "header": self.header,
            "pages": PAGES,
            "version": __version__,
            "practices_by_dimension": group_by(practices, "dimension"),
            "practices_by_level": group_by(practices, "level"),
            "criteria_by_model": group_by(self.data["external_criteria"], "model"),
            "thresholds_by_benchmark": group_by(self.data["thresholds"], "benchmark"),
            "facts": facts_by_term(self.data["term_facts"]),
            "literals": Literals.from_rows(self.data["term_facts"]),
            "foreign_values": self.index.foreign_values(),
            "cmlops_model": CMLOPS_MODEL,
            "anchor_map": json.dumps(self.index.anchor_map(), sort_keys=True),
        }


# -- rendering ------------------------------------------------------------------------------
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(
        split=split,
        number=number,
        curie=curie,
        local_name=local_name,
        anchor=anchor_for,
        paragraphs=paragraphs,
        short_label=short_label,
    )
    return env


def paragraphs(text: object) -> Markup:
    """Plain text as HTML paragraphs (blank lines split; single newlines are spaces)."""
    if not text:
        return Markup("")
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", str(text))]
    return Markup("").join(Markup("<p>{}</p>").format(b) for b in blocks if b)


def short_label(label: object) -> str:
    """A name without its model prefix: "Kreuzberger P4: Versioning" -> "Versioning"."""
    text = str(label or "")
    head, sep, tail = text.partition(": ")
    return tail if sep and len(head) < 40 else text


def render_site(site: Site) -> dict[str, str]:
    """The site's files by name: one HTML file per page, and the static assets."""
    env = environment()
    context = site.context()
    files = {}
    for page in PAGES:
        template = env.get_template(page.file.replace(".html", ".html.j2"))
        files[page.file] = template.render(page=page, **context)
    for name in STATIC_FILES:
        files[name] = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
    return files


def build_site(store: GraphStore | None = None) -> dict[str, str]:
    """Load the ontology (unless a store is given) and render the documentation."""
    if store is None:
        store = EmbeddedStore()
        store.load_ontology()
    return render_site(Site.from_store(store))


def write_site(target: Path, force: bool = False, store: GraphStore | None = None) -> Path:
    check_target(Path(target), DOCS_MARKER, "docs", force)  # fail before the slow part
    return write_tree(Path(target), build_site(store), DOCS_MARKER, "docs", force)

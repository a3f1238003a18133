"""Static HTML documentation of the ontology: ``cmlops-kg docs -o site/``.

Every page is rendered with Jinja2 (``templates/docs/``) from the answers of the documentation
queries (``queries/docs/*.rq``) over the embedded store, so what the pages say is what the
query library returns. Each documented term gets one anchor, site-wide unique and stable:

* terms in the cmlops namespace: ``#<local name>`` of their IRI
  (``practices.html#model-versioning``);
* individuals from other vocabularies that the ontology describes (the EARL test modes):
  ``#<prefix>-<local name>`` (``classes.html#earl-manual``);
* page sections that are not terms start with ``sec-``, which no term IRI does.

The pages: the overview (how an organisation is judged, levels, dimensions, phases); the
practice catalogue with every practice's criteria, the failure modes they guard and the external
levels that require them; the pipelines, interfaces and failure modes with an inline SVG diagram
(:func:`interface_diagram`, no script); context factors, applicability rules and target
profiles; the external models, where each level lists its published statements in order and
each crosswalk requirement stands next to the first sentence it encodes (:func:`level_views`);
obligations of regulation; metrics, signals, classes, properties, sources and the A-Z index.
Everything is escaped by Jinja's autoescaping; only http, https and mailto addresses become
links (:func:`safe_url`).

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
    Page("interfaces.html", "Pipelines, interfaces and failure modes", "Interfaces"),
    Page("context.html", "Context, applicability and targets", "Context"),
    Page("external.html", "External models and crosswalk", "External models"),
    Page("obligations.html", "Obligations and regulation", "Obligations"),
    Page("metrics.html", "Outcome metrics and benchmarks", "Metrics"),
    Page("signals.html", "Repository signals", "Signals"),
    Page("classes.html", "Classes and controlled values", "Classes"),
    Page("properties.html", "Properties", "Properties"),
    Page("sources.html", "Sources", "Sources"),
    Page("terms.html", "Term index A-Z", "Terms A-Z"),
)

# Where a term is documented, by its asserted type (first match wins).
_PAGE_BY_TYPE = (
    (("DevOpsPractice", "MLOpsPractice", "Criterion"), "practices.html"),
    (("LifecyclePhase", "MaturityLevel", "Dimension"), "index.html"),
    (
        ("Pipeline", "PipelineInterface", "Artefact", "Contract", "FailureMode"),
        "interfaces.html",
    ),
    (("ContextFactor", "ContextValue", "ApplicabilityRule", "TargetProfile"), "context.html"),
    (
        (
            "ExternalLevel",
            "TestSection",
            "ScoreBand",
            "ExternalCriterion",
            "PublishedStatement",
            "Requirement",
        ),
        "external.html",
    ),
    (("Obligation",), "obligations.html"),
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
    "criteria",
    "statements",
    "requirements",
    "failure_modes",
    "context_factors",
    "applicability_rules",
    "target_levels",
    "obligations",
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


def natural_key(text: object) -> tuple:
    """Sort "G1-2" before "G1-10" and "Art. 9" before "Art. 10"."""
    parts = re.split(r"(\d+)", str(text or ""))
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in parts if p)


_LINK_SCHEMES = re.compile(r"(https?:|mailto:)", re.IGNORECASE)


def safe_url(value: object) -> str | None:
    """A web address to link to: http, https or mailto only (anything else is not linked)."""
    text = str(value or "").strip()
    return text if _LINK_SCHEMES.match(text) and not re.search(r"\s", text) else None


# What a statement's modality means for the crosswalk (only "is" and "must" make requirements).
MODALITY_WORDS = {
    "is": "characteristic of the level",
    "must": "must",
    "should": "should (advice)",
    "ideally": "ideally",
    "optional": "optional (can)",
    "hedged": "hedged",
    "limitation": "what the level still lacks",
    "product-specific": "names one vendor's product",
}
REQUIRING_MODALITIES = ("is", "must")
GUARD_KINDS = (
    ("prevents", "Prevented by", "prevents"),
    ("detects", "Detected by", "detects"),
    ("recovers", "Recovered by", "recovers from"),
    ("guards", "Guarded by", "guards"),
)


@dataclass
class LevelView:
    """One external level: its published statements in order, and where each requirement sits.

    A requirement is shown next to the first of its statements (in the level's order); the
    other statements it encodes point to it.
    """

    level: str
    statements: list[Mapping]
    requirements: list[str]
    shown_at: dict[str, list[str]]  # statement -> requirements shown next to it
    also_at: dict[str, list[str]]  # statement -> requirements shown next to an earlier one
    unplaced: list[str]  # requirements that encode none of the level's statements
    repeats: dict[str, list[str]] = field(default_factory=dict)  # statement -> same words below

    def others(self, ix: SiteIndex, requirement: str, statement: str) -> list[str]:
        """The statements a requirement encodes besides the one it is shown next to."""
        order = {str(s["statement"]): i for i, s in enumerate(self.statements)}
        found = [s for s in ix.out(requirement, "cmlops:encodes") if s != statement]
        return sorted(found, key=lambda s: (order.get(s, len(order)), natural_key(s)))


def statement_key(row: Mapping) -> tuple:
    order = row.get("order")
    return (order is None, order or 0, natural_key(row.get("notation")), str(row["statement"]))


def level_views(ix: SiteIndex, statements: list[Mapping], requirements: list[Mapping]) -> dict:
    by_level = group_by([s for s in statements if s.get("level")], "level")
    reqs_by_level = group_by([r for r in requirements if r.get("level")], "level")
    # a statement that makes no requirement may repeat, word for word, one that makes a
    # requirement at a level it builds on (cumulative levels keep it)
    encoded_by_quote: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in statements:
        if row.get("requirements") and row.get("level"):
            key = (str(row["level"]), " ".join(str(row.get("quote") or "").split()).lower())
            encoded_by_quote[key].append(str(row["statement"]))
    views = {}
    for level in set(by_level) | set(reqs_by_level):
        rows = sorted(by_level.get(level, []), key=statement_key)
        position = {str(r["statement"]): i for i, r in enumerate(rows)}
        shown_at: dict[str, list[str]] = defaultdict(list)
        also_at: dict[str, list[str]] = defaultdict(list)
        placed, unplaced = [], []
        for req in reqs_by_level.get(level, []):
            iri = str(req["requirement"])
            here = sorted((position[s], s) for s in ix.out(iri, "cmlops:encodes") if s in position)
            if not here:
                unplaced.append(iri)
                continue
            placed.append((here[0][0], natural_key(ix.label(iri)), iri))
            shown_at[here[0][1]].append(iri)
            for _, s in here[1:]:
                also_at[s].append(iri)
        below = [b for b in ix.cumulative(level, "cmlops:buildsOn", "cmlops:buildsOn")]
        repeats = {}
        for row in rows:
            if row.get("requirements"):
                continue
            words = " ".join(str(row.get("quote") or "").split()).lower()
            same = [s for b in below for s in encoded_by_quote.get((b, words), [])]
            if same:
                repeats[str(row["statement"])] = same
        views[level] = LevelView(
            level=level,
            repeats=repeats,
            statements=rows,
            requirements=[iri for *_, iri in sorted(placed)] + ix.sort(unplaced),
            shown_at={
                k: sorted(v, key=lambda i: natural_key(ix.label(i))) for k, v in shown_at.items()
            },
            also_at={
                k: sorted(v, key=lambda i: natural_key(ix.label(i))) for k, v in also_at.items()
            },
            unplaced=ix.sort(unplaced),
        )
    return views


def asks(ix: SiteIndex, requirement: str) -> list[str]:
    """What a requirement asks for: practices, then criteria (several: alternatives)."""
    return ix.out(requirement, "cmlops:requiresPractice") + ix.out(
        requirement, "cmlops:requiresCriterion"
    )


def required_by(ix: SiteIndex, requirements: list[Mapping], model_order: dict) -> dict:
    """Practice -> the requirements asking for it or for one of its criteria (which one)."""
    found: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for row in requirements:
        req = str(row["requirement"])
        for practice in ix.out(req, "cmlops:requiresPractice"):
            found[practice].append((req, None))
        for criterion in ix.out(req, "cmlops:requiresCriterion"):
            practice = ix.first(criterion, "cmlops:criterionOf")
            if practice:
                found[practice].append((req, criterion))
    rank = {str(r["requirement"]): (r.get("model"), r.get("rank")) for r in requirements}

    def key(item: tuple[str, str | None]) -> tuple:
        model, level_rank = rank[item[0]]
        return (model_order.get(str(model), 99), level_rank or 0, natural_key(ix.label(item[0])))

    return {p: sorted(set(v), key=key) for p, v in found.items()}


def guards_of(ix: SiteIndex, failure_mode: str) -> list[tuple[str, str, list[str]]]:
    """(kind, heading, guards) for each way a failure mode is guarded that has a guard."""
    rows, seen = [], set()
    for prop, heading, _ in GUARD_KINDS:
        found = [g for g in ix.inv(failure_mode, f"cmlops:{prop}") if (prop, g) not in seen]
        if prop == "guards":  # the super-property: only guards not stated more precisely
            found = [g for g in found if g not in {x for _, x in seen}]
        seen.update((prop, g) for g in found)
        if found:
            rows.append((prop, heading, found))
    return rows


def guarded(ix: SiteIndex, item: str) -> list[tuple[str, list[str]]]:
    """(verb, failure modes) for each way a practice or criterion guards failure modes."""
    return [
        (verb, ix.out(item, f"cmlops:{prop}"))
        for prop, _, verb in GUARD_KINDS
        if ix.out(item, f"cmlops:{prop}")
    ]


def interface_diagram(
    ix: SiteIndex,
    pipelines: list[Mapping],
    interfaces: list[Mapping],
    ids: str = "sec-diagram",
    page: str = "",
) -> Markup:
    """The pipelines as boxes in a row and the interfaces as numbered arrows, as inline SVG.

    Interfaces between neighbours run straight; longer forward ones arc above the boxes and
    backward ones (feedback) below. Boxes and numbers link to their sections (on ``page``, or
    the page the diagram is on); no script. ``ids`` prefixes the diagram's own element ids.
    """
    nodes = [str(p["pipeline"]) for p in pipelines]
    external = {str(p["pipeline"]) for p in pipelines if p.get("external")}
    index = {n: i for i, n in enumerate(nodes)}
    box_w, box_h, gap, margin = 176, 62, 88, 16
    edges = []
    for number, row in enumerate(interfaces, 1):
        a, b = str(row.get("from") or ""), str(row.get("to") or "")
        if a in index and b in index and a != b:
            edges.append((number, str(row["interface"]), index[a], index[b]))

    def side(i: int, j: int) -> str:
        return "line" if j - i == 1 else ("above" if j > i else "below")

    # spread the ends of arcs over the side of a box
    ends: dict[tuple[int, str], list[tuple[int, int]]] = defaultdict(list)
    for number, _, i, j in edges:
        if side(i, j) != "line":
            ends[(i, side(i, j))].append((j, number))
            ends[(j, side(i, j))].append((i, number))
    attach: dict[tuple[int, int], float] = {}
    for (node, _), items in ends.items():
        # nested, not crossing: ends towards the left first (nearest first), then those towards
        # the right (farthest first), so a longer arc always attaches outside a shorter one
        items.sort(key=lambda end: (end[0] > node, -end[0], end[1]))
        for k, (_, number) in enumerate(items):
            x0 = margin + node * (box_w + gap)
            attach[(node, number)] = x0 + box_w * (k + 1) / (len(items) + 1)
    stacked: dict[tuple[str, int], int] = defaultdict(int)
    heights = {}
    for number, _, i, j in edges:
        where = side(i, j)
        if where != "line":
            span = abs(j - i)
            heights[number] = 44 + 40 * (span - 1) + 22 * stacked[(where, span)]
            stacked[(where, span)] += 1
    above = max(
        [0] + [0.75 * h for n, _, i, j in edges if side(i, j) == "above" for h in [heights[n]]]
    )
    below = max(
        [0] + [0.75 * h for n, _, i, j in edges if side(i, j) == "below" for h in [heights[n]]]
    )
    top = 14 + above + 14
    width = 2 * margin + len(nodes) * box_w + max(0, len(nodes) - 1) * gap
    height = top + box_h + below + 28
    out = [
        Markup(
            '<svg class="diagram" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
            'aria-labelledby="{ids}-title" xmlns="http://www.w3.org/2000/svg">'
        ).format(w=int(width), h=int(height), ids=ids),
        Markup('<title id="{}-title">{}</title>').format(
            ids,
            "The pipelines and boundaries of an ML system and the numbered interfaces between them",
        ),
        Markup(
            '<defs><marker id="{}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
            'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
            '<path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>'
        ).format(ids),
    ]
    for k, node in enumerate(nodes):
        x = margin + k * (box_w + gap)
        lines = wrap(ix.label(node), 20)[:2]
        css = "node ext" if node in external else "node"
        out.append(Markup('<a href="{}#{}" class="{}">').format(page, anchor_for(node), css))
        out.append(Markup("<title>{}</title>").format(ix.label(node)))
        out.append(
            Markup('<rect x="{}" y="{}" width="{}" height="{}" rx="8"/>').format(
                x, int(top), box_w, box_h
            )
        )
        sub = "owned by others" if node in external else ""
        rows = [*lines, sub] if sub else lines
        y0 = top + box_h / 2 - (len(rows) - 1) * 8 + 5
        for n, text in enumerate(rows):
            cls = ' class="sub"' if sub and n == len(rows) - 1 else ""
            out.append(
                Markup('<text x="{}" y="{}" text-anchor="middle"{}>{}</text>').format(
                    x + box_w / 2, round(y0 + 16 * n, 1), Markup(cls), text
                )
            )
        out.append(Markup("</a>"))
    for number, iface, i, j in edges:
        where = side(i, j)
        if where == "line":
            x1 = margin + i * (box_w + gap) + box_w
            x2 = margin + j * (box_w + gap)
            y = top + box_h / 2
            path = f"M{x1 + 2:.1f},{y:.1f} L{x2 - 2:.1f},{y:.1f}"
            cx, cy = (x1 + x2) / 2, y
        else:
            h = heights[number]
            x1, x2 = attach[(i, number)], attach[(j, number)]
            y = top if where == "above" else top + box_h
            c = y - h if where == "above" else y + h
            path = f"M{x1:.1f},{y:.1f} C{x1:.1f},{c:.1f} {x2:.1f},{c:.1f} {x2:.1f},{y:.1f}"
            cx, cy = (x1 + x2) / 2, (y + 3 * c) / 4
        css = "edge back" if where == "below" else "edge"
        out.append(
            Markup('<path d="{}" class="{}" marker-end="url(#{}-arrow)"/>').format(path, css, ids)
        )
        out.append(Markup('<a href="{}#{}" class="num">').format(page, anchor_for(iface)))
        out.append(Markup("<title>{}. {}</title>").format(number, ix.label(iface)))
        out.append(Markup('<circle cx="{:.1f}" cy="{:.1f}" r="12"/>').format(cx, cy))
        out.append(
            Markup('<text x="{:.1f}" y="{:.1f}" text-anchor="middle">{}</text>').format(
                cx, cy + 4.5, number
            )
        )
        out.append(Markup("</a>"))
    out.append(Markup("</svg>"))
    return Markup("").join(out)


def wrap(text: str, width: int) -> list[str]:
    """Words into lines of at most ``width`` characters (a longer word gets a line of its own)."""
    lines: list[str] = []
    for word in str(text).split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def target_matrix(rows: list[Mapping]) -> list[dict]:
    """Target profiles in order, each with its label, texts and {dimension: rank}."""
    profiles: dict[str, dict] = {}
    for row in rows:
        iri = str(row["profile"])
        entry = profiles.setdefault(iri, {**row, "profile": iri, "ranks": {}})
        if row.get("dimension") is not None:
            entry["ranks"][str(row["dimension"])] = row["rank"]
    return list(profiles.values())


def context_factors(rows: list[Mapping]) -> list[dict]:
    factors: dict[str, dict] = {}
    for row in rows:
        iri = str(row["factor"])
        entry = factors.setdefault(iri, {**row, "factor": iri, "values": []})
        if row.get("value") is not None:
            entry["values"].append(row)
    return list(factors.values())


def obligations_by_source(ix: SiteIndex, rows: list[Mapping]) -> list[tuple[str | None, list]]:
    """Obligations grouped by their first source (the regulation or standard), in id order."""
    grouped: dict[str | None, list[Mapping]] = defaultdict(list)
    for row in rows:
        grouped[ix.first(row["obligation"], "dcterms:source")].append(row)
    return [
        (
            source,
            sorted(
                items,
                key=lambda r: (
                    r.get("order") is None,
                    r.get("order") or 0,
                    natural_key(r.get("notation") or r.get("label")),
                ),
            ),
        )
        for source, items in sorted(grouped.items(), key=lambda kv: ix.label(kv[0] or "").lower())
    ]


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
        ix = self.index
        model_order = {str(m["model"]): i for i, m in enumerate(self.data["external_models"])}
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
            "anchor_map": json.dumps(self.index.anchor_map(), sort_keys=True).replace(
                "<", "\\u003c"
            ),
            "criteria_by_practice": group_by(self.data["criteria"], "practice"),
            "requirement_rows": {str(r["requirement"]): r for r in self.data["requirements"]},
            "statement_rows": {str(s["statement"]): s for s in self.data["statements"]},
            "level_views": level_views(ix, self.data["statements"], self.data["requirements"]),
            "required_by": required_by(ix, self.data["requirements"], model_order),
            "failure_modes_by_interface": group_by(
                [f for f in self.data["failure_modes"] if f.get("interface")], "interface"
            ),
            "diagram": interface_diagram(ix, self.data["pipelines"], self.data["interfaces"]),
            "index_diagram": interface_diagram(
                ix,
                self.data["pipelines"],
                self.data["interfaces"],
                ids="sec-index-diagram",
                page="interfaces.html",
            ),
            "factors": context_factors(self.data["context_factors"]),
            "targets": target_matrix(self.data["target_levels"]),
            "obligation_groups": obligations_by_source(ix, self.data["obligations"]),
            "modality_words": MODALITY_WORDS,
            "requiring_modalities": REQUIRING_MODALITIES,
            "asks": lambda req: asks(ix, req),
            "guards_of": lambda fm: guards_of(ix, fm),
            "guarded": lambda item: guarded(ix, item),
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
        safe_url=safe_url,
        natural_sort=lambda items, attribute=None: sorted(
            items, key=lambda i: natural_key(i.get(attribute) if attribute else i)
        ),
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

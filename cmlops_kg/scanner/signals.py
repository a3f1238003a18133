"""The signal catalogue, read from the ontology (ontology/signals.ttl) by queries/signals.rq.

The scanner has no list of tools or practices of its own: every detector is built from these
rows, and the practices it can report are the ones the signals name.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from cmlops_kg.errors import InputError
from cmlops_kg.present.words import counted
from cmlops_kg.rdf.ontology import ontology_files
from cmlops_kg.scanner import gates, patterns
from cmlops_kg.scanner.ci.steps import StepMapping
from cmlops_kg.scanner.gates import COMMON, analyse
from cmlops_kg.scanner.paths import EvidenceScope
from cmlops_kg.scanner.patterns import Branches, ContentPattern, LazyRegex, branch_analysis
from cmlops_kg.sparql.library import get_query
from cmlops_kg.store.base import GraphStore
from cmlops_kg.store.cache import cached_bytes, source_key
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.vocab import CMLOPS

T = TypeVar("T")
STRENGTH_RANK = {"strength-present": 1, "strength-configured": 2, "strength-executed": 3}
TRIGGERS = {"ci-trigger-change", "ci-trigger-schedule", "ci-trigger-manual", "ci-trigger-event"}
TRIGGER_KINDS = {t.removeprefix("ci-trigger-") for t in TRIGGERS}
WHERE = "ontology/signals.ttl"
# the ontology modules the catalogue needs (signals, their strengths, the practices): loading
# only these keeps a scan's start quick
SCANNER_MODULES = (
    "cmlops.ttl",
    "core.ttl",
    "practices.ttl",
    "genai.ttl",
    "supply-chain.ttl",
    "signals.ttl",
)


def _rarity(word: str) -> int:
    return 0 if word in COMMON else len(word)


def local(iri: str) -> str:
    return iri[len(CMLOPS) :] if iri.startswith(CMLOPS) else iri


@dataclass
class Signal:
    iri: str
    label: str
    definition: str
    tool: str
    strength: str  # local name: strength-present | strength-configured | strength-executed
    weight: float
    negative: bool = False
    practices: list[str] = field(default_factory=list)
    contradicts: list[str] = field(default_factory=list)
    globs: list[str] = field(default_factory=list)
    absent_globs: list[str] = field(default_factory=list)
    patterns: list[ContentPattern] = field(default_factory=list)
    ci_patterns: list[LazyRegex] = field(default_factory=list)
    triggers: set[str] = field(default_factory=set)  # change | schedule | manual | event
    excluded_triggers: set[str] = field(default_factory=set)  # alone, these do not match
    trigger_pattern: LazyRegex | None = None
    executed_by: list[str] = field(default_factory=list)
    penalty: float = 0.0
    tracked_only: bool = False
    run_when_named: bool | None = None  # None: configured signals yes, present ones no
    requires: list[str] = field(default_factory=list)  # signals that must match as well
    whole_repository: bool = False  # a CI match of one monorepo folder shows only part

    @property
    def name(self) -> str:
        return local(self.iri)

    @property
    def gate(self) -> frozenset[str] | None:
        """Whole words of which every matching file contains one (the most selective)."""
        gates = [p.words for p in self.patterns if p.words]
        best = max(gates, key=lambda g: (min(_rarity(w) for w in g), -len(g))) if gates else None
        if best is None or min(_rarity(w) for w in best) == 0:
            return None  # no gate, or only common words ("def"): check literals instead
        return best

    @property
    def literal_sets(self) -> tuple[tuple[bytes, ...], ...]:
        """Per pattern, ASCII literals of which a matching file contains one."""
        return tuple(
            tuple(lit.encode("ascii") for lit in p.literals)
            for p in self.patterns
            if p.literals and all(lit.isascii() for lit in p.literals)
        )

    @property
    def rank(self) -> int:
        return STRENGTH_RANK[self.strength]

    @property
    def is_ci(self) -> bool:
        return bool(self.ci_patterns)

    def describe(self) -> str:
        """What the signal looks for, for explanations of what was not found."""
        if self.is_ci:
            kinds = ", ".join(sorted(self.triggers)) or "any trigger"
            return (
                f"a CI job ({kinds}) matching {counted(len(self.ci_patterns), 'command pattern')}"
            )
        where = ", ".join(self.globs[:4]) + (" ..." if len(self.globs) > 4 else "")
        return where + (" with matching content" if self.patterns else "")


@dataclass
class SignalCatalogue:
    signals: list[Signal]
    practice_labels: dict[str, str]
    uncovered: list[str]  # practices no signal can evidence (labels), for explanations
    weights: dict[int, float]  # strength rank -> the confidence it gives (cmlops:signalWeight)
    mappings: tuple[StepMapping, ...] = ()  # CI steps as the commands they stand for
    scopes: list[EvidenceScope] = field(default_factory=list)  # restricted evidence paths

    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    def by_iri(self) -> dict[str, Signal]:
        return {s.iri: s for s in self.signals}

    def cached(self, name: str, build: Callable[[], T]) -> T:
        """Something derived from the signals (e.g. glob indexes), built once per catalogue."""
        if name not in self._cache:
            self._cache[name] = build()
        return self._cache[name]  # type: ignore[return-value]


def _compile(source: str, signal: str, what: str) -> re.Pattern[str]:
    try:
        return re.compile(source)
    except re.error as exc:
        raise InputError(
            f"signal {local(signal)} has an invalid {what} {source!r}: {exc}",
            where=WHERE,
            fix="write a Python regular expression (inline flags such as (?i) only at the start)",
        ) from exc


def scanner_store() -> EmbeddedStore:
    """An embedded store holding the ontology modules the scanner reads."""
    store = EmbeddedStore()
    store.load_ontology([f for f in ontology_files() if f.name in SCANNER_MODULES])
    return store


# the queries the catalogue is read with (their rows are what the disk cache keeps)
CATALOGUE_QUERIES = ("signals", "signal_coverage", "docs/term_facts", "docs/links")
Rows = dict[str, list[dict[str, object]]]


def catalogue_rows(store: GraphStore) -> Rows:
    return {name: store.select(name) for name in CATALOGUE_QUERIES}


def _catalogue_files() -> list[Path]:
    files = [f for f in ontology_files() if f.name in SCANNER_MODULES]
    return files + [get_query(name).path for name in CATALOGUE_QUERIES]


# the properties of docs/term_facts and docs/links that the catalogue reads (see _facts): the
# queries return every term's facts and links, ten times as many rows
FACTS_READ = frozenset(
    {
        "wholeRepository",
        "ciStepPattern",
        "ciStepInputPattern",
        "standsForCommand",
        "ciScriptInput",
        "scopeGlob",
        "scopeRequiresFile",
        "scopeUnlessFile",
        "scopeIgnoresFile",
        "scopeLimitsEveryPractice",
        "scopePerFolder",
        "scopeYieldsAtShare",
        "scopeShareOfFile",
    }
)
LINKS_READ = frozenset(
    {"requiresSignal", "ciTriggerExcluded", "scopeAllowsPractice", "scopeLimitsPractice"}
)


def _pruned(rows: Rows) -> Rows:
    """The rows without the facts and links the catalogue does not read: the cached file is
    parsed at the start of every scan."""
    return {
        **rows,
        "docs/term_facts": [
            r for r in rows["docs/term_facts"] if local(str(r["property"])) in FACTS_READ
        ],
        "docs/links": [r for r in rows["docs/links"] if local(str(r["property"])) in LINKS_READ],
    }


def _cached_rows() -> Rows:
    """The catalogue queries' rows over the scanner's modules (those it reads), kept as JSON in
    the user cache under a hash of those modules, the queries and this module, which prunes
    them (see cmlops_kg.store.cache): a scan then starts without loading the ontology into a
    store at all."""
    name = f"signals-{source_key([*_catalogue_files(), Path(__file__)])}.json"

    def build() -> bytes:
        rows = _pruned(catalogue_rows(scanner_store()))
        return json.dumps(rows, default=str).encode("utf-8")

    try:
        rows = json.loads(cached_bytes(name, build))
    except ValueError:  # cannot happen for a file that passed its checksum; rebuild anyway
        rows = json.loads(build())
    return rows


# the rows whose values are regular expressions, and what the error message calls them
REGEX_KEYS = {
    "pattern": "content pattern",
    "ciPattern": "CI command pattern",
    "triggerPattern": "CI trigger pattern",
}
Analysis = dict[str, tuple[frozenset[str] | None, tuple[str, ...] | None, Branches | None]]


def _checked_regexes(rows: Rows) -> dict[str, list]:
    """Every regular expression of the catalogue compiled once, in the order loading reads
    them (the first invalid one raises InputError), and the analysis (gates.py) of each:
    (gate words, literals, and for content patterns their outermost alternatives with their
    literals, patterns.py), as JSON."""
    analysed: dict[str, list] = {}

    def check(text: str, where: str, what: str) -> None:
        _compile(text, where, what)
        if text not in analysed:
            words, literals = analyse(text)
            analysed[text] = [
                None if words is None else sorted(words),
                None if literals is None else list(literals),
                None,
            ]
        if what in (REGEX_KEYS["pattern"], REGEX_KEYS["ciPattern"]):  # split (patterns.py)
            branches = branch_analysis(text)
            analysed[text][2] = (
                None
                if branches is None
                else [[part, [list(lits) for lits in sets]] for part, sets in branches]
            )

    for row in rows["signals"]:
        key = str(row["key"])
        if key in REGEX_KEYS:
            check(str(row["value"]), str(row["signal"]), REGEX_KEYS[key])
    facts, _links = _facts(rows)
    for term, values in sorted(facts.items()):
        if "ciStepPattern" in values:
            check(values["ciStepPattern"][0], term, "CI step pattern")
            for p in sorted(values.get("ciStepInputPattern", [])):
                check(p, term, "CI step input pattern")
    return analysed


def _analysis(rows: Rows, cached: bool) -> Analysis:
    """The checked regexes' analysis: from the user cache for the bundled ontology (under a
    hash of what the rows are read from, of gates.py, which analyses, of this module, which
    writes it, and of the Python version, whose regex parser checks), so that a scan compiles
    only the regexes it uses."""
    if cached:
        files = [*_catalogue_files(), Path(gates.__file__), Path(patterns.__file__), Path(__file__)]
        version = f"py{sys.version_info[0]}.{sys.version_info[1]}"
        name = f"signal-regexes-{source_key(files)}-{version}.json"
        try:
            data = json.loads(
                cached_bytes(name, lambda: json.dumps(_checked_regexes(rows)).encode("utf-8"))
            )
        except ValueError:  # cannot happen for a file that passed its checksum
            data = _checked_regexes(rows)
    else:
        data = _checked_regexes(rows)
    return {
        text: (
            None if words is None else frozenset(words),
            None if literals is None else tuple(literals),
            None
            if branches is None
            else tuple((part, tuple(tuple(lits) for lits in sets)) for part, sets in branches),
        )
        for text, (words, literals, branches) in data.items()
    }


def load_catalogue(store: GraphStore | None = None) -> SignalCatalogue:
    """Build the detectors from the ontology's signal data (from ``store``, or by default
    from the bundled ontology, whose query rows are cached)."""
    rows = _cached_rows() if store is None else catalogue_rows(store)
    analysis = _analysis(rows, cached=store is None)  # every regex checked; none compiled
    signals: dict[str, Signal] = {}
    for row in rows["signals"]:
        iri = str(row["signal"])
        sig = signals.get(iri)
        if sig is None:
            sig = signals[iri] = Signal(
                iri=iri,
                label=str(row["label"]),
                definition=str(row["definition"] or ""),
                tool=str(row["tool"] or ""),
                strength=local(str(row["strength"])),
                weight=float(row["weight"]),  # type: ignore[arg-type]
                negative=bool(row["negative"]),
            )
        _add(sig, str(row["key"]), row["value"], analysis)
    coverage = rows["signal_coverage"]
    labels = {str(r["practice"]): str(r["label"]) for r in coverage}
    uncovered = [str(r["label"]) for r in coverage if int(r["signals"]) == 0]  # type: ignore[arg-type]
    weights = {STRENGTH_RANK.get(s.strength, 0): s.weight for s in signals.values()}
    for sig in signals.values():
        # all patterns must match, in any order; the most specific one goes first, so that it
        # fails fast and gives the quote
        sig.patterns.sort(key=_specificity, reverse=True)
    facts, links = _facts(rows)
    for subject, targets in links.get("requiresSignal", {}).items():
        if subject in signals:
            signals[subject].requires = sorted(targets)
    for subject, targets in links.get("ciTriggerExcluded", {}).items():
        if subject in signals:
            signals[subject].excluded_triggers = {
                local(t).removeprefix("ci-trigger-") for t in targets
            }
    for iri, sig in signals.items():
        flag = facts.get(iri, {}).get("wholeRepository", ["false"])[0]
        sig.whole_repository = flag.lower() == "true"
    catalogue = SignalCatalogue(
        sorted(signals.values(), key=lambda s: s.iri),
        labels,
        uncovered,
        weights,
        mappings=_mappings(facts, analysis),
        scopes=_scopes(facts, links),
    )
    _check(catalogue)
    return catalogue


Facts = dict[str, dict[str, list[str]]]  # term -> property (local name) -> values


def _facts(rows: Rows) -> tuple[Facts, dict[str, dict[str, list[str]]]]:
    """The scanner's further vocabulary: datatype facts of terms (docs/term_facts) and links
    between terms (docs/links), grouped by term and property."""
    facts: Facts = defaultdict(lambda: defaultdict(list))
    for row in rows["docs/term_facts"]:
        facts[str(row["term"])][local(str(row["property"]))].append(str(row["value"]))
    links: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for row in rows["docs/links"]:
        links[local(str(row["property"]))][str(row["subject"])].append(str(row["object"]))
    return facts, links


def _lazy(text: str, analysis: Analysis) -> LazyRegex:
    """A catalogue regex, compiled when first used and skipped (without compiling it) for
    ASCII text that lacks all of its literals; a CI command pattern is searched by its
    alternatives (of which a command line holds the literals of few)."""
    _words, literals, branches = analysis[text]
    return LazyRegex(text, literals, branches)


def _mappings(facts: Facts, analysis: Analysis) -> tuple[StepMapping, ...]:
    """The CI step mappings (their patterns were checked with the others: _checked_regexes)."""
    out = []
    for term, values in sorted(facts.items()):
        if "ciStepPattern" not in values:
            continue
        out.append(
            StepMapping(
                name=local(term),
                step=_lazy(values["ciStepPattern"][0], analysis),
                inputs=tuple(
                    _lazy(p, analysis) for p in sorted(values.get("ciStepInputPattern", []))
                ),
                stands_for=tuple(sorted(values.get("standsForCommand", []))),
                script_inputs=tuple(sorted(values.get("ciScriptInput", []))),
            )
        )
    return tuple(out)


def _scopes(facts: Facts, links: dict) -> list[EvidenceScope]:
    allowed = links.get("scopeAllowsPractice", {})
    limited = links.get("scopeLimitsPractice", {})
    out = []
    for term, values in sorted(facts.items()):
        if "scopeGlob" in values:
            practices = frozenset(allowed.get(term, []))
            out.append(
                EvidenceScope(
                    local(term),
                    term,
                    tuple(values["scopeGlob"]),
                    practices,
                    tuple(values.get("scopeRequiresFile", [])),
                    tuple(values.get("scopeUnlessFile", [])),
                    tuple(values.get("scopeIgnoresFile", [])),
                    frozenset(limited.get(term, [])),
                    _flag(values, "scopeLimitsEveryPractice"),
                    _flag(values, "scopePerFolder"),
                    yields_at=_share(values.get("scopeYieldsAtShare")),
                    share_of=tuple(values.get("scopeShareOfFile", [])),
                )
            )
    # scopes of every practice last: a test or an example in course material is one first
    return sorted(out, key=lambda scope: scope.every)


def _flag(values: dict[str, list[str]], key: str) -> bool:
    return values.get(key, ["false"])[0].lower() == "true"


def _share(values: list[str] | None) -> float | None:
    """A share between 0 and 1; any other value is ignored (the scope then never yields)."""
    try:
        share = float(values[0]) if values else None
    except ValueError:
        return None
    return share if share is not None and 0 <= share <= 1 else None


def _specificity(pattern: ContentPattern) -> tuple[int, int, str]:
    words = min((_rarity(w) for w in pattern.words), default=0) if pattern.words else 0
    literals = min((_rarity(s) for s in pattern.literals), default=0) if pattern.literals else 0
    return (words, literals, pattern.source)


def _add(sig: Signal, key: str, value: object, analysis: Analysis) -> None:
    text = str(value)
    if key == "practice":
        sig.practices.append(text)
    elif key == "contradicts":
        sig.contradicts.append(text)
    elif key == "glob":
        sig.globs.append(text)
    elif key == "absentGlob":
        sig.absent_globs.append(text)
    elif key == "pattern":
        words, literals, branches = analysis[text]
        sig.patterns.append(ContentPattern(text, words, literals, branches))
    elif key == "ciPattern":
        sig.ci_patterns.append(_lazy(text, analysis))
    elif key == "trigger":
        sig.triggers.add(local(text).removeprefix("ci-trigger-"))
    elif key == "triggerPattern":
        sig.trigger_pattern = _lazy(text, analysis)
    elif key == "executedBy":
        sig.executed_by.append(text)
    elif key == "penalty":
        sig.penalty = float(value)  # type: ignore[arg-type]
    elif key == "trackedOnly":
        sig.tracked_only = bool(value)
    elif key == "runWhenNamedByCi":
        sig.run_when_named = bool(value)


def _check(catalogue: SignalCatalogue) -> None:
    known = catalogue.by_iri()
    problems: list[str] = []
    missing = sorted(set(STRENGTH_RANK.values()) - set(catalogue.weights))
    if missing:
        problems.append(f"no signal has a strength of rank {missing} (its weight is unknown)")
    for sig in catalogue.signals:
        if sig.strength not in STRENGTH_RANK:
            problems.append(f"{sig.name}: unknown strength {sig.strength}")
        if bool(sig.globs) == bool(sig.ci_patterns):
            problems.append(f"{sig.name}: needs file globs or CI command patterns (not both)")
        if sig.negative and not sig.contradicts:
            problems.append(f"{sig.name}: a negative signal needs a contradicted practice")
        if not sig.negative and not sig.practices:
            problems.append(f"{sig.name}: names no evidenced practice")
        for iri in sig.practices + sig.contradicts:
            if iri not in catalogue.practice_labels:
                problems.append(f"{sig.name}: {local(iri)} is not a practice")
        for iri in sig.executed_by:
            if iri not in known or not known[iri].is_ci:
                problems.append(f"{sig.name}: executedBy {local(iri)} is not a CI signal")
        for iri in sig.requires:
            if iri not in known or iri == sig.iri:
                problems.append(f"{sig.name}: requiresSignal {local(iri)} is not another signal")
        if (sig.triggers | sig.excluded_triggers) - TRIGGER_KINDS:
            kinds = sorted(sig.triggers | sig.excluded_triggers)
            problems.append(f"{sig.name}: unknown CI trigger in {kinds}")
    for scope in catalogue.scopes:
        for iri in sorted((scope.practices | scope.present_only) - set(catalogue.practice_labels)):
            problems.append(f"{scope.name}: {local(iri)} is not a practice")
    for mapping in catalogue.mappings:
        if not mapping.stands_for and not mapping.script_inputs:
            problems.append(f"{mapping.name}: stands for no command and names no script input")
    if problems:
        raise InputError(
            "the signal catalogue is inconsistent: " + "; ".join(problems),
            where=WHERE,
            fix="correct the signals named above (cmlops-kg check validates the ontology)",
        )


def practices_by_signal(catalogue: SignalCatalogue) -> dict[str, list[Signal]]:
    """Practice IRI -> the signals that evidence or contradict it."""
    out: dict[str, list[Signal]] = defaultdict(list)
    for sig in catalogue.signals:
        for iri in sig.practices + sig.contradicts:
            out[iri].append(sig)
    return dict(out)

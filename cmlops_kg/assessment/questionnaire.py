"""The self-assessment questionnaire (model v2): generated from the ontology, answered in YAML,
imported as a profile that validates against the shapes.

The questionnaire asks, per dimension and practice, the practice's overall question and each
of its atomic criteria (``practice.criterion``). Every entry can be answered with a status in
words; a blank status is *unknown* (no evidence), never "no". A criterion's answer governs that
criterion; a whole-practice answer speaks for the practice's criteria that are not answered one
by one (docs/maturity-model.md, step 1). The answers file also declares the system's context
(one value per factor, from ``ontology/context.ttl``) and a target profile (a preset notation,
or a level per dimension). Everything the questionnaire lists - practices, criteria, context
factors and values, presets, applicability rules - is read from the ontology by the
``questionnaire*`` queries, so a criterion added in Turtle appears with no code change.

The answers file (what ``cmlops-kg questionnaire`` writes)::

    organisation: {name: Acme Analytics, iri: ''}     # iri derived from the name when empty
    assessment: {date: '2026-05-04', assessor: Ana, method: questionnaire}
    context:
      serving-mode: {factor: Serving mode, choices: {online: ..., batch: ...}, value: batch}
    target: {preset: batch-production, presets: {...}, levels: {...}}  # a preset or levels
    dimensions:
    - dimension: Data management and quality
      questions:
      - practice: data-validation           # one entry per practice
        question: ...
        status: ''                          # a whole-practice answer (optional)
        criteria:
        - criterion: data-validation.schema
          question: ...
          evidence: ...
          supporting: false
          status: implemented
          mode: automated
          justification: ''
          sources: [https://git.example.org/acme/schema.yaml]

``import`` reports every problem of a file at once, each located in words (dimension ›
practice › criterion › field), and writes nothing unless the whole file is right. YAML is read
safely (no Python objects, no aliases, a size, depth and node limit, dates and yes/no read as
text so that they are checked rather than silently converted).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import unicodedata
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import yaml

from cmlops_kg import vocab
from cmlops_kg.errors import InputError
from cmlops_kg.files import atomic_write
from cmlops_kg.rdf.profiles import Profile, profile_turtle
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.vocab import (
    CMLOPS,
    DCTERMS,
    EARL,
    ORG,
    PROV,
    RDF_TYPE,
    RDFS_LABEL,
    XSD,
    practice_key,
)

STATUS_IRIS: dict[str, str] = {
    "implemented": vocab.STATUSES["implemented"],
    "partial": vocab.STATUSES["partial"],
    "planned": vocab.STATUSES["planned"],
    "not-implemented": vocab.STATUSES["not-implemented"],
    "unknown": CMLOPS + "status-unknown",
    "not-applicable": vocab.STATUSES["not-applicable"],
}
STATUSES = list(STATUS_IRIS)  # in words, strongest first; unknown is an answer, blank is none
MODES = vocab.MODES
METHODS = {"questionnaire", "repository-scan", "audit"}  # what a person may declare
STATUS_ALIASES = {
    "not-in-place": "not-implemented",
    "no": "not-implemented",
    "n/a": "not-applicable",
}
MODE_ALIASES = {
    "automatic": "automated",
    "semiauto": "semi-automated",
    "semi-auto": "semi-automated",
}

PLACEHOLDER_IRI = "https://example.org/org/your-organisation"  # older templates wrote it
DEFAULT_BASE_IRI = "https://example.org/org/"
MAX_ANSWERS_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 32  # the format needs 8 levels
MAX_NODES = 200_000
MAX_ANSWERS = 5000
MAX_PROBLEMS_SHOWN = 100
SEP = " › "

TOP_KEYS = {"organisation", "assessment", "context", "target", "allowed", "dimensions", "answers"}
ORG_KEYS = {"iri", "name"}
ASSESSMENT_KEYS = {"iri", "date", "assessor", "method"}
ANSWER_FIELDS = {"status", "mode", "justification", "sources", "confidence"}
TEMPLATE_PRACTICE_KEYS = {"label", "level", "definition", "question", "not-applicable-when"}
PRACTICE_KEYS = {"practice", "criteria"} | ANSWER_FIELDS | TEMPLATE_PRACTICE_KEYS
TEMPLATE_CRITERION_KEYS = {"label", "question", "evidence", "supporting", "not-applicable-when"}
CRITERION_KEYS = {"criterion"} | ANSWER_FIELDS | TEMPLATE_CRITERION_KEYS
FLAT_KEYS = {"practice", "criterion"} | ANSWER_FIELDS | {"label", "question"}
FACTOR_KEYS = {"factor", "about", "choices", "value"}
TARGET_KEYS = {"preset", "presets", "levels"}

HEADER = """\
# cmlops-kg self-assessment questionnaire (maturity model v2).
#
# Each practice is judged through its criteria (key `practice.criterion`). Answer a criterion
# with `status`, one of:
#   implemented      in place and used routinely
#   partial          in place for some systems or some of the time (does not count as met)
#   planned          planned, not in place
#   not-implemented  not in place
#   unknown          you asked and nobody knows
#   not-applicable   does not apply here: needs a `justification` saying why
# A blank status means unknown (no evidence): unknown is not "no". It counts as missing for
# the proven level and as met for the potential level, and it is listed as a question to ask.
# `mode` (manual, semi-automated, automated) is how automated an implemented criterion is;
# `sources` lists URLs or file paths that back the answer (`confidence`: 0-1, optional).
#
# A practice's own `status` answers the whole practice at once: it speaks for every criterion
# of that practice you leave blank; a criterion's answer always governs that criterion.
# `supporting: true` criteria are asked and reported but do not decide their practice.
#
# `context`: set each factor's `value` to one of its `choices` (blank: not declared). Context
# makes some practices and criteria not applicable (`not-applicable-when`); your own answer
# for them still wins. `target`: a `preset` (one of `presets`) or a level 0-4 per dimension
# under `levels`, not both. Leave the organisation's `iri` empty to derive one from its name.
#
# Then run: cmlops-kg import THIS_FILE --out profile.ttl
"""


# -- the catalogue, read from the ontology -------------------------------------------------------
@dataclass(frozen=True)
class CriterionItem:
    iri: str
    key: str
    practice: str
    label: str
    question: str
    evidence: str
    required: bool


@dataclass(frozen=True)
class PracticeItem:
    iri: str
    key: str
    label: str
    level: int
    question: str
    definition: str
    dimension: str
    dimension_label: str
    criteria: tuple[CriterionItem, ...]


@dataclass(frozen=True)
class FactorValue:
    iri: str
    key: str
    label: str


@dataclass(frozen=True)
class Factor:
    iri: str
    key: str
    label: str
    definition: str
    values: tuple[FactorValue, ...]


@dataclass(frozen=True)
class Preset:
    iri: str
    notation: str
    label: str
    levels: dict[str, int]


@dataclass(frozen=True)
class Rule:
    iri: str
    excluded: str
    when: str | None
    when_factor: str | None
    unless: str | None
    unless_factor: str | None
    justification: str


@dataclass
class Catalogue:
    """What the questionnaire asks, as the ontology of a store declares it."""

    practices: dict[str, PracticeItem]
    criteria: dict[str, CriterionItem]
    dimensions: dict[str, str]  # IRI -> label, in order
    factors: dict[str, Factor]  # key -> factor, in order
    presets: dict[str, Preset]  # notation -> preset
    rules: list[Rule]
    value_labels: dict[str, str] = field(default_factory=dict)  # context value IRI -> label

    def not_applicable_when(self, iri: str) -> list[str]:
        """The contexts in which a rule answers a practice or criterion as not applicable."""
        out = []
        unless: dict[tuple[str, str | None], list[str]] = {}  # one rule, several `unless` rows
        for rule in self.rules:
            if rule.excluded != iri:
                continue
            if rule.when:
                out.append(f"{self._factor_label(rule.when_factor)}: {self._value(rule.when)}")
            if rule.unless:
                kept = unless.setdefault((rule.iri, rule.unless_factor), [])
                if self._value(rule.unless) not in kept:
                    kept.append(self._value(rule.unless))
        for (_, factor), kept in unless.items():
            either = kept[0] if len(kept) == 1 else ", ".join(kept[:-1]) + " or " + kept[-1]
            out.append(f"{self._factor_label(factor)}: anything but {either}")
        return sorted(dict.fromkeys(out))

    def _factor_label(self, iri: str | None) -> str:
        return next((f.label for f in self.factors.values() if f.iri == iri), "context")

    def _value(self, iri: str) -> str:
        return self.value_labels.get(iri, local_name(iri))


local_name = practice_key  # how a cmlops term is named in answers (other IRIs stay whole)


def _ontology_store() -> EmbeddedStore:
    return _default_store()


@lru_cache(maxsize=1)
def _default_store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_ontology()
    return store


def _text(value: object) -> str:
    return "" if value is None else str(value)


def catalogue(store: EmbeddedStore | None = None) -> Catalogue:
    """The questionnaire's catalogue from the ontology held by ``store`` (default: the
    bundled ontology), read once per store."""
    store = store or _ontology_store()
    with contextlib.suppress(KeyError, TypeError):
        return _CATALOGUES[store]
    found = _read_catalogue(store)
    with contextlib.suppress(TypeError):  # a store without weak references: read each time
        _CATALOGUES[store] = found
    return found


_CATALOGUES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _read_catalogue(store: EmbeddedStore) -> Catalogue:
    criteria: dict[str, list[CriterionItem]] = {}
    for r in store.select("questionnaire_criteria"):
        item = CriterionItem(
            iri=str(r["criterion"]),
            key=local_name(str(r["criterion"])),
            practice=str(r["practice"]),
            label=_text(r["label"]),
            question=_text(r["question"]),
            evidence=_text(r["evidence"]),
            required=bool(r["required"]),
        )
        criteria.setdefault(item.practice, []).append(item)
    practices: dict[str, PracticeItem] = {}
    dimensions: dict[str, str] = {}
    for r in store.select("questionnaire"):
        iri = str(r["practice"])
        if iri in practices:
            continue  # a practice typed twice (two practice classes) is asked once
        dimensions.setdefault(str(r["dimension"]), _text(r["dimensionLabel"]))
        practices[iri] = PracticeItem(
            iri=iri,
            key=local_name(iri),
            label=_text(r["label"]),
            level=int(r["level"]),
            question=_text(r["question"]),
            definition=_text(r["definition"]),
            dimension=str(r["dimension"]),
            dimension_label=_text(r["dimensionLabel"]),
            criteria=tuple(criteria.get(iri, [])),
        )
    factors: dict[str, Factor] = {}
    value_labels: dict[str, str] = {}
    grouped: dict[str, list[dict]] = {}
    for r in store.select("questionnaire_context"):
        grouped.setdefault(str(r["factor"]), []).append(r)
    for iri, rows in grouped.items():
        names = [local_name(str(r["value"])) for r in rows]
        prefix = _common_prefix(names)
        prefix = prefix[: prefix.rfind("-") + 1] if "-" in prefix else ""
        values = tuple(
            FactorValue(str(r["value"]), name[len(prefix) :] or name, _text(r["valueLabel"]))
            for r, name in zip(rows, names, strict=True)
        )
        value_labels.update({v.iri: v.label for v in values})
        key = local_name(iri).removeprefix("factor-")
        factors[key] = Factor(
            iri, key, _text(rows[0]["factorLabel"]), _text(rows[0]["factorDefinition"]), values
        )
    presets: dict[str, Preset] = {}
    for r in store.select("questionnaire_targets"):
        notation = _text(r["notation"])
        preset = presets.setdefault(
            notation, Preset(str(r["target"]), notation, _text(r["label"]), {})
        )
        if r["dimension"] is not None:
            preset.levels[str(r["dimension"])] = int(r["level"])
    rules = [
        Rule(
            iri=str(r["rule"]),
            excluded=str(r["excluded"]),
            when=_iri_or_none(r["when"]),
            when_factor=_iri_or_none(r["whenFactor"]),
            unless=_iri_or_none(r["unless"]),
            unless_factor=_iri_or_none(r["unlessFactor"]),
            justification=_text(r["justification"]),
        )
        for r in store.select("questionnaire_rules")
    ]
    flat = {c.iri: c for items in criteria.values() for c in items}
    return Catalogue(practices, flat, dimensions, factors, presets, rules, value_labels)


def _common_prefix(names: list[str]) -> str:
    prefix = names[0]
    for name in names[1:]:
        while not name.startswith(prefix):
            prefix = prefix[:-1]
    return prefix


def _iri_or_none(value: object) -> str | None:
    return None if value is None else str(value)


# -- the questionnaire ---------------------------------------------------------------------------
def questionnaire_document(store: EmbeddedStore | None = None) -> dict:
    """The questionnaire as a YAML-ready document: per dimension, per practice (its overall
    question and an optional whole-practice answer) and per criterion; context and target."""
    cat = catalogue(store)
    dimensions: dict[str, dict] = {}
    for practice in cat.practices.values():
        dim = dimensions.setdefault(
            practice.dimension, {"dimension": practice.dimension_label, "questions": []}
        )
        entry: dict = {
            "practice": practice.key,
            "label": practice.label,
            "level": practice.level,
            "definition": practice.definition,
            "question": practice.question,
        }
        if cat.not_applicable_when(practice.iri):
            entry["not-applicable-when"] = cat.not_applicable_when(practice.iri)
        entry.update(_blank_answer())
        entry["criteria"] = [_criterion_entry(cat, c) for c in practice.criteria]
        dim["questions"].append(entry)
    return {
        "organisation": {"name": "", "iri": ""},
        "assessment": {
            "date": dt.date.today().isoformat(),
            "assessor": "",
            "method": "questionnaire",
        },
        "context": {
            f.key: {
                "factor": f.label,
                "about": f.definition,
                "choices": {v.key: v.label for v in f.values},
                "value": "",
            }
            for f in cat.factors.values()
        },
        "target": {
            "preset": "",
            "presets": {p.notation: p.label for p in cat.presets.values()},
            "levels": {label: None for label in cat.dimensions.values()},
        },
        "allowed": {"status": STATUSES, "mode": list(MODES)},
        "dimensions": list(dimensions.values()),
    }


def _blank_answer() -> dict:
    return {"status": "", "mode": "", "justification": "", "sources": []}


def _criterion_entry(cat: Catalogue, c: CriterionItem) -> dict:
    entry: dict = {
        "criterion": c.key,
        "label": c.label,
        "question": c.question,
        "evidence": c.evidence,
        "supporting": not c.required,
    }
    if cat.not_applicable_when(c.iri):
        entry["not-applicable-when"] = cat.not_applicable_when(c.iri)
    entry.update(_blank_answer())
    return entry


def questionnaire_yaml(store: EmbeddedStore | None = None, document: dict | None = None) -> str:
    """The questionnaire (or a filled ``document``) as the YAML text the CLI writes."""
    body = yaml.safe_dump(
        document if document is not None else questionnaire_document(store),
        sort_keys=False,
        allow_unicode=True,
        width=100,
    )
    return HEADER + body


def write_questionnaire(path: Path, store: EmbeddedStore | None = None) -> None:
    atomic_write(path, questionnaire_yaml(store).encode("utf-8"))


# -- problems, reported all at once --------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """One thing wrong with the answers, located in words."""

    where: str
    what: str
    fix: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}" + (f"; {self.fix}" if self.fix else "")


class AnswersError(InputError):
    """The answers do not make a profile (exit 1); ``problems`` lists every one of them."""

    exit_code = 1

    def __init__(self, problems: list[Problem], source: str) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        lines = [f"  - {p}" for p in shown]
        if len(problems) > len(shown):
            lines.append(f"  - ... and {len(problems) - len(shown)} more")
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(
            f"{count} in the answers; nothing was written:\n" + "\n".join(lines),
            where=source,
            fix="correct each answer listed above and run the import again",
        )


# -- reading YAML safely -------------------------------------------------------------------------
class _LimitError(yaml.YAMLError):
    def __init__(self, message: str, mark: object = None) -> None:
        line = getattr(mark, "line", None)
        super().__init__(message + (f" (at line {line + 1})" if line is not None else ""))


class _AnswersLoader(yaml.SafeLoader):
    """SafeLoader without aliases, with depth and node limits, reading dates and yes/no/on/off
    as text (they are checked, not converted) and refusing duplicate keys."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise _LimitError(
                "YAML aliases (*name) are not allowed in an answers file: write each answer out",
                self.peek_event().start_mark,
            )
        self._depth += 1
        self._nodes += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _LimitError(
                    f"the answers are nested more than {MAX_DEPTH} levels deep",
                    self.peek_event().start_mark,
                )
            if self._nodes > MAX_NODES:
                raise _LimitError(f"the answers have more than {MAX_NODES} YAML nodes")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node, deep=False):
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:
                continue  # an unhashable key: the base class reports it
            if duplicate:
                raise _LimitError(
                    f"the key {key!r} appears twice in one mapping", key_node.start_mark
                )
        return super().construct_mapping(node, deep)


_AnswersLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_AnswersLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def parse_answers(data: bytes, source: str = "answers") -> dict:
    """The answers document in ``data`` (YAML bytes), read safely."""
    if len(data) > MAX_ANSWERS_BYTES:
        raise InputError(
            f"the answers file is too large ({len(data) // 1024} KB)",
            where=source,
            fix=f"keep it under {MAX_ANSWERS_BYTES // (1024 * 1024)} MB",
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the answers file is not UTF-8 text ({exc.reason} at byte {exc.start})",
            where=source,
            fix="save it as UTF-8",
        ) from exc
    try:
        doc = yaml.load(text, Loader=_AnswersLoader)  # a SafeLoader subclass
    except _LimitError as exc:
        raise InputError(
            str(exc), where=source, fix="keep the structure the questionnaire writes"
        ) from exc
    except yaml.YAMLError as exc:
        raise InputError(f"not valid YAML: {exc}", where=source, fix="fix the YAML syntax") from exc
    except RecursionError as exc:  # pragma: no cover - the depth limit comes first
        raise InputError("the answers are nested too deeply", where=source) from exc
    if not isinstance(doc, dict):
        raise InputError(
            "the answers file must be a mapping with organisation, assessment and dimensions",
            where=source,
            fix="start from 'cmlops-kg questionnaire --out answers.yaml'",
        )
    return doc


def load_answers(path: Path) -> dict:
    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", where=str(p), fix="check the path")
    if p.stat().st_size > MAX_ANSWERS_BYTES:
        raise InputError(
            "the answers file is too large",
            where=str(p),
            fix=f"keep it under {MAX_ANSWERS_BYTES // (1024 * 1024)} MB",
        )
    return parse_answers(p.read_bytes(), str(p))


# -- answers -> profile --------------------------------------------------------------------------
@dataclass
class _Answer:
    kind: str  # practice | criterion
    iri: str
    key: str
    status: str
    mode: str | None
    justification: str
    sources: list[str]
    confidence: float | None
    where: str


class _Reader:
    """Reads an answers document, collecting every problem with its location in words."""

    def __init__(self, cat: Catalogue, base_iri: str | None) -> None:
        self.cat = cat
        self.base_iri = base_iri
        self.problems: list[Problem] = []
        self.answers: list[_Answer] = []
        self.seen: dict[tuple[str, str], str] = {}
        self.entries = 0

    def problem(self, where: str, what: str, fix: str = "") -> None:
        self.problems.append(Problem(where, what, fix))

    def keys(self, mapping: dict, allowed: set[str], where: str) -> None:
        unknown = sorted((k for k in mapping if k not in allowed), key=str)
        if unknown:
            self.problem(
                where,
                f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}",
                f"allowed keys here: {', '.join(sorted(allowed))}",
            )

    def mapping(self, value: object, where: str, what: str) -> dict:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(where, f"must be a mapping ({what}), not {_kind(value)}")
            return {}
        return value

    # -- organisation and assessment ----------------------------------------------------------
    def organisation(self, doc: dict) -> tuple[str, str]:
        org = self.mapping(doc.get("organisation"), "organisation", "name and iri")
        self.keys(org, ORG_KEYS, "organisation")
        name = _scalar(org.get("name")).strip()
        iri = _scalar(org.get("iri")).strip()
        if not name:
            self.problem(
                f"organisation{SEP}name",
                "the organisation has no name",
                "write the organisation's name (reports show who was assessed)",
            )
            return name, iri
        if iri and iri.rstrip("/") == PLACEHOLDER_IRI:
            self.problem(
                f"organisation{SEP}iri",
                f"{iri} is the questionnaire's placeholder, not your organisation's IRI: "
                "assessments of every team that keeps it would replace each other in a shared "
                "store",
                f"write your own IRI, or leave `iri` empty to derive "
                f"{organisation_iri(name, self.base_iri)} from the name",
            )
            return name, ""
        if not iri:
            iri = organisation_iri(name, self.base_iri)
            if iri.rstrip("/") == PLACEHOLDER_IRI:
                self.problem(
                    f"organisation{SEP}name",
                    f"{name!r} is the questionnaire's placeholder name",
                    "write your organisation's real name, or give its `iri`",
                )
                return name, ""
            return name, iri
        if self.iri(iri, f"organisation{SEP}iri"):
            return name, iri
        return name, ""

    def iri(self, text: str, where: str) -> bool:
        if _looks_like_iri(text):
            try:
                ox.NamedNode(text)
                return True
            except ValueError:
                pass
        self.problem(
            where,
            f"{text!r} is not an IRI",
            "write an absolute IRI such as https://example.org/org/acme",
        )
        return False

    def assessment(self, doc: dict, org_iri: str) -> tuple[str, str, str, str]:
        meta = self.mapping(doc.get("assessment"), "assessment", "date, assessor and method")
        self.keys(meta, ASSESSMENT_KEYS, "assessment")
        date = self.date(meta.get("date"), f"assessment{SEP}date")
        method = _word(meta.get("method")) or "questionnaire"
        if method not in METHODS:
            self.problem(
                f"assessment{SEP}method",
                f"{_show(meta.get('method'))} is not a method",
                f"use one of {', '.join(sorted(METHODS))}",
            )
        iri = _scalar(meta.get("iri")).strip()
        if iri:
            if not self.iri(iri, f"assessment{SEP}iri"):
                iri = ""
        elif org_iri and date:
            iri = f"{org_iri.rstrip('/#')}/assessment/{date}"
        return iri, date, method, _scalar(meta.get("assessor")).strip()

    def date(self, value: object, where: str) -> str:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        text = _scalar(value).strip()
        if not text:
            self.problem(
                where, "no date", "write the assessment date as YYYY-MM-DD, e.g. 2026-01-31"
            )
            return ""
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            self.problem(
                where, f"{text!r} is not a date", "write it as YYYY-MM-DD, e.g. 2026-01-31"
            )
            return ""
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError as exc:
            self.problem(
                where,
                f"{text!r} is not a date ({exc})",
                "write an existing date as YYYY-MM-DD, e.g. 2026-01-31",
            )
            return ""

    # -- context and target --------------------------------------------------------------------
    def context(self, doc: dict) -> list[str]:
        block = self.mapping(doc.get("context"), "context", "one entry per factor")
        chosen = []
        for key, entry in block.items():
            factor = self._factor(key)
            where = f"context{SEP}{factor.label if factor else key}"
            if factor is None:
                self.problem(
                    where,
                    f"{key!r} is not a context factor",
                    f"use one of {', '.join(self.cat.factors)}",
                )
                continue
            if isinstance(entry, dict):
                self.keys(entry, FACTOR_KEYS, where)
                value = entry.get("value")
            else:
                value = entry
            if isinstance(value, list | dict):
                self.problem(where, "give one value, not a list", "one value per factor")
                continue
            text = _scalar(value).strip()
            if not text:
                continue
            found = self._value(factor, text)
            if found is None:
                self.problem(
                    f"{where}{SEP}value",
                    f"{text!r} is not a value of {factor.label.lower()}",
                    "use one of " + ", ".join(_choice(v) for v in factor.values),
                )
                continue
            chosen.append(found.iri)
        return chosen

    def _factor(self, key: object) -> Factor | None:
        text = _word(key)
        for factor in self.cat.factors.values():
            if text in (factor.key, local_name(factor.iri), _word(factor.label), factor.iri):
                return factor
        return None

    @staticmethod
    def _value(factor: Factor, text: str) -> FactorValue | None:
        word = _word(text)
        for value in factor.values:
            if word in (value.key, local_name(value.iri), _word(value.label)) or text == value.iri:
                return value
        return None

    def target(self, doc: dict) -> tuple[str | None, dict[str, int]]:
        """(preset IRI, {}) or (None, {dimension IRI: level}) or (None, {})."""
        value = doc.get("target")
        if value is None or (isinstance(value, str) and not value.strip()):
            return None, {}
        if isinstance(value, str):
            return self._preset(value, "target"), {}
        if not isinstance(value, dict):
            self.problem("target", f"must be a preset name or a mapping, not {_kind(value)}")
            return None, {}
        self.keys(value, TARGET_KEYS, "target")
        preset_text = _scalar(value.get("preset")).strip()
        levels = self._levels(value.get("levels"))
        if preset_text and levels:
            self.problem(
                "target",
                "both a preset and levels are given",
                "choose a preset or set levels per dimension, and clear the other",
            )
            return None, {}
        if preset_text:
            return self._preset(preset_text, f"target{SEP}preset"), {}
        return None, levels

    def _preset(self, text: str, where: str) -> str | None:
        word = _word(text)
        for preset in self.cat.presets.values():
            if word in (_word(preset.notation), local_name(preset.iri)) or text == preset.iri:
                return preset.iri
        self.problem(
            where,
            f"{text!r} is not a target preset",
            f"use one of {', '.join(self.cat.presets)}, or set levels per dimension",
        )
        return None

    def _levels(self, value: object) -> dict[str, int]:
        block = self.mapping(value, f"target{SEP}levels", "a level 0-4 per dimension")
        levels: dict[str, int] = {}
        for key, level in block.items():
            dimension = self._dimension(key)
            where = f"target{SEP}levels{SEP}{self.cat.dimensions.get(dimension or '', key)}"
            if dimension is None:
                self.problem(
                    where,
                    f"{key!r} is not a dimension",
                    f"use one of {', '.join(self.cat.dimensions.values())}",
                )
                continue
            if level is None or (isinstance(level, str) and not level.strip()):
                continue
            rank = _integer(level)
            if rank is None or not 0 <= rank <= 4:
                self.problem(where, f"{_show(level)} is not a level", "write a level from 0 to 4")
                continue
            levels[dimension] = rank
        return levels

    def _dimension(self, key: object) -> str | None:
        word = _word(key)
        for iri, label in self.cat.dimensions.items():
            name = local_name(iri)
            if word in (_word(label), name, name.removeprefix("dim-")) or key == iri:
                return iri
        return None

    # -- answers ---------------------------------------------------------------------------------
    def dimensions(self, doc: dict) -> None:
        dims = doc.get("dimensions")
        if dims is None:
            dims = []
        if not isinstance(dims, list):
            self.problem(
                "dimensions", f"must be a list, not {_kind(dims)}", "keep the generated structure"
            )
            dims = []
        for i, dim in enumerate(dims):
            if not isinstance(dim, dict):
                self.problem(
                    f"dimension {i + 1}", "must be a mapping", "keep the generated structure"
                )
                continue
            name = _scalar(dim.get("dimension")).strip() or f"dimension {i + 1}"
            self.keys(dim, {"dimension", "questions"}, name)
            questions = dim.get("questions") or []
            if not isinstance(questions, list):
                self.problem(
                    f"{name}{SEP}questions", "must be a list", "keep the generated structure"
                )
                continue
            for j, entry in enumerate(questions):
                self.practice_entry(entry, name, j)
        flat = doc.get("answers") or []
        if not isinstance(flat, list):
            self.problem(
                "answers", "must be a list", "write answers: [{criterion: ..., status: ...}]"
            )
            return
        for j, entry in enumerate(flat):
            self.flat_entry(entry, j)

    def _count(self, where: str) -> bool:
        self.entries += 1
        if self.entries == MAX_ANSWERS + 1:
            self.problem(where, f"more than {MAX_ANSWERS} answers", "answer each criterion once")
        return self.entries <= MAX_ANSWERS

    def practice_entry(self, entry: object, dimension: str, index: int) -> None:
        where = f"{dimension}{SEP}practice {index + 1}"
        if not self._count(where):
            return
        if not isinstance(entry, dict):
            self.problem(where, "must be a mapping", "keep the generated keys")
            return
        key = _scalar(entry.get("practice")).strip()
        practice = self._practice(key)
        if practice is not None:
            where = f"{practice.dimension_label}{SEP}{practice.label}"
        elif key:
            where = f"{dimension}{SEP}practice {key!r}"
        self.keys(entry, PRACTICE_KEYS, where)
        if practice is None:
            self.problem(
                where,
                f"unknown practice {key!r}" if key else "the entry names no practice",
                "use the practice names written by 'cmlops-kg questionnaire'",
            )
        else:
            self.answer(entry, "practice", practice.iri, practice.key, where)
        criteria = entry.get("criteria") or []
        if not isinstance(criteria, list):
            self.problem(f"{where}{SEP}criteria", "must be a list", "keep the generated structure")
            return
        for k, item in enumerate(criteria):
            self.criterion_entry(item, where, k)

    def criterion_entry(self, entry: object, parent: str, index: int) -> None:
        where = f"{parent}{SEP}criterion {index + 1}"
        if not self._count(where):
            return
        if not isinstance(entry, dict):
            self.problem(where, "must be a mapping", "keep the generated keys")
            return
        key = _scalar(entry.get("criterion")).strip()
        criterion = self._criterion(key)
        if criterion is not None:
            where = self._criterion_where(criterion)
        elif key:
            where = f"{parent}{SEP}criterion {key}"
        self.keys(entry, CRITERION_KEYS, where)
        if criterion is None:
            self.problem(
                where,
                f"unknown criterion {key!r}" if key else "the entry names no criterion",
                "use the criterion names (practice.criterion) written by 'cmlops-kg questionnaire'",
            )
            return
        self.answer(entry, "criterion", criterion.iri, criterion.key, where)

    def flat_entry(self, entry: object, index: int) -> None:
        where = f"answers{SEP}entry {index + 1}"
        if not self._count(where):
            return
        if not isinstance(entry, dict):
            self.problem(where, "must be a mapping", "give practice or criterion, and status")
            return
        self.keys(entry, FLAT_KEYS, where)
        key = _scalar(entry.get("criterion") or entry.get("practice")).strip()
        criterion = self._criterion(key) if "." in key or entry.get("criterion") else None
        practice = None if criterion or entry.get("criterion") else self._practice(key)
        if criterion is not None:
            self.answer(
                entry, "criterion", criterion.iri, criterion.key, self._criterion_where(criterion)
            )
        elif practice is not None:
            self.answer(
                entry,
                "practice",
                practice.iri,
                practice.key,
                f"{practice.dimension_label}{SEP}{practice.label}",
            )
        else:
            kind = "criterion" if entry.get("criterion") else "practice"
            self.problem(
                where,
                f"unknown {kind} {key!r}" if key else "the entry names no practice or criterion",
                "use the names written by 'cmlops-kg questionnaire'",
            )

    def _practice(self, key: str) -> PracticeItem | None:
        if not key:
            return None
        return self.cat.practices.get(key if ":" in key else CMLOPS + key)

    def _criterion(self, key: str) -> CriterionItem | None:
        if not key:
            return None
        return self.cat.criteria.get(key if ":" in key else CMLOPS + key)

    def _criterion_where(self, criterion: CriterionItem) -> str:
        practice = self.cat.practices.get(criterion.practice)
        if practice is None:
            return f"criterion {criterion.key}"
        return f"{practice.dimension_label}{SEP}{practice.label}{SEP}criterion {criterion.key}"

    def answer(self, entry: dict, kind: str, iri: str, key: str, where: str) -> None:
        raw = entry.get("status")
        status = _word(raw)
        status = STATUS_ALIASES.get(status, status)
        filled = [
            name
            for name in ("mode", "justification", "sources", "confidence")
            if entry.get(name) not in (None, "", [])
        ]
        if not status:
            if filled:
                self.problem(
                    f"{where}{SEP}status",
                    f"the status is blank (unknown) but {' and '.join(filled)} "
                    f"{'is' if len(filled) == 1 else 'are'} filled in",
                    "set the status, or clear the other fields to leave it unknown",
                )
            return
        ok = True
        if status not in STATUS_IRIS:
            self.problem(
                f"{where}{SEP}status",
                f"{_show(raw)} is not a status",
                f"use one of {', '.join(STATUSES)} (blank means unknown)",
            )
            ok = False
        mode_raw = entry.get("mode")
        mode = _word(mode_raw)
        mode = MODE_ALIASES.get(mode, mode)
        if mode and mode not in MODES:
            self.problem(
                f"{where}{SEP}mode",
                f"{_show(mode_raw)} is not a mode",
                f"use one of {', '.join(MODES)}",
            )
            ok = False
        justification_raw = entry.get("justification")
        if isinstance(justification_raw, list | dict):
            self.problem(
                f"{where}{SEP}justification", "must be text", "write one sentence or paragraph"
            )
            ok = False
            justification = ""
        else:
            justification = _scalar(justification_raw).strip()
        if status == "not-applicable" and not justification:
            self.problem(
                f"{where}{SEP}justification",
                f"{key} is marked not-applicable without a justification",
                "add a justification saying why it does not apply (or choose another status)",
            )
            ok = False
        sources = self.sources(entry.get("sources"), f"{where}{SEP}sources")
        confidence = self.confidence(entry.get("confidence"), f"{where}{SEP}confidence")
        if sources is None or confidence is False:
            ok = False
        previous = self.seen.get((kind, iri))
        if previous is not None:
            self.problem(
                where, f"{kind} {key} is answered twice (also at {previous})", "keep one answer"
            )
            return
        self.seen[(kind, iri)] = where
        if ok:
            self.answers.append(
                _Answer(
                    kind,
                    iri,
                    key,
                    status,
                    MODES[mode] if mode else None,
                    justification,
                    sources or [],
                    confidence if isinstance(confidence, float) else None,
                    where,
                )
            )

    def sources(self, value: object, where: str) -> list[str] | None:
        if value is None or value == "":
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or any(isinstance(v, list | dict) for v in value):
            self.problem(where, "must be a list of URLs or file paths", "write sources: [url, ...]")
            return None
        return [text for text in (_scalar(v).strip() for v in value) if text]

    def confidence(self, value: object, where: str) -> float | bool | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            number = None
        else:
            try:
                number = float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                number = None
        if number is None or not 0 <= number <= 1:
            self.problem(
                where, f"{_show(value)} is not a confidence", "write a number between 0 and 1"
            )
            return False
        return number


def _choice(value: FactorValue) -> str:
    if value.label == value.key or value.label.startswith(f"{value.key} ("):
        return value.label
    return f"{value.key} ({value.label})"


def _kind(value: object) -> str:
    return {list: "a list", dict: "a mapping", str: "text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


def _scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return ""
    return str(value)


def _word(value: object) -> str:
    """A key as users may write it: case, spaces and underscores do not matter."""
    return re.sub(r"[\s_]+", "-", _scalar(value).strip().lower())


def _show(value: object) -> str:
    text = _scalar(value) if not isinstance(value, list | dict) else _kind(value)
    return repr(text[:60] + ("…" if len(text) > 60 else ""))


def _integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def answers_to_profile(
    doc: dict,
    source: str = "answers",
    store: EmbeddedStore | None = None,
    *,
    base_iri: str | None = None,
) -> Profile:
    """The profile the answers make: the organisation, one assessment with its context and
    target, one evidence per answered criterion (``cmlops:aboutCriterion``) and per answered
    practice (``cmlops:aboutPractice``). Raises :class:`AnswersError` listing every problem.
    ``base_iri``: where organisation IRIs derived from a name go (default
    https://example.org/org/)."""
    read = _read_answers(doc, source, store, base_iri)
    return Profile(
        name=source,
        triples=grouped(
            _triples(
                read.name,
                read.org_iri,
                read.assessment_iri,
                read.date,
                read.method,
                read.assessor,
                read.context,
                read.preset,
                read.levels,
                read.reader.answers,
            )
        ),
    )


@dataclass
class _ReadAnswers:
    """An answers document read and checked: what the profile and a resume are made of."""

    cat: Catalogue
    reader: _Reader
    name: str
    org_iri: str
    assessment_iri: str
    date: str
    method: str
    assessor: str
    context: list[str]
    preset: str | None
    levels: dict[str, int]


def _read_answers(
    doc: dict, source: str, store: EmbeddedStore | None, base_iri: str | None
) -> _ReadAnswers:
    """Read every part of ``doc``; raises :class:`AnswersError` listing every problem."""
    cat = catalogue(store)
    reader = _Reader(cat, base_iri)
    if base_iri is not None and not _looks_like_iri(base_iri):
        raise InputError(
            f"{base_iri!r} is not an IRI",
            where="--base-iri",
            fix="give e.g. https://acme.example/org/",
        )
    if not isinstance(doc, dict):
        raise AnswersError(
            [Problem("the answers file", "must be a mapping", "start from the questionnaire")],
            source,
        )
    reader.keys(doc, TOP_KEYS, "the answers file")
    name, org_iri = reader.organisation(doc)
    assessment_iri, date, method, assessor = reader.assessment(doc, org_iri)
    context = reader.context(doc)
    preset, levels = reader.target(doc)
    reader.dimensions(doc)
    if not reader.seen and not reader.problems:
        reader.problem(
            "the answers file",
            "nothing is answered (no practice is answered, no criterion either)",
            "set `status` for at least one criterion or practice",
        )
    if reader.problems:
        raise AnswersError(reader.problems, source)
    return _ReadAnswers(
        cat, reader, name, org_iri, assessment_iri, date, method, assessor, context, preset, levels
    )


def _triples(
    name: str,
    org_iri: str,
    assessment_iri: str,
    date: str,
    method: str,
    assessor: str,
    context: list[str],
    preset: str | None,
    levels: dict[str, int],
    answers: list[_Answer],
) -> list[ox.Triple]:
    n, lit = ox.NamedNode, ox.Literal
    a, label = n(RDF_TYPE), n(RDFS_LABEL)
    org, asm = n(org_iri), n(assessment_iri)
    t = [
        ox.Triple(org, a, n(ORG + "Organization")),
        ox.Triple(org, label, lit(name)),
        ox.Triple(asm, a, n(CMLOPS + "Assessment")),
        ox.Triple(asm, n(CMLOPS + "assesses"), org),
        ox.Triple(asm, n(DCTERMS + "date"), lit(date, datatype=n(XSD + "date"))),
        ox.Triple(asm, n(CMLOPS + "method"), n(vocab.METHODS[method])),
    ]
    if assessor:
        if _looks_like_iri(assessor):
            person = n(assessor)
        else:
            person = n(f"{assessment_iri}/assessor")
            t.append(ox.Triple(person, label, lit(assessor)))
        t.append(ox.Triple(person, a, n(PROV + "Agent")))
        t.append(ox.Triple(asm, n(PROV + "wasAssociatedWith"), person))
    t += [ox.Triple(asm, n(CMLOPS + "inContext"), n(value)) for value in context]
    if preset:
        t.append(ox.Triple(asm, n(CMLOPS + "target"), n(preset)))
    elif levels:
        own = n(f"{assessment_iri}/target")
        t += [
            ox.Triple(own, a, n(CMLOPS + "TargetProfile")),
            ox.Triple(own, label, lit(f"Target profile of {name}")),
            ox.Triple(asm, n(CMLOPS + "target"), own),
        ]
        for dimension, rank in levels.items():
            node = n(f"{assessment_iri}/target/{local_name(dimension)}")
            t += [
                ox.Triple(own, n(CMLOPS + "hasTargetLevel"), node),
                ox.Triple(node, a, n(CMLOPS + "TargetLevel")),
                ox.Triple(node, n(CMLOPS + "ofDimension"), n(dimension)),
                ox.Triple(
                    node, n(CMLOPS + "levelRank"), lit(str(rank), datatype=n(XSD + "integer"))
                ),
            ]
    for answer in answers:
        ev = n(f"{assessment_iri}/evidence/{_evidence_name(answer.key)}")
        about = "aboutCriterion" if answer.kind == "criterion" else "aboutPractice"
        t += [
            ox.Triple(ev, a, n(CMLOPS + "Evidence")),
            ox.Triple(ev, n(PROV + "wasGeneratedBy"), asm),
            ox.Triple(ev, n(CMLOPS + about), n(answer.iri)),
            ox.Triple(ev, n(CMLOPS + "status"), n(STATUS_IRIS[answer.status])),
        ]
        if answer.mode:
            t.append(ox.Triple(ev, n(EARL + "mode"), n(answer.mode)))
        if answer.justification:
            t.append(ox.Triple(ev, n(CMLOPS + "justification"), lit(answer.justification)))
        for src in answer.sources:
            t.append(
                ox.Triple(ev, n(DCTERMS + "source"), n(src) if _looks_like_iri(src) else lit(src))
            )
        if answer.confidence is not None:
            t.append(
                ox.Triple(
                    ev,
                    n(CMLOPS + "confidence"),
                    lit(f"{answer.confidence:.3f}", datatype=n(XSD + "decimal")),
                )
            )
    return t


def grouped(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples with each subject's together (in order of first appearance), so that the
    Turtle written reads one block per node."""
    order: dict[object, list[ox.Triple]] = {}
    for triple in triples:
        order.setdefault(triple.subject, []).append(triple)
    return [t for block in order.values() for t in block]


def _evidence_name(key: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9._-]+", key):
        return key
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _looks_like_iri(text: str) -> bool:
    return (
        text.startswith(("http://", "https://", "urn:", "file:"))
        and not any(c in text for c in ' <>"{}|\\^`')
        and not any(ord(c) < 0x21 for c in text)
    )


# -- organisation IRIs -------------------------------------------------------------------------
def organisation_iri(name: str, base: str | None = None) -> str:
    """The organisation's IRI derived from its name: ``<base><slug>`` (default base
    https://example.org/org/), e.g. "Acme Analytics" -> https://example.org/org/acme-analytics."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", plain.strip().lower()).strip("-")
    if not slug and name.strip():
        slug = "org-" + hashlib.sha256(name.strip().encode("utf-8")).hexdigest()[:10]
    slug = slug or "your-organisation"
    base = base or DEFAULT_BASE_IRI
    return base + slug if base.endswith(("/", "#", ":")) else f"{base}/{slug}"


# -- answers given in a form (the explorer's questionnaire) --------------------------------------
def answers_document(
    organisation_name: str,
    answers: Iterable[Mapping[str, object]],
    *,
    organisation: str | None = None,
    date: dt.date | str | None = None,
    method: str = "questionnaire",
    assessor: str = "",
    context: Mapping[str, str] | None = None,
    target: str | Mapping[str, int] | None = None,
) -> dict:
    """The answers as the document :func:`answers_to_profile` reads (as the CLI's YAML).

    ``answers``: rows with ``practice`` or ``criterion`` (its key, ``practice.criterion``),
    ``status`` and optionally ``mode``, ``justification`` and ``sources``; rows without a
    status are unknown and left out. ``context``: factor key -> value key; ``target``: a
    preset notation or dimension -> level."""
    rows = []
    for answer in answers:
        status = _scalar(answer.get("status")).strip()
        if not status:
            continue  # unanswered: no evidence, unknown
        key = "criterion" if answer.get("criterion") else "practice"
        row: dict = {key: str(answer[key]), "status": status}
        for name in ("mode", "justification"):
            if _scalar(answer.get(name)).strip():
                row[name] = _scalar(answer.get(name)).strip()
        if answer.get("sources"):
            row["sources"] = list(answer["sources"])  # type: ignore[call-overload]
        rows.append(row)
    when = date.isoformat() if isinstance(date, dt.date) else (date or dt.date.today().isoformat())
    doc: dict = {
        "organisation": {"iri": organisation or "", "name": organisation_name},
        "assessment": {"date": when, "method": method, "assessor": assessor},
        "answers": rows,
    }
    if context:
        doc["context"] = dict(context)
    if target:
        doc["target"] = target if isinstance(target, str) else {"levels": dict(target)}
    return doc


@dataclass(frozen=True)
class ResumedAnswers:
    """A checked answers document as the questionnaire's own keys, to fill it in again (the
    app resumes an uploaded answers.yaml with it)."""

    name: str
    iri: str
    date: str
    method: str
    context: dict[str, str]  # factor key -> value key
    target: str | None  # preset notation
    # practice or criterion key -> (status, mode word or None, justification)
    answers: dict[str, tuple[str, str | None, str]]
    by_criterion: bool  # some answer is about one criterion
    criteria_of: dict[str, tuple[str, ...]]  # practice key -> its criterion keys

    def for_criteria(self) -> dict[str, tuple[str, str | None, str]]:
        """The answers per criterion: a whole-practice answer speaks for those of its criteria
        not answered one by one (docs/maturity-model.md, step 1), as import reads it."""
        out = dict(self.answers)
        for practice, criteria in self.criteria_of.items():
            if practice in self.answers:
                for criterion in criteria:
                    out.setdefault(criterion, self.answers[practice])
        return out


def resume_answers(
    doc: dict, source: str = "answers", store: EmbeddedStore | None = None
) -> ResumedAnswers:
    """The answers of ``doc`` by the questionnaire's keys; raises :class:`AnswersError` with
    every problem, exactly as import does (a document that cannot be imported is not resumed)."""
    read = _read_answers(doc, source, store, None)  # every problem reported, as import does
    cat, chosen = read.cat, set(read.context)
    words = {iri: word for word, iri in MODES.items()}
    context = {
        factor.key: value.key
        for factor in cat.factors.values()
        for value in factor.values
        if value.iri in chosen
    }
    notation = next((p.notation for p in cat.presets.values() if p.iri == read.preset), None)
    block = doc.get("organisation")
    given_iri = _scalar(block.get("iri")).strip() if isinstance(block, dict) else ""
    return ResumedAnswers(
        name=read.name,
        iri=given_iri,
        date=str(read.date),
        method=read.method,
        context=context,
        target=notation,
        answers={
            a.key: (a.status, words.get(a.mode) if a.mode else None, a.justification)
            for a in read.reader.answers
        },
        by_criterion=any(a.kind == "criterion" for a in read.reader.answers),
        criteria_of={p.key: tuple(c.key for c in p.criteria) for p in cat.practices.values()},
    )


def questionnaire_turtle(document: dict, store: EmbeddedStore | None = None) -> bytes:
    """The profile the answers make, as Turtle (what 'cmlops-kg import' writes)."""
    return profile_turtle(answers_to_profile(document, "questionnaire", store))

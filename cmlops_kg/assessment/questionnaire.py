"""The self-assessment questionnaire: generated from the ontology, answered in YAML, imported
as a profile that validates against the shapes."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox
import yaml

from cmlops_kg import vocab
from cmlops_kg.errors import InputError
from cmlops_kg.files import atomic_write
from cmlops_kg.rdf.profiles import Profile, profile_turtle
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.vocab import CMLOPS, practice_key

STATUSES = list(vocab.STATUSES)
MODES = vocab.MODES
TOP_KEYS = {"organisation", "assessment", "answers", "dimensions", "allowed"}
ORG_KEYS = {"iri", "name"}
ASSESSMENT_KEYS = {"iri", "date", "assessor", "method"}
ANSWER_KEYS = {
    "practice",
    "question",
    "level",
    "status",
    "mode",
    "justification",
    "sources",
    "confidence",
    "label",
    "definition",
}
METHODS = {"questionnaire", "repository-scan", "audit"}  # what a person may declare
MAX_ANSWERS_BYTES = 5 * 1024 * 1024


def _ontology_store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_ontology()
    return store


def questionnaire_document(store: EmbeddedStore | None = None) -> dict:
    """The questionnaire as a YAML-ready document, one question per practice."""
    rows = (store or _ontology_store()).select("questionnaire")
    dimensions: dict[str, dict] = {}
    for r in rows:
        dim = dimensions.setdefault(
            str(r["dimension"]), {"dimension": str(r["dimensionLabel"]), "questions": []}
        )
        dim["questions"].append(
            {
                "practice": practice_key(str(r["practice"])),
                "label": str(r["label"]),
                "level": int(r["level"]),
                "question": str(r["question"]),
                "status": "",
                "mode": "",
                "justification": "",
                "sources": [],
            }
        )
    return {
        "organisation": {"iri": "https://example.org/org/your-organisation", "name": ""},
        "assessment": {
            "date": dt.date.today().isoformat(),
            "assessor": "",
            "method": "questionnaire",
        },
        "allowed": {"status": STATUSES, "mode": list(MODES)},
        "dimensions": list(dimensions.values()),
    }


HEADER = """\
# cmlops-kg self-assessment questionnaire.
# For each practice set `status` to one of: implemented, partial, planned, not-implemented,
# not-applicable (which needs a `justification`), and `mode` to manual, semi-automated or
# automated. Leave `status` empty if you do not know: an unanswered practice counts as not
# implemented. `sources` lists URLs or file paths that back the answer.
# Then run: cmlops-kg import THIS_FILE --out profile.ttl
"""


def write_questionnaire(path: Path) -> None:
    text = HEADER + yaml.safe_dump(questionnaire_document(), sort_keys=False, allow_unicode=True)
    atomic_write(path, text.encode("utf-8"))


def _error(what: str, where: str, fix: str) -> InputError:
    return InputError(what, where=where, fix=fix)


def _check_keys(mapping: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(mapping) - allowed)
    if unknown:
        raise _error(
            f"unknown key{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}",
            where,
            f"allowed keys here: {', '.join(sorted(allowed))}",
        )


def load_answers(path: Path) -> dict:
    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", where=str(p), fix="check the path")
    data = p.read_bytes()
    if len(data) > MAX_ANSWERS_BYTES:
        raise InputError("the answers file is too large", where=str(p), fix="keep it under 5 MB")
    try:
        doc = yaml.safe_load(data.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InputError(f"not valid YAML: {exc}", where=str(p), fix="fix the YAML syntax") from exc
    if not isinstance(doc, dict):
        raise InputError(
            "the answers file must be a mapping with organisation, assessment and dimensions",
            where=str(p),
            fix="start from 'cmlops-kg questionnaire --out answers.yaml'",
        )
    return doc


def answers_to_profile(
    doc: dict, source: str = "answers", store: EmbeddedStore | None = None
) -> Profile:
    """Build the profile (organisation, assessment, one evidence per answered practice)."""
    store = store or _ontology_store()
    known = {str(r["practice"]) for r in store.select("questionnaire")}
    _check_keys(doc, TOP_KEYS, source)
    org = doc.get("organisation") or {}
    if not isinstance(org, dict):
        raise _error("'organisation' must be a mapping", source, "give iri and name")
    _check_keys(org, ORG_KEYS, f"{source}: organisation")
    name = str(org.get("name") or "").strip()
    org_iri = str(org.get("iri") or "").strip()
    if not name:
        raise _error(
            "the organisation has no name",
            f"{source}: organisation.name",
            "write the organisation's name",
        )
    _iri(org_iri, f"{source}: organisation.iri")
    meta = doc.get("assessment") or {}
    if not isinstance(meta, dict):
        raise _error("'assessment' must be a mapping", source, "give date and method")
    _check_keys(meta, ASSESSMENT_KEYS, f"{source}: assessment")
    date = _date(meta.get("date"), f"{source}: assessment.date")
    method = str(meta.get("method") or "questionnaire")
    if method not in METHODS:
        raise _error(
            f"unknown method {method!r}",
            f"{source}: assessment.method",
            f"use one of {', '.join(sorted(METHODS))}",
        )
    assessment_iri = str(meta.get("iri") or f"{org_iri.rstrip('/#')}/assessment/{date}")
    _iri(assessment_iri, f"{source}: assessment.iri")

    ns = CMLOPS
    t: list[ox.Triple] = []
    a = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    org_node = ox.NamedNode(org_iri)
    asm = ox.NamedNode(assessment_iri)
    t += [
        ox.Triple(org_node, a, ox.NamedNode("http://www.w3.org/ns/org#Organization")),
        ox.Triple(org_node, label, ox.Literal(name)),
        ox.Triple(asm, a, ox.NamedNode(ns + "Assessment")),
        ox.Triple(asm, ox.NamedNode(ns + "assesses"), org_node),
        ox.Triple(
            asm,
            ox.NamedNode("http://purl.org/dc/terms/date"),
            ox.Literal(date, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ),
        ox.Triple(asm, ox.NamedNode(ns + "method"), ox.NamedNode(vocab.METHODS[method])),
    ]
    assessor = str(meta.get("assessor") or "").strip()
    if assessor:
        person = ox.NamedNode(assessor) if ":" in assessor and " " not in assessor else None
        if person is None:
            person = ox.NamedNode(f"{assessment_iri}/assessor")
            t.append(ox.Triple(person, label, ox.Literal(assessor)))
        t.append(ox.Triple(person, a, ox.NamedNode("http://www.w3.org/ns/prov#Agent")))
        t.append(
            ox.Triple(asm, ox.NamedNode("http://www.w3.org/ns/prov#wasAssociatedWith"), person)
        )

    answers = list(_iter_answers(doc, source))
    seen: set[str] = set()
    for where, answer in answers:
        _check_keys(answer, ANSWER_KEYS, where)
        key = str(answer.get("practice") or "").strip()
        iri = key if ":" in key else ns + key
        if iri not in known:
            raise _error(
                f"unknown practice {key!r}",
                where,
                "use the practice names written by 'cmlops-kg questionnaire'",
            )
        status = str(answer.get("status") or "").strip()
        if not status:
            continue  # unanswered: no evidence, counts as not implemented
        if status not in STATUSES:
            raise _error(
                f"unknown status {status!r} for {key}", where, f"use one of {', '.join(STATUSES)}"
            )
        if iri in seen:
            raise _error(f"practice {key!r} is answered twice", where, "keep one answer")
        seen.add(iri)
        justification = str(answer.get("justification") or "").strip()
        if status == "not-applicable" and not justification:
            raise _error(
                f"{key} is marked not-applicable without a justification",
                where,
                "add a justification saying why it does not apply",
            )
        ev = ox.NamedNode(f"{assessment_iri}/evidence/{practice_key(iri).replace('/', '_')}")
        t += [
            ox.Triple(ev, a, ox.NamedNode(ns + "Evidence")),
            ox.Triple(ev, ox.NamedNode("http://www.w3.org/ns/prov#wasGeneratedBy"), asm),
            ox.Triple(ev, ox.NamedNode(ns + "aboutPractice"), ox.NamedNode(iri)),
            ox.Triple(ev, ox.NamedNode(ns + "status"), ox.NamedNode(vocab.STATUSES[status])),
        ]
        mode = str(answer.get("mode") or "").strip()
        if mode:
            if mode not in MODES:
                raise _error(
                    f"unknown mode {mode!r} for {key}", where, f"use one of {', '.join(MODES)}"
                )
            t.append(
                ox.Triple(
                    ev,
                    ox.NamedNode(vocab.EARL + "mode"),
                    ox.NamedNode(MODES[mode]),
                )
            )
        if justification:
            t.append(ox.Triple(ev, ox.NamedNode(ns + "justification"), ox.Literal(justification)))
        sources = answer.get("sources") or []
        if not isinstance(sources, list):
            raise _error(f"sources of {key} must be a list", where, "write sources: [url, ...]")
        for src in sources:
            text = str(src).strip()
            obj = ox.NamedNode(text) if _looks_like_iri(text) else ox.Literal(text)
            t.append(ox.Triple(ev, ox.NamedNode("http://purl.org/dc/terms/source"), obj))
        if answer.get("confidence") not in (None, ""):
            try:
                conf = float(answer["confidence"])
            except (TypeError, ValueError) as exc:
                raise _error(
                    f"confidence of {key} is not a number", where, "write a number between 0 and 1"
                ) from exc
            t.append(
                ox.Triple(
                    ev,
                    ox.NamedNode(ns + "confidence"),
                    ox.Literal(
                        f"{conf:.3f}",
                        datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"),
                    ),
                )
            )
    if not seen:
        raise _error("no practice is answered", source, "set `status` for at least one practice")
    return Profile(name=source, triples=t)


MAX_ANSWERS = 5000


def _iter_answers(doc: dict, source: str):
    for count, (where, answer) in enumerate(_answers(doc, source), start=1):
        if count > MAX_ANSWERS:
            raise _error(
                f"more than {MAX_ANSWERS} answers (repeated YAML aliases?)",
                source,
                "answer each practice once",
            )
        yield where, answer


def _answers(doc: dict, source: str):
    dims = doc.get("dimensions") or []
    if not isinstance(dims, list):
        raise _error("'dimensions' must be a list", source, "keep the generated structure")
    for i, dim in enumerate(dims):
        if not isinstance(dim, dict):
            raise _error(
                "each dimension must be a mapping",
                f"{source}: dimensions[{i}]",
                "keep the generated structure",
            )
        _check_keys(dim, {"dimension", "questions"}, f"{source}: dimensions[{i}]")
        for j, answer in enumerate(dim.get("questions") or []):
            where = f"{source}: dimensions[{i}].questions[{j}]"
            if not isinstance(answer, dict):
                raise _error("each question must be a mapping", where, "keep the generated keys")
            yield where, answer
    for j, answer in enumerate(doc.get("answers") or []):
        where = f"{source}: answers[{j}]"
        if not isinstance(answer, dict):
            raise _error("each answer must be a mapping", where, "give practice and status")
        yield where, answer


def _looks_like_iri(text: str) -> bool:
    return text.startswith(("http://", "https://", "urn:", "file:")) and " " not in text


def _iri(text: str, where: str) -> None:
    if not _looks_like_iri(text):
        raise _error(
            f"{text!r} is not an IRI",
            where,
            "use an absolute IRI such as https://example.org/org/acme",
        )


def _date(value: object, where: str) -> str:
    try:
        if isinstance(value, dt.date):
            return value.isoformat()
        return dt.date.fromisoformat(str(value)).isoformat()
    except ValueError as exc:
        raise _error(f"{value!r} is not a date", where, "write YYYY-MM-DD") from exc


# -- answers given in a form (the explorer's questionnaire) ---------------------------------
# -- the questionnaire ---------------------------------------------------------------------------
def organisation_iri(name: str) -> str:
    """A stable example IRI for an organisation that has none yet."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.strip().lower()).strip("-") or "your-organisation"
    return f"https://example.org/org/{slug}"


def answers_document(
    organisation_name: str,
    answers: Iterable[Mapping[str, object]],
    *,
    organisation: str | None = None,
    date: dt.date | str | None = None,
    method: str = "questionnaire",
    assessor: str = "",
) -> dict:
    """The answers as the document :func:`answers_to_profile` reads (as the CLI's YAML)."""
    rows = []
    for answer in answers:
        status = str(answer.get("status") or "").strip()
        if not status:
            continue  # unanswered: no evidence, counts as not implemented
        rows.append(
            {
                "practice": str(answer["practice"]),
                "status": status,
                "mode": str(answer.get("mode") or "").strip(),
                "justification": str(answer.get("justification") or "").strip(),
            }
        )
    when = date.isoformat() if isinstance(date, dt.date) else (date or dt.date.today().isoformat())
    return {
        "organisation": {
            "iri": organisation or organisation_iri(organisation_name),
            "name": organisation_name,
        },
        "assessment": {"date": when, "method": method, "assessor": assessor},
        "answers": rows,
    }


def questionnaire_turtle(document: dict, store: EmbeddedStore | None = None) -> bytes:
    """The profile the answers make, as Turtle (what 'cmlops-kg import' writes)."""
    return profile_turtle(answers_to_profile(document, "questionnaire", store))

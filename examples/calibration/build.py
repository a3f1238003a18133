"""Build the calibration profiles from the organisations' questionnaire answers.

For every ``examples/calibration/<name>.yaml`` this writes two profiles next to it:

- ``<name>.unknown.ttl``: one piece of evidence per answer; everything the description does not
  mention has no evidence, which the maturity model reads as *unknown*;
- ``<name>.closed.ttl``: the same answers, plus "not implemented" for every criterion whose
  practice and criterion are both unanswered - the "anything unmentioned answered not
  implemented" reading of the original measurement. Criteria that an applicability rule of
  ``ontology/context.ttl`` excludes in the organisation's declared context stay silent, so the
  tool's own rule answers them, as a careful assessor would.

Plain Python and rdflib only (no project code). Run from anywhere:
``python examples/calibration/build.py`` (``--check`` fails if a generated file is stale).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from rdflib import RDF, Graph, Namespace, URIRef

HERE = Path(__file__).resolve().parent
ONTOLOGY = HERE.parent.parent / "ontology"
CMLOPS = Namespace("https://w3id.org/cmlops#")
BASE = "https://example.org/calibration/"
DATE = "2026-03-01"

STATUSES = {
    "implemented",
    "partial",
    "planned",
    "not-implemented",
    "unknown",
    "not-applicable",
}
MODES = {"manual": "earl:manual", "semiAuto": "earl:semiAuto", "automatic": "earl:automatic"}
REQUIRED_KEYS = ("description", "google_level", "azure_level", "justification", "answers")
MIN_WORDS, MAX_WORDS = 120, 250
CLOSED_JUSTIFICATION = (
    "Not mentioned in the description; the closed reading answers everything unmentioned "
    "as not implemented."
)


def _local(node: URIRef) -> str:
    return str(node).split("#", 1)[1]


class Catalogue:
    """The questionnaire: practices, their criteria, context values and applicability rules."""

    def __init__(self) -> None:
        graph = Graph()
        for name in ("practices.ttl", "criteria.ttl", "context.ttl"):
            graph.parse(ONTOLOGY / name, format="turtle")
        self.criterion_of: dict[str, str] = {
            _local(c): _local(p) for c, p in graph.subject_objects(CMLOPS.criterionOf)
        }
        self.practices: set[str] = {
            _local(p)
            for t in (CMLOPS.MLOpsPractice, CMLOPS.DevOpsPractice, CMLOPS.Practice)
            for p in graph.subjects(RDF.type, t)
        }
        self.practices |= set(self.criterion_of.values())
        self.context_values: set[str] = {
            _local(v) for v in graph.subjects(RDF.type, CMLOPS.ContextValue)
        }
        # rules: (when values, unless values, excluded practices or criteria)
        self.rules: list[tuple[set[str], set[str], set[str]]] = []
        for rule in set(graph.subjects(CMLOPS.excludes, None)):
            self.rules.append(
                (
                    {_local(v) for v in graph.objects(rule, CMLOPS.when)},
                    {_local(v) for v in graph.objects(rule, CMLOPS.unless)},
                    {_local(x) for x in graph.objects(rule, CMLOPS.excludes)},
                )
            )

    def criteria(self) -> list[str]:
        return sorted(self.criterion_of)

    def excluded_by_context(self, criterion: str, context: set[str]) -> bool:
        """Whether an applicability rule excludes the criterion (or its practice) in context."""
        practice = self.criterion_of[criterion]
        for when, unless, excludes in self.rules:
            if criterion not in excludes and practice not in excludes:
                continue
            if when & context or (unless and not unless & context):
                return True
        return False


def load(path: Path, catalogue: Catalogue) -> dict:
    """Read one organisation and check it against the questionnaire; raise on any slip."""
    org = yaml.safe_load(path.read_text(encoding="utf-8"))
    problems = [f"missing key {k!r}" for k in REQUIRED_KEYS if k not in org]
    words = len(str(org.get("description", "")).split())
    if not MIN_WORDS <= words <= MAX_WORDS:
        problems.append(f"description has {words} words (want {MIN_WORDS}-{MAX_WORDS})")
    if org.get("google_level") not in (0, 1, 2):
        problems.append("google_level must be 0, 1 or 2")
    if org.get("azure_level") not in (0, 1, 2, 3, 4):
        problems.append("azure_level must be 0-4")
    for value in org.get("context", []):
        if value not in catalogue.context_values:
            problems.append(f"unknown context value {value!r}")
    for key, answer in (org.get("answers") or {}).items():
        if key not in catalogue.criterion_of and key not in catalogue.practices:
            problems.append(f"{key!r} is neither a criterion nor a practice")
        if not isinstance(answer, dict) or answer.get("status") not in STATUSES:
            problems.append(f"{key!r}: status must be one of {sorted(STATUSES)}")
            continue
        if "mode" in answer and answer["mode"] not in MODES:
            problems.append(f"{key!r}: mode must be one of {sorted(MODES)}")
        if answer["status"] == "not-applicable" and not answer.get("justification"):
            problems.append(f"{key!r}: not-applicable needs a justification")
        unknown_keys = set(answer) - {"status", "mode", "justification"}
        if unknown_keys:
            problems.append(f"{key!r}: unexpected keys {sorted(unknown_keys)}")
    if problems:
        raise ValueError(f"{path.name}: " + "; ".join(problems))
    return org


def _literal(text: str) -> str:
    escaped = " ".join(str(text).split()).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _evidence(assessment: str, key: str, answer: dict) -> str:
    about = "cmlops:aboutCriterion" if "." in key else "cmlops:aboutPractice"
    lines = [
        f"<{assessment}/evidence/{key}> a cmlops:Evidence ;",
        f"    prov:wasGeneratedBy <{assessment}> ;",
        f"    {about} cmlops:{key} ;",
        f"    cmlops:status cmlops:status-{answer['status']}",
    ]
    if "mode" in answer:
        lines[-1] += " ;"
        lines.append(f"    earl:mode {MODES[answer['mode']]}")
    if answer.get("justification"):
        lines[-1] += " ;"
        lines.append(f"    cmlops:justification {_literal(answer['justification'])}")
    lines[-1] += " ."
    return "\n".join(lines)


def render(name: str, org: dict, catalogue: Catalogue, closed: bool) -> str:
    """The Turtle text of one profile (deterministic, so regenerating changes nothing)."""
    organisation = f"{BASE}{name}"
    assessment = f"{organisation}/assessment/{DATE}"
    reading = "closed" if closed else "unknown"
    label = org.get("name", name)
    answers: dict[str, dict] = dict(org["answers"])
    context = set(org.get("context", []))
    if closed:
        answered_practices = {k for k in answers if "." not in k}
        for criterion in catalogue.criteria():
            if criterion in answers or catalogue.criterion_of[criterion] in answered_practices:
                continue
            if catalogue.excluded_by_context(criterion, context):
                continue
            answers[criterion] = {
                "status": "not-implemented",
                "justification": CLOSED_JUSTIFICATION,
            }
    head = [
        f"# Calibration profile: {label} ({reading} reading). Generated by"
        " examples/calibration/build.py",
        f"# from {name}.yaml - do not edit. Published levels: Google {org['google_level']},"
        f" Azure {org['azure_level']}.",
        "",
        "@prefix cmlops: <https://w3id.org/cmlops#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix earl: <http://www.w3.org/ns/earl#> .",
        "@prefix org: <http://www.w3.org/ns/org#> .",
        "@prefix prov: <http://www.w3.org/ns/prov#> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"<{organisation}> a org:Organization ;",
        f"    rdfs:label {_literal(label)} ;",
        f"    dcterms:description {_literal(org['description'])}@en .",
        "",
        f"<{assessment}> a cmlops:Assessment ;",
        f"    rdfs:label {_literal(f'{label} calibration assessment ({reading} reading)')} ;",
        f"    cmlops:assesses <{organisation}> ;",
        f'    dcterms:date "{DATE}"^^xsd:date ;',
    ]
    if context:
        values = " , ".join(f"cmlops:{v}" for v in sorted(context))
        head.append(f"    cmlops:inContext {values} ;")
    head.append("    cmlops:method cmlops:method-questionnaire .")
    blocks = [_evidence(assessment, key, answers[key]) for key in sorted(answers)]
    return "\n".join(head) + "\n\n" + "\n\n".join(blocks) + "\n"


def organisations() -> list[Path]:
    return sorted(HERE.glob("*.yaml"))


def main(argv: list[str]) -> int:
    check = "--check" in argv
    catalogue = Catalogue()
    stale = []
    for path in organisations():
        name = path.stem
        org = load(path, catalogue)
        for closed in (False, True):
            target = HERE / f"{name}.{'closed' if closed else 'unknown'}.ttl"
            text = render(name, org, catalogue, closed)
            if check:
                if not target.exists() or target.read_text(encoding="utf-8") != text:
                    stale.append(target.name)
            else:
                target.write_text(text, encoding="utf-8")
    if stale:
        print("stale:", ", ".join(stale))
        return 1
    print(f"{len(organisations())} organisations, {2 * len(organisations())} profiles")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""The v2 questionnaire: generated from the ontology (criteria, context, targets), answered in
YAML, imported as a valid profile whose levels follow from the answers by hand; every error of
an answers file reported at once, located in words; YAML read safely."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

import cmlops_kg
from cmlops_kg.assessment.questionnaire import (
    PLACEHOLDER_IRI,
    STATUSES,
    AnswersError,
    answers_document,
    answers_to_profile,
    catalogue,
    load_answers,
    organisation_iri,
    parse_answers,
    questionnaire_document,
    questionnaire_yaml,
)
from cmlops_kg.cli import main
from cmlops_kg.errors import InputError
from cmlops_kg.rdf.ontology import ontology_files
from cmlops_kg.resources import SCHEMAS_DIR
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.validation import validate_profile

CMLOPS = "https://w3id.org/cmlops#"
TEMPLATE = questionnaire_document()
DATA = "Data management and quality"
MONITORING = "Monitoring and feedback"


def fresh() -> dict:
    doc = copy.deepcopy(TEMPLATE)
    doc["organisation"]["name"] = "Round Trip Co"
    doc["assessment"]["date"] = "2026-05-04"
    return doc


def practices(doc: dict, dimension: str | None = None) -> list[dict]:
    return [
        q for d in doc["dimensions"] if dimension in (None, d["dimension"]) for q in d["questions"]
    ]


def entry(doc: dict, key: str) -> dict:
    return next(q for q in practices(doc) if q["practice"] == key)


def criterion(doc: dict, key: str) -> dict:
    practice = entry(doc, key.split(".", 1)[0])
    return next(c for c in practice["criteria"] if c["criterion"] == key)


def required(q: dict) -> list[dict]:
    return [c for c in q["criteria"] if not c["supporting"]]


def problems(doc: dict) -> list[str]:
    with pytest.raises(AnswersError) as caught:
        answers_to_profile(doc, "answers.yaml")
    return [str(p) for p in caught.value.problems]


# -- the questionnaire ---------------------------------------------------------------------------
def test_every_practice_and_criterion_of_the_ontology_is_asked(ontology_store):
    asked = {q["practice"] for q in practices(TEMPLATE)}
    criteria = {c["criterion"] for q in practices(TEMPLATE) for c in q["criteria"]}
    practice_rows = ontology_store.select("questionnaire")
    criterion_rows = ontology_store.select("questionnaire_criteria")
    assert asked == {str(r["practice"]).removeprefix(CMLOPS) for r in practice_rows}
    assert criteria == {str(r["criterion"]).removeprefix(CMLOPS) for r in criterion_rows}
    assert len(criteria) >= 250
    assert all(
        c.startswith(f"{q['practice']}.")
        for q in practices(TEMPLATE)
        for c in (x["criterion"] for x in q["criteria"])
    )


def test_each_entry_carries_what_an_assessor_needs_and_blank_answers():
    q = entry(TEMPLATE, "data-validation")
    assert q["label"] == "Data validation" and q["level"] == 2
    assert q["definition"] and q["question"].endswith("?")
    assert (q["status"], q["mode"], q["justification"], q["sources"]) == ("", "", "", [])
    c = criterion(TEMPLATE, "data-validation.schema")
    assert (
        c["question"].endswith("?") and c["evidence"] == "The schema file and its commit history."
    )
    assert c["supporting"] is False
    assert (c["status"], c["mode"], c["justification"], c["sources"]) == ("", "", "", [])
    assert any(x["supporting"] for p in practices(TEMPLATE) for x in p["criteria"])
    assert TEMPLATE["allowed"]["status"] == STATUSES
    assert "unknown" in STATUSES


def test_context_rules_are_shown_where_they_answer_a_question():
    assert entry(TEMPLATE, "ab-testing")["not-applicable-when"] == [
        "Serving mode: batch only",
        "Serving mode: not in production",
    ]
    assert criterion(TEMPLATE, "prediction-service-tests.load-tested")["not-applicable-when"] == [
        "Serving mode: batch only"
    ]


def test_context_and_target_blocks_list_their_choices_blank():
    serving = TEMPLATE["context"]["serving-mode"]
    assert serving["value"] == ""
    assert list(serving["choices"]) == ["online", "batch", "edge", "none"]
    assert set(TEMPLATE["context"]) == {
        "serving-mode",
        "generative-ai",
        "risk-class",
        "team-size",
        "operator-role",
    }
    assert TEMPLATE["context"]["generative-ai"]["choices"] == {
        "yes": "uses generative AI",
        "no": "no generative AI",
    }
    target = TEMPLATE["target"]
    assert target["preset"] == "" and "batch-production" in target["presets"]
    assert set(target["levels"].values()) == {None} and DATA in target["levels"]
    assert TEMPLATE["organisation"] == {"name": "", "iri": ""}


def test_the_yaml_explains_the_answers_and_reads_back_as_the_document(tmp_path):
    text = questionnaire_yaml()
    header = text.split("organisation:", 1)[0]
    for word in ("implemented", "partial", "planned", "not-implemented", "unknown"):
        assert word in header
    assert "A blank status means unknown (no evidence)" in header
    assert "not-applicable   does not apply here: needs a `justification`" in header
    assert yaml.safe_load(text)["dimensions"] == TEMPLATE["dimensions"]
    assert parse_answers(text.encode())["context"] == TEMPLATE["context"]  # 'yes' stays text


def test_the_answers_schema_accepts_the_template_and_a_filled_file():
    schema = json.loads((SCHEMAS_DIR / "answers.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert not list(validator.iter_errors(TEMPLATE))
    doc = fresh()
    doc["target"] = "batch-production"
    doc["context"] = {"serving-mode": "batch"}
    doc["answers"] = [{"criterion": "data-validation.schema", "status": "implemented"}]
    assert not list(validator.iter_errors(doc))
    doc["dimensions"][0]["questions"][0]["status"] = "maybe"
    assert list(validator.iter_errors(doc))


def test_a_criterion_added_in_turtle_is_asked_and_imported(tmp_path):
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix cmlops: <https://w3id.org/cmlops#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "cmlops:data-validation.units a cmlops:Criterion ;\n"
        "    cmlops:criterionOf cmlops:data-validation ; cmlops:sortOrder 9 ;\n"
        '    rdfs:label "Units of every numeric feature declared"@en ;\n'
        '    cmlops:question "Does the schema declare the unit of every numeric feature?"@en ;\n'
        '    cmlops:evidenceToShow "The units in the schema file."@en .\n'
    )
    store = EmbeddedStore()
    store.load_ontology([*ontology_files(), extra])
    doc = questionnaire_document(store)
    asked = next(q for q in practices(doc) if q["practice"] == "data-validation")["criteria"]
    assert asked[-1]["criterion"] == "data-validation.units"
    assert asked[-1]["evidence"] == "The units in the schema file."
    doc["organisation"]["name"] = "Units Co"
    asked[-1]["status"] = "implemented"
    profile = answers_to_profile(doc, "units.yaml", store)
    about = {
        t.object.value for t in profile.triples if t.predicate.value.endswith("aboutCriterion")
    }
    assert about == {CMLOPS + "data-validation.units"}


# -- the round trip: answers -> profile -> levels worked out by hand ------------------------------
def test_round_trip_gives_the_levels_worked_out_by_hand(tmp_path, capsys):
    doc = fresh()
    doc["context"]["serving-mode"]["value"] = "batch"
    doc["context"]["generative-ai"]["value"] = "no"
    doc["target"]["preset"] = "batch-production"
    # every level-1 practice answered as a whole: implemented, automated
    for q in practices(doc):
        if q["level"] == 1:
            q["status"], q["mode"] = "implemented", "automated"
    # Data, level 2: every criterion answered one by one, all implemented, except one required
    # criterion of the first level-2 practice (not implemented) and one criterion of the second
    # (not applicable, justified: excluded, the practice stays implemented)
    data2 = [q for q in practices(doc, DATA) if q["level"] == 2]
    for q in data2:
        for c in q["criteria"]:
            c["status"], c["mode"] = "implemented", "manual"
    missing = required(data2[0])[0]
    missing["status"], missing["mode"] = "not-implemented", ""
    waived = data2[1]["criteria"][-1]
    waived["status"], waived["mode"] = "not-applicable", ""
    waived["justification"] = "All our features are numeric; there is nothing to label."
    # Monitoring, level 1: the whole practice is implemented, but one of its required criteria is
    # explicitly unknown -- the criterion's own answer governs it
    mon1 = next(q for q in practices(doc, MONITORING) if q["level"] == 1)
    doubt = required(mon1)[0]
    doubt["status"] = "unknown"
    answers = tmp_path / "answers.yaml"
    answers.write_text(questionnaire_yaml(document=doc))
    out = tmp_path / "profile.ttl"
    assert main(["import", str(answers), "--out", str(out)]) == 0
    assert "next: cmlops-kg assess" in capsys.readouterr().out
    assert main(["validate", str(out)]) == 0
    result = cmlops_kg.assess(out)

    # by hand: Data is proven 1 and can be no more (a level-2 practice is known to be missing);
    # Monitoring is proven 0 (a level-1 criterion is unknown) and may be 4 (nothing below 4 is
    # known to be missing); every other dimension is proven 1 (level 1 answered, level 2 blank)
    # and may be 4. Readiness 0 (Monitoring), potential readiness 1 (Data).
    levels = {d.label: (d.level, d.potential) for d in result.dimensions}
    expected = {label: (1, 4) for label in levels}
    expected[DATA] = (1, 1)
    expected[MONITORING] = (0, 4)
    assert levels == expected
    assert (result.readiness.level, result.readiness.potential) == (0, 1)
    assert result.readiness.limiting_dimensions == [MONITORING]
    assert result.organisation == "https://example.org/org/round-trip-co"
    assert result.label == "Round Trip Co" and result.date == "2026-05-04"
    assert {c.value.removeprefix(CMLOPS) for c in result.context} == {"serving-batch", "genai-no"}
    assert result.target is not None and result.target.iri == CMLOPS + "target-batch-production"
    state = {str(r["criterion"]).removeprefix(CMLOPS): r for r in result.criteria}
    assert state[missing["criterion"]]["state"] == "not-met"
    assert state[waived["criterion"]]["state"] == "excluded"
    assert state[waived["criterion"]]["reason"] == waived["justification"]
    assert state[doubt["criterion"]]["state"] == "unknown"
    others = [c for c in required(mon1) if c is not doubt]
    assert all(state[c["criterion"]]["state"] == "met" for c in others)  # the practice speaks
    # batch only: A/B testing is excluded by the context rule, with the rule's justification
    ab = [r for k, r in state.items() if k.startswith("ab-testing.")]
    assert ab and all(r["state"] == "excluded" and "batch only" in r["reason"] for r in ab)
    practice = {str(p["practice"]).removeprefix(CMLOPS): p for p in result.practices}
    assert practice[data2[1]["practice"]]["satisfied"]
    assert not practice[data2[0]["practice"]]["satisfied"]
    assert mon1["label"] in [q.label for q in result.open_questions if q.blocks_readiness]


def test_whole_practice_and_criterion_answers_become_the_right_evidence():
    doc = fresh()
    entry(doc, "data-validation")["status"] = "partial"
    c = criterion(doc, "data-validation.schema")
    c.update(status="implemented", mode="automated", sources=["https://git.example/s.yaml", "x"])
    c["confidence"] = 0.8
    profile = answers_to_profile(doc, "a.yaml")
    assert validate_profile(profile).conforms
    by_subject: dict[str, dict[str, set[str]]] = {}
    for t in profile.triples:
        by_subject.setdefault(t.subject.value, {}).setdefault(t.predicate.value, set()).add(
            t.object.value
        )
    base = "https://example.org/org/round-trip-co/assessment/2026-05-04/evidence/"
    practice = by_subject[base + "data-validation"]
    assert practice[CMLOPS + "aboutPractice"] == {CMLOPS + "data-validation"}
    assert practice[CMLOPS + "status"] == {CMLOPS + "status-partial"}
    crit = by_subject[base + "data-validation.schema"]
    assert crit[CMLOPS + "aboutCriterion"] == {CMLOPS + "data-validation.schema"}
    assert crit["http://www.w3.org/ns/earl#mode"] == {"http://www.w3.org/ns/earl#automatic"}
    assert crit["http://purl.org/dc/terms/source"] == {"https://git.example/s.yaml", "x"}
    assert crit[CMLOPS + "confidence"] == {"0.800"}


def test_the_flat_answers_list_of_the_explorer_takes_criteria_context_and_target():
    doc = answers_document(
        "Form Co",
        [
            {"criterion": "data-validation.schema", "status": "implemented", "mode": "manual"},
            {"practice": "version-control", "status": "implemented"},
            {"practice": "feature-store", "status": ""},  # unknown: left out
        ],
        date="2026-02-03",
        context={"serving-mode": "online"},
        target={"Data management and quality": 3},
    )
    profile = answers_to_profile(doc, "form")
    assert validate_profile(profile).conforms
    result = cmlops_kg.assess(profile)
    assert result.organisation == "https://example.org/org/form-co"
    assert result.target is not None and result.target.levels == {CMLOPS + "dim-data": 3}
    assert [c.label for c in result.context] == ["online service"]


@pytest.mark.parametrize(
    ("written", "key"),
    [("Not Implemented", "not-implemented"), ("not applicable", "not-applicable")],
)
def test_statuses_in_words_with_spaces_or_capitals_are_read(written, key):
    doc = fresh()
    c = criterion(doc, "data-validation.schema")
    c["status"], c["justification"] = written, "a reason"
    profile = answers_to_profile(doc, "a.yaml")
    assert any(t.object.value == CMLOPS + f"status-{key}" for t in profile.triples)


# -- the organisation's IRI ----------------------------------------------------------------------
def test_the_iri_is_derived_from_the_name_when_only_the_name_is_given():
    assert organisation_iri("Acme Analytics") == "https://example.org/org/acme-analytics"
    assert organisation_iri("Müller & Söhne AG") == "https://example.org/org/muller-sohne-ag"
    assert organisation_iri("Acme", "https://acme.example/teams/") == (
        "https://acme.example/teams/acme"
    )
    assert organisation_iri("Acme", "https://acme.example/teams") == (
        "https://acme.example/teams/acme"
    )
    assert organisation_iri("数据团队").startswith("https://example.org/org/org-")
    doc = fresh()
    criterion(doc, "data-validation.schema")["status"] = "implemented"
    profile = answers_to_profile(doc, "a.yaml", base_iri="https://acme.example/org/")
    assert profile.assessment_iris() == [
        "https://acme.example/org/round-trip-co/assessment/2026-05-04"
    ]


def test_two_teams_that_give_only_their_names_do_not_collide(tmp_path, capsys):
    iris = set()
    for name in ("Team Alpha", "Team Beta"):
        doc = fresh()
        doc["organisation"]["name"] = name
        criterion(doc, "data-validation.schema")["status"] = "implemented"
        iris.add(answers_to_profile(doc, "a.yaml").assessment_iris()[0])
    assert len(iris) == 2


@pytest.mark.parametrize("iri", [PLACEHOLDER_IRI, PLACEHOLDER_IRI + "/"])
def test_the_placeholder_iri_is_refused_with_a_clear_message(tmp_path, capsys, iri):
    doc = fresh()
    doc["organisation"]["iri"] = iri
    criterion(doc, "data-validation.schema")["status"] = "implemented"
    path, out = tmp_path / "a.yaml", tmp_path / "p.ttl"
    path.write_text(yaml.safe_dump(doc))
    assert main(["import", str(path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "organisation › iri" in err and "placeholder" in err
    assert "leave `iri` empty to derive https://example.org/org/round-trip-co" in err
    assert not out.exists()


def test_a_placeholder_name_is_refused_too():
    doc = fresh()
    doc["organisation"]["name"] = "Your organisation"
    criterion(doc, "data-validation.schema")["status"] = "implemented"
    assert any("placeholder name" in p for p in problems(doc))


def test_the_import_cli_takes_a_base_iri(tmp_path, capsys):
    doc = fresh()
    criterion(doc, "data-validation.schema")["status"] = "implemented"
    path, out = tmp_path / "a.yaml", tmp_path / "p.ttl"
    path.write_text(yaml.safe_dump(doc))
    assert main(["import", str(path), "--out", str(out), "--base-iri", "urn:acme:org:"]) == 0
    assert "<urn:acme:org:round-trip-co>" in out.read_text()
    assert main(["import", str(path), "--out", str(out), "--base-iri", "not an iri"]) == 2
    assert "--base-iri" in capsys.readouterr().err


# -- every error class, located in words, all at once --------------------------------------------
def _set(path: str, value: object):
    """A mutation of the answers: 'a.b.c' = value (criteria and practices by key)."""

    def mutate(doc: dict) -> None:
        head, _, field = path.rpartition(".")
        if head.startswith("practice:"):
            target = entry(doc, head.removeprefix("practice:"))
        elif head.startswith("criterion:"):
            target = criterion(doc, head.removeprefix("criterion:"))
        else:
            target = doc
            for part in [p for p in head.split(".") if p]:
                target = target[part]
        target[field] = value

    return mutate


DV = "Data management and quality › Data validation"
DVS = f"{DV} › criterion data-validation.schema"
ERRORS = [
    (_set("colour", "blue"), "the answers file: unknown key 'colour'"),
    (_set("organisation.name", ""), "organisation › name: the organisation has no name"),
    (_set("organisation.iri", "acme"), "organisation › iri: 'acme' is not an IRI"),
    (_set("organisation.secret", "x"), "organisation: unknown key 'secret'"),
    (
        _set("assessment.date", "2026-13-45"),
        "assessment › date: '2026-13-45' is not a date (month must be in 1..12)",
    ),
    (_set("assessment.date", "someday"), "assessment › date: 'someday' is not a date"),
    (_set("assessment.date", ""), "assessment › date: no date"),
    (_set("assessment.method", "guess"), "assessment › method: 'guess' is not a method"),
    (_set("context.weather", "sunny"), "context › weather: 'weather' is not a context factor"),
    (
        _set("context.serving-mode.value", "cloud"),
        "context › Serving mode › value: 'cloud' is not a value of serving mode; use one of "
        "online (online service), batch (batch only)",
    ),
    (_set("context.serving-mode.colour", "x"), "context › Serving mode: unknown key 'colour'"),
    (_set("target.preset", "gold"), "target › preset: 'gold' is not a target preset"),
    (
        _set("target.levels.Data management and quality", 7),
        "target › levels › Data management and quality: '7' is not a level",
    ),
    (
        _set("target.levels.Happiness", 2),
        "target › levels › Happiness: 'Happiness' is not a dimension",
    ),
    (
        lambda d: d["target"].update(preset="uniform-2", levels={DATA: 3}),
        "target: both a preset and levels are given",
    ),
    (_set("target", 42), "target: must be a preset name or a mapping, not int"),
    (_set("practice:data-validation.stauts", "x"), f"{DV}: unknown key 'stauts'"),
    (_set("practice:data-validation.practice", "telepathy"), "unknown practice 'telepathy'"),
    (
        _set("criterion:data-validation.schema.criterion", "data-validation.mind-reading"),
        "unknown criterion 'data-validation.mind-reading'",
    ),
    (_set("criterion:data-validation.schema.colour", "x"), f"{DVS}: unknown key 'colour'"),
    (
        _set("criterion:data-validation.schema.status", "maybe"),
        f"{DVS} › status: 'maybe' is not a status; use one of implemented, partial, planned, "
        "not-implemented, unknown, not-applicable",
    ),
    (
        _set("practice:data-validation.status", "done"),
        f"{DV} › status: 'done' is not a status",
    ),
    (
        lambda d: criterion(d, "data-validation.schema").update(status="implemented", mode="robot"),
        f"{DVS} › mode: 'robot' is not a mode; use one of manual, semi-automated, automated",
    ),
    (
        _set("criterion:data-validation.schema.status", "not-applicable"),
        f"{DVS} › justification: data-validation.schema is marked not-applicable without a "
        "justification",
    ),
    (
        _set("criterion:data-validation.schema.mode", "automated"),
        f"{DVS} › status: the status is blank (unknown) but mode is filled in",
    ),
    (
        lambda d: criterion(d, "data-validation.schema").update(status="partial", sources={"a": 1}),
        f"{DVS} › sources: must be a list of URLs or file paths",
    ),
    (
        lambda d: criterion(d, "data-validation.schema").update(status="partial", confidence=3),
        f"{DVS} › confidence: '3' is not a confidence",
    ),
    (
        lambda d: (
            d.update(answers=[{"criterion": "data-validation.schema", "status": "partial"}])
            or criterion(d, "data-validation.schema").update(status="implemented")
        ),
        f"{DVS}: criterion data-validation.schema is answered twice (also at {DVS})",
    ),
    (
        _set("answers", [{"practice": "telepathy", "status": "partial"}]),
        "answers › entry 1: unknown practice 'telepathy'",
    ),
    (_set("dimensions", {"a": 1}), "dimensions: must be a list, not a mapping"),
    (lambda d: None, "the answers file: nothing is answered"),
]


@pytest.mark.parametrize(("mutate", "message"), ERRORS, ids=[m for _, m in ERRORS])
def test_every_error_is_located_in_words(mutate, message):
    doc = fresh()
    if message != "the answers file: nothing is answered":
        criterion(doc, "data-validation.completeness")["status"] = "implemented"
    mutate(doc)
    found = problems(doc)
    assert any(message in p for p in found), found


def test_all_errors_are_reported_at_once_and_nothing_is_written(tmp_path, capsys):
    doc = fresh()
    doc["assessment"]["date"] = "2026-13-45"
    doc["context"]["serving-mode"]["value"] = "cloud"
    criterion(doc, "data-validation.schema")["status"] = "maybe"
    criterion(doc, "data-validation.completeness")["status"] = "not-applicable"
    entry(doc, "feature-store")["colour"] = "blue"
    entry(doc, "version-control")["status"] = "implemented"  # fine: not in the report
    path, out = tmp_path / "answers.yaml", tmp_path / "profile.ttl"
    path.write_text(yaml.safe_dump(doc))
    assert main(["import", str(path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "5 problems in the answers; nothing was written" in err
    for where in (
        "assessment › date: '2026-13-45' is not a date",
        "context › Serving mode › value: 'cloud'",
        f"{DVS} › status: 'maybe' is not a status",
        "criterion data-validation.completeness › justification",
        "Feature store: unknown key 'colour'",
    ):
        assert where in err
    assert "Traceback" not in err and "Version control" not in err
    assert not out.exists()


def test_an_answer_that_does_not_validate_is_not_written(tmp_path, capsys, monkeypatch):
    """The shapes are the last word: a profile that does not validate is never written."""
    from cmlops_kg.cli import questionnaire as cli_questionnaire

    class Failing:
        conforms = False
        findings = ()
        source = "answers"

    monkeypatch.setattr(cli_questionnaire.api, "validate", lambda profile: Failing())
    monkeypatch.setattr(cli_questionnaire, "format_validation_report", lambda reports: "report")
    doc = fresh()
    criterion(doc, "data-validation.schema")["status"] = "implemented"
    path, out = tmp_path / "a.yaml", tmp_path / "p.ttl"
    path.write_text(yaml.safe_dump(doc))
    assert main(["import", str(path), "--out", str(out)]) == 1
    assert "nothing was written" in capsys.readouterr().out
    assert not out.exists()


# -- YAML read safely ----------------------------------------------------------------------------
def _import(tmp_path: Path, text: str | bytes, capsys) -> tuple[int, str]:
    path = tmp_path / "answers.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    out = tmp_path / "p.ttl"
    code = main(["import", str(path), "--out", str(out)])
    assert not out.exists() or code == 0
    return code, capsys.readouterr().err


@pytest.mark.parametrize("opening", ["[", "{a: "])
def test_50k_deep_nesting_gives_a_clear_error_not_a_recursion_error(tmp_path, capsys, opening):
    closing = {"[": "]", "{a: ": "}"}[opening]
    code, err = _import(tmp_path, "x: " + opening * 50_000 + closing * 50_000 + "\n", capsys)
    assert code == 2
    assert "nested more than 32 levels deep" in err
    assert "Traceback" not in err and "RecursionError" not in err


def test_deep_block_nesting_is_refused_too(tmp_path, capsys):
    text = "".join(f"{'  ' * i}k{i}:\n" for i in range(2000)) + "  " * 2000 + "v\n"
    code, err = _import(tmp_path, text, capsys)
    assert code == 2 and "nested more than" in err


def test_aliases_are_refused(tmp_path, capsys):
    code, err = _import(tmp_path, "a: &x {b: 1}\nc: *x\n", capsys)
    assert code == 2 and "aliases" in err


def test_python_objects_are_refused(tmp_path, capsys):
    code, err = _import(tmp_path, "organisation: !!python/object/apply:os.system ['id']\n", capsys)
    assert code == 2 and "not valid YAML" in err


def test_duplicate_keys_are_refused(tmp_path, capsys):
    code, err = _import(tmp_path, "organisation: {name: A, name: B}\n", capsys)
    assert code == 2 and "'name' appears twice" in err and "line 1" in err


def test_too_large_and_not_utf8_files_are_refused(tmp_path, capsys):
    code, err = _import(tmp_path, b"#" * (5 * 1024 * 1024 + 1), capsys)
    assert code == 2 and "too large" in err
    code, err = _import(tmp_path, b"organisation: {name: \xff}\n", capsys)
    assert code == 2 and "not UTF-8" in err


def test_unquoted_dates_and_yes_no_are_read_as_text_and_checked():
    doc = parse_answers(b"assessment: {date: 2026-13-45}\ncontext: {generative-ai: yes}\nx: no\n")
    assert doc == {
        "assessment": {"date": "2026-13-45"},
        "context": {"generative-ai": "yes"},
        "x": "no",
    }
    doc = fresh()
    doc["context"] = {"generative-ai": "yes"}
    criterion(doc, "data-validation.schema")["status"] = "implemented"
    text = questionnaire_yaml(document=doc).replace("date: '2026-05-04'", "date: 2026-05-04")
    profile = answers_to_profile(parse_answers(text.encode()), "a.yaml")
    assert any(t.object.value == CMLOPS + "genai-yes" for t in profile.triples)


def test_a_file_that_is_not_a_mapping(tmp_path, capsys):
    code, err = _import(tmp_path, "- a\n- b\n", capsys)
    assert code == 2 and "must be a mapping" in err
    with pytest.raises(InputError, match="no such file"):
        load_answers(tmp_path / "missing.yaml")


def test_the_catalogue_is_read_once_per_store(ontology_store):
    assert catalogue(ontology_store) is catalogue(ontology_store)

"""The explorer, page by page, with Streamlit's headless AppTest.

Expected values come from the data (the case studies' expected-results files, the catalogue,
the CLI), never from constants here. Charts are opaque to AppTest; their data builders are
tested in tests/test_charts.py and the real rendering in tests/test_app_browser.py.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
import sys
import tomllib
from pathlib import Path

import pytest
import rdflib
import yaml
from streamlit.testing.v1 import AppTest

from cmlops_kg import api, cli
from cmlops_kg.app import support as app_support
from cmlops_kg.app.loaded import MAX_UPLOAD_BYTES, analyse, read_upload
from cmlops_kg.casestudies import case_studies, find_case_study, invalid_examples
from cmlops_kg.errors import InputError
from cmlops_kg.present.framework import (
    load_catalogue,
    practice_detail,
    search_practices,
    search_texts,
)

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
PAGES = {
    "framework": ("cmlops_kg/app/pages/framework.py", "The Continuous ML Development framework"),
    "graph": ("cmlops_kg/app/pages/graph.py", "Ontology graph"),
    "assess": ("cmlops_kg/app/pages/assess.py", "Assess an organisation"),
    "compare": ("cmlops_kg/app/pages/compare.py", "Compare organisations"),
    "sparql": ("cmlops_kg/app/pages/sparql.py", "SPARQL"),
    "validate": ("cmlops_kg/app/pages/validate.py", "Validate a profile"),
    "lab": ("cmlops_kg/app/pages/lab.py", "Validation lab"),
}
CASES = case_studies()
GOOGLE = "https://w3id.org/cmlops#google-mlops"
AZURE = "https://w3id.org/cmlops#azure-mlops"
BROKEN_TURTLE = b"@prefix : <urn:x:> .\n:a :b"


# AppTest learnt to drive some widgets after the Streamlit floor (pyproject): on an older
# Streamlit (.ci/min-versions) the tests that need them are skipped, saying so, and the
# browser test still drives the real widgets.
APPTEST_WIDGETS = {
    "file_uploader": ("1.55", ("at.file_uploader",)),
}


@pytest.fixture(autouse=True)
def _apptest_can_drive_the_widgets(request):
    source = inspect.getsource(request.function)
    for widget, (since, uses) in APPTEST_WIDGETS.items():
        if any(use in source for use in uses) and not hasattr(AppTest, widget):
            pytest.skip(f"this Streamlit's AppTest cannot drive st.{widget} (from {since} on)")


APP_RUN_BUDGET_S = 300  # a safety net against a hung script, not a speed assertion


def open_app(page: str | None = None, query_params: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=APP_RUN_BUDGET_S)
    at.query_params.update(query_params or {})
    at.run()
    if page is not None:
        at.switch_page(PAGES[page][0]).run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def level_shown(at: AppTest, label: str) -> int:
    """The proven level of a metric shown as "1" or "1 (up to 3)"."""
    return int(metric(at, label).split()[0])


def query_param(at: AppTest, name: str) -> str:
    """A URL parameter's one value (older AppTests report every parameter as a list)."""
    value = at.query_params[name]
    if isinstance(value, list):
        assert len(value) == 1, value
        value = value[0]
    return value


def errors(at: AppTest) -> str:
    return "\n".join(e.value for e in at.error)


# -- navigation ----------------------------------------------------------------------------------
def test_framework_is_the_default_page():
    at = open_app()
    assert at.title[0].value == PAGES["framework"][1]


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_opens_without_error(page):
    at = open_app(page)
    assert at.title[0].value == PAGES[page][1]
    assert not at.error


# -- framework -----------------------------------------------------------------------------------
def test_framework_metrics_come_from_the_catalogue(ontology_store):
    counts = load_catalogue(ontology_store).counts()
    at = open_app()
    assert int(metric(at, "Practices")) == counts["practices"]
    assert int(metric(at, "DevOps practices")) == counts["DevOps"]
    assert int(metric(at, "Lifecycle phases")) == counts["phases"]
    assert len(at.expander) >= counts["phases"]


def test_search_by_name_filters_the_practice_list():
    at = open_app()
    at.text_input(key="fw_search").set_value("drift").run()
    options = at.selectbox(key="fw_practice").options
    assert options and all("drift" in o.lower() for o in options)


def test_practice_page_shows_definition_crosswalk_and_sources():
    at = open_app(query_params={"practice": "data-validation"})
    assert at.subheader[0].value == "Data validation"
    text = "\n".join(m.value for m in at.markdown)
    assert "Extends:" in text and "Prerequisites:" in text and "Interfaces it secures:" in text
    crosswalk = next(df.value for df in at.dataframe if "Ids" in df.value.columns)
    assert "Data 1" in " ".join(crosswalk["Ids"])
    assert "](http" in text  # sources are links


@pytest.mark.parametrize(
    ("practice", "builds_on"),
    [("data-versioning", False), ("data-contracts", True)],  # extends DevOps / ML practice
)
def test_practice_page_names_the_devops_root_only_when_it_adds_something(practice, builds_on):
    at = open_app(query_params={"practice": practice})
    text = "\n".join(m.value for m in at.markdown)
    assert "Extends:" in text
    assert ("DevOps practice it builds on:" in text) is builds_on
    if builds_on:  # data contracts -> data validation -> ... -> a DevOps practice
        line = next(x for x in text.splitlines() if "builds on" in x)
        assert "Data validation" not in line


def test_choosing_a_practice_updates_the_link(ontology_store):
    practice = load_catalogue(ontology_store).practices[1]
    at = open_app()
    at.selectbox(key="fw_practice").set_value(practice.key).run()
    assert query_param(at, "practice") == practice.key
    assert at.subheader[0].value == practice.label


# -- ontology graph ------------------------------------------------------------------------------
def graph_figure(at: AppTest) -> dict:
    """The Plotly figure the page sends (AppTest does not render it, but carries its JSON)."""
    charts = at.get("plotly_chart")
    assert len(charts) == 1
    return json.loads(charts[0].proto.spec)


def drawn_nodes(figure: dict) -> set[str]:
    return {i for trace in figure["data"] for i in trace.get("customdata") or []}


def test_graph_page_draws_every_node_and_a_search_narrows_it(ontology_store):
    from cmlops_kg.present.graph import load_graph

    graph = load_graph(ontology_store)
    at = open_app("graph")
    assert drawn_nodes(graph_figure(at)) == {n.id for n in graph.nodes}
    at.text_input(key="graph_search").set_value("kedro").run()
    assert not at.exception
    practices = load_catalogue(ontology_store).practices
    hits = search_practices(practices, "kedro", search_texts(ontology_store))
    assert f"{len(hits)} of {len(practices)} practices match." in [c.value for c in at.caption]
    keys = at.selectbox(key="graph_node").options
    assert len(keys) == len(hits) and all("(" in k for k in keys)
    at.checkbox(key="graph_only_matches").check().run()
    assert drawn_nodes(graph_figure(at)) == {p.iri for p in hits}


def test_choosing_a_graph_node_shows_its_detail_and_neighbourhood(ontology_store):
    detail = practice_detail(ontology_store, "data-lineage")
    at = open_app("graph")
    at.selectbox(key="graph_node").set_value(detail.iri).run()
    assert not at.exception
    assert at.subheader[0].value == detail.label
    text = "\n".join(m.value for m in at.markdown)
    assert detail.definition in text
    extends = next(line for line in text.splitlines() if line.startswith("- **Extends:**"))
    assert all(r.label in extends for r in detail.related("extends"))
    assert "Kedro" in text  # a tool of the scanner signals that evidence it
    table = next(df.value for df in at.dataframe if "Relation" in df.value.columns)
    assert set(table["Node"]) >= {r.label for r in detail.related("requires")}
    # the chart focuses the neighbourhood: the chosen node and its neighbours are named
    named = {
        i
        for trace in graph_figure(at)["data"]
        for i, label in zip(trace.get("customdata") or [], trace.get("text") or [], strict=False)
        if label
    }
    assert detail.iri in named
    assert {r.iri for r in detail.related("extends")} <= named


def test_graph_page_shows_a_pipeline_and_an_interface(ontology_store):
    cat = load_catalogue(ontology_store)
    interface = cat.interfaces[0]
    at = open_app("graph")
    at.selectbox(key="graph_node").set_value(interface.iri).run()
    assert at.subheader[0].value == interface.label
    text = "\n".join(m.value for m in at.markdown)
    assert interface.source_label in text and interface.target_label in text
    at.selectbox(key="graph_node").set_value(interface.source).run()
    assert at.subheader[0].value == interface.source_label
    assert not at.exception


# -- assess --------------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_case_study_shows_its_expected_levels(case):
    assert case.expected_level is not None, f"{case.key}.expected.json has no readiness"
    at = open_app("assess")
    at.selectbox(key="assess_case").set_value(case.key).run()
    assert not at.exception and not at.error
    shown = metric(at, "Readiness")
    want = case.expected_latest["readiness"]
    assert shown == _levels(want["level"], want["potential"])
    for model, name in ((GOOGLE, "Google MLOps level"), (AZURE, "Azure MLOps level")):
        levels = case.expected_external(model)
        if levels is not None:
            assert metric(at, name) == _levels(*levels)
    assert {b.label for b in at.get("download_button")} >= {
        "Profile (Turtle)",
        "Report (HTML)",
        "Report (Markdown)",
    }


def test_the_pdf_report_is_made_when_asked_for(monkeypatch):
    """Laying a PDF out takes seconds: the page makes it only when the button is pressed,
    then offers it (and keeps it for the next runs); without WeasyPrint it says what to
    install."""
    pytest.importorskip("weasyprint")
    at = open_app("assess")
    assert "Download the PDF report" not in {b.label for b in at.get("download_button")}
    at.button(key="dl_pdf_make").click().run()
    assert not at.exception and not errors(at)
    assert "Download the PDF report" in {b.label for b in at.get("download_button")}
    at.run()  # kept
    assert "Download the PDF report" in {b.label for b in at.get("download_button")}
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    at = open_app("assess")
    assert not at.exception and any("cmlops-kg[pdf]" in c.value for c in at.caption)


def _levels(proven: int, potential: int) -> str:
    return str(proven) if proven == potential else f"{proven} (up to {potential})"


def question_levels() -> dict[str, int]:
    """Practice and criterion key -> the level of its practice (from the questionnaire)."""
    levels = {}
    for d in _questionnaire_dimensions():
        for q in d["questions"]:
            levels[q["practice"]] = q["level"]
            levels.update({c["criterion"]: q["level"] for c in q["criteria"]})
    return levels


def status_radios(at: AppTest, generation: int = 0) -> dict[str, object]:
    """The answer radios of the cards drawn, by question key."""
    prefix = f"qc_{generation}_"
    out = {}
    for radio in at.radio:
        if radio.key and radio.key.startswith(prefix) and radio.key.endswith("_status"):
            _asks, _, key = radio.key.removeprefix(prefix).partition("_")
            out[key.removesuffix("_status")] = radio
    return out


def answer_questionnaire(at: AppTest) -> None:
    """Through the cards, dimension by dimension: implemented up to level 2 (manual and
    automated mixed), partial at level 3."""
    levels = question_levels()
    for i in range(len(at.selectbox(key="q_dimension").options)):
        at.selectbox(key="q_dimension").set_value(i).run()
        radios = status_radios(at)
        for key, radio in radios.items():
            if levels[key] <= 2:
                radio.set_value("implemented")
            elif levels[key] == 3:
                radio.set_value("partial")
        at.run()
        for row, (key, radio) in enumerate(status_radios(at).items()):
            if levels[key] <= 2:
                mode = at.radio(key=radio.key.removesuffix("_status") + "_mode")
                mode.set_value("automated" if row % 2 else "manual")
        at.run()
        assert not at.exception, at.exception


def test_questionnaire_profile_assesses_exactly_like_the_cli(tmp_path, capsys):
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Questionnaire").run()
    answer_questionnaire(at)
    at.text_input(key="q_name").set_value("Quiz Co").run()
    at.button(key="q_build").click().run()
    assert not at.exception and not errors(at)
    profile = tmp_path / "questionnaire.ttl"
    profile.write_bytes(at.session_state["questionnaire_source"].data)
    assert cli.main(["assess", str(profile), "--format", "json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert expected["label"] == "Quiz Co"
    assert level_shown(at, "Readiness") == expected["readiness"]["level"]
    assert level_shown(at, "Google MLOps level") == expected["external_levels"]["google"]["level"]
    assert level_shown(at, "Azure MLOps level") == expected["external_levels"]["azure"]["level"]
    scores = next(df.value for df in at.dataframe if "Percent" in df.value.columns)
    assert dict(zip(scores["Dimension"], scores["Level"], strict=True)) == {
        d["label"]: d["level"] for d in expected["dimensions"]
    }
    assert int(metric(at, "Open questions")) == len(expected["open_questions"])


def test_questionnaire_per_criterion_with_context_and_target_assesses_like_the_cli(
    tmp_path, capsys
):
    """Answered criterion by criterion, in a declared context (batch serving, high-risk,
    deployer) with a target preset: the profile is what 'cmlops-kg import' builds from the
    same answers, and the page shows what the CLI computes."""
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Questionnaire").run()
    at.text_input(key="q_name").set_value("Quiz Criteria Co")
    at.radio(key="q_granularity").set_value("One question per criterion").run()
    at.selectbox(key="q_ctx_serving-mode").set_value("batch")
    at.selectbox(key="q_ctx_risk-class").set_value("high")
    at.selectbox(key="q_ctx_operator-role").set_value("deployer")
    at.selectbox(key="q_target").set_value("uniform-2")
    at.toggle(key="q_live").set_value(False)
    at.run()
    practices = sum(len(d["questions"]) for d in _questionnaire_dimensions())
    progress = at.get("progress")[0].proto.text
    asked = int(progress.split(" of ")[1].split()[0])
    assert asked > practices  # more questions than practices
    answer_questionnaire(at)
    at.button(key="q_build").click().run()
    assert not at.exception and not errors(at)
    data = at.session_state["questionnaire_source"].data
    profile = tmp_path / "questionnaire.ttl"
    profile.write_bytes(data)
    text = data.decode("utf-8")
    assert "cmlops:aboutCriterion" in text
    for value in ("serving-batch", "risk-high", "role-deployer"):
        assert f"cmlops:{value}" in text, value
    assert cli.main(["assess", str(profile), "--format", "json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert expected["target"]["label"]
    assert {c["value"].rsplit("#", 1)[-1] for c in expected["context"]} == {
        "serving-batch",
        "risk-high",
        "role-deployer",
    }
    assert level_shown(at, "Readiness") == expected["readiness"]["level"]
    assert level_shown(at, "Google MLOps level") == expected["external_levels"]["google"]["level"]
    assert int(metric(at, "Open questions")) == len(expected["open_questions"])


def test_an_uploaded_answers_file_resumes_the_questionnaire(tmp_path, capsys):
    """An answers.yaml written by 'cmlops-kg questionnaire' and partly filled in resumes in
    the app: organisation, date, method, context, target and every answer come back (a
    whole-practice answer fills that practice's criteria), and the page assesses exactly as
    'cmlops-kg import' of the same file does."""
    answers = tmp_path / "answers.yaml"
    assert cli.main(["questionnaire", "--out", str(answers)]) == 0
    doc = yaml.safe_load(answers.read_text(encoding="utf-8"))
    doc["organisation"]["name"] = "Resume Co"
    doc["assessment"].update(date="2026-03-04", method="audit")
    doc["context"]["serving-mode"]["value"] = "batch"
    doc["target"]["preset"] = "uniform-2"
    given: dict[str, str] = {}
    first, second = doc["dimensions"][0]["questions"][:2]
    first["status"] = "implemented"  # a whole practice
    for c in first["criteria"]:
        given[c["criterion"]] = "implemented"
    for c in second["criteria"][:1]:
        c["status"], c["mode"] = "partial", "manual"
        given[c["criterion"]] = "partial"
    answers.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    capsys.readouterr()

    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Questionnaire").run()
    upload = ("answers.yaml", answers.read_bytes(), "application/yaml")
    at.file_uploader(key="q_resume").set_value(upload).run()
    assert not at.exception and not errors(at)
    assert at.text_input(key="q_name").value == "Resume Co"
    assert at.date_input(key="q_date").value == dt.date(2026, 3, 4)
    assert at.selectbox(key="q_method").value == "audit"
    assert at.selectbox(key="q_ctx_serving-mode").value == "batch"
    assert at.selectbox(key="q_target").value == "uniform-2"
    assert at.radio(key="q_granularity").value == "One question per criterion"
    shown = {key: radio.value for key, radio in status_radios(at, 1).items() if radio.value}
    assert shown == given  # the first dimension's cards
    at.button(key="q_build").click().run()
    assert not at.exception and not errors(at)
    assert cli.main(["import", str(answers), "--out", str(tmp_path / "cli.ttl")]) == 0
    capsys.readouterr()
    assert cli.main(["assess", str(tmp_path / "cli.ttl"), "--format", "json"]) == 0
    expected = json.loads(capsys.readouterr().out)
    assert level_shown(at, "Readiness") == expected["readiness"]["level"]
    assert level_shown(at, "Google MLOps level") == expected["external_levels"]["google"]["level"]
    assert int(metric(at, "Open questions")) == len(expected["open_questions"])


def test_a_broken_answers_file_is_not_resumed_and_says_where():
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Questionnaire").run()
    bad = (
        b"organisation: {name: X}\nanswers:\n- practice: no-such-practice\n  status: implemented\n"
    )
    at.file_uploader(key="q_resume").set_value(("answers.yaml", bad, "application/yaml")).run()
    assert not at.exception
    assert "cannot be resumed" in errors(at) and "no-such-practice" in errors(at)
    assert at.text_input(key="q_name").value == ""


def _questionnaire_dimensions() -> list[dict]:
    from cmlops_kg.assessment.questionnaire import questionnaire_document
    from cmlops_kg.store.embedded import EmbeddedStore

    store = EmbeddedStore()
    store.load_ontology()
    return questionnaire_document(store)["dimensions"]


def test_each_question_is_a_card_in_words_with_what_it_gates():
    """A card shows the whole question, the evidence to show and the external levels that
    first require the practice; answers are words, 'Does not apply' asks why."""
    from cmlops_kg.store.embedded import EmbeddedStore

    store = EmbeddedStore()
    store.load_ontology()
    gates = {
        (r.level_label.split(" level")[0], r.rank): set(r.new_practices)
        for r in app_support.external_level_requirements(store)
    }
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Questionnaire").run()
    at.radio(key="q_granularity").set_value("One question per criterion").run()
    first = _questionnaire_dimensions()[0]
    text = "\n".join(m.value for m in at.markdown) + "\n".join(c.value for c in at.caption)
    for q in first["questions"]:
        for c in q["criteria"]:
            assert c["question"] in text and c["evidence"] in text, c["criterion"]
        for (model, rank), labels in gates.items():
            if q["label"] in labels:
                assert f"gates {model} {rank}" in text, (q["label"], model, rank)
    radio = next(iter(status_radios(at).values()))
    assert radio.options[0] == "Not answered" and "Does not apply" in radio.options
    texts_before = len(at.text_input)
    radio.set_value("not-applicable").run()
    assert len(at.text_input) == texts_before + 1
    assert "Why it does not apply (required)" in [t.label for t in at.text_input]


def test_answers_survive_moving_between_dimensions_and_count_in_the_progress():
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Questionnaire").run()
    total = sum(len(d["questions"]) for d in _questionnaire_dimensions())
    assert at.get("progress")[0].proto.text == f"0 of {total} practices answered"
    key, radio = next(iter(status_radios(at).items()))
    radio.set_value("partial").run()
    at.selectbox(key="q_dimension").set_value(2).run()
    assert key not in status_radios(at)
    at.selectbox(key="q_dimension").set_value(0).run()
    assert status_radios(at)[key].value == "partial"
    assert at.get("progress")[0].proto.text == f"1 of {total} practices answered"
    first = _questionnaire_dimensions()[0]
    progress = f"{first['dimension']} 1/{len(first['questions'])}"
    assert any(progress in c.value for c in at.caption)
    at.toggle(key="q_unanswered").set_value(True).run()
    assert key not in status_radios(at) and status_radios(at)
    at.toggle(key="q_unanswered").set_value(False).run()
    # the answer given on another dimension's card reaches the profile
    at.selectbox(key="q_dimension").set_value(3).run()
    at.text_input(key="q_name").set_value("Moving Co").run()
    graph = rdflib.Graph().parse(data=at.session_state["questionnaire_source"].data, format="ttl")
    cmlops = rdflib.Namespace("https://w3id.org/cmlops#")
    evidence = set(graph.subjects(cmlops.aboutPractice, cmlops[key]))
    assert [graph.value(e, cmlops.status) for e in evidence] == [cmlops["status-partial"]]


def test_the_result_updates_live_as_answers_change():
    """With a name, each answer rebuilds the profile and the result follows without the
    button; switched off, nothing is assessed until the button is pressed."""
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Questionnaire").run()
    at.text_input(key="q_name").set_value("Live Co").run()
    assert not errors(at) and not at.metric  # nothing answered: nothing to assess yet
    radios = iter(status_radios(at).values())
    next(radios).set_value("implemented").run()
    assert not errors(at) and at.metric
    before = at.session_state["questionnaire_source"].data
    next(radios).set_value("implemented").run()
    after = at.session_state["questionnaire_source"].data
    assert after != before and b"Live Co" in after
    at.toggle(key="q_live").set_value(False).run()
    next(iter(status_radios(at).values())).set_value("not-implemented").run()
    assert at.session_state["questionnaire_source"].data == after
    at.button(key="q_build").click().run()
    assert at.session_state["questionnaire_source"].data != after


def test_questionnaire_without_a_name_says_what_to_fix():
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Questionnaire").run()
    at.selectbox(key="q_dimension").set_value(1).run()
    next(iter(status_radios(at).values())).set_value("implemented").run()
    assert not errors(at)  # no name yet: nothing is built while answering
    at.button(key="q_build").click().run()
    assert not at.exception
    assert "no name" in errors(at) and "How to fix" in errors(at)
    assert not at.metric


def test_malformed_upload_shows_an_error_and_the_app_keeps_working():
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Upload a profile").run()
    at.file_uploader(key="assess_upload").set_value(("broken.ttl", BROKEN_TURTLE, "text/turtle"))
    at.run()
    assert not at.exception
    message = errors(at)
    assert "not valid turtle" in message and "broken.ttl" in message and "How to fix" in message
    assert not at.metric
    at.switch_page(PAGES["framework"][0]).run()
    assert not at.exception and int(metric(at, "Practices")) > 0


def _answers_yaml() -> bytes:
    from cmlops_kg.assessment.questionnaire import answers_document

    answers = [
        {"practice": "version-control", "status": "implemented", "mode": "automated"},
        {"practice": "code-review", "status": "implemented"},
        {"criterion": "continuous-integration.build-on-push", "status": "implemented"},
        {"practice": "ab-testing", "status": "not-implemented"},
    ]
    doc = answers_document(
        "Yaml Upload Co", answers, date="2026-05-01", context={"serving-mode": "batch"}
    )
    return yaml.safe_dump(doc, sort_keys=False).encode("utf-8")


def test_uploaded_answers_yaml_is_imported_like_the_cli(tmp_path, capsys):
    data = _answers_yaml()
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(data)
    assert cli.main(["import", str(answers), "--out", str(tmp_path / "p.ttl")]) == 0
    assert cli.main(["assess", str(tmp_path / "p.ttl"), "--format", "json"]) == 0
    expected = json.loads(capsys.readouterr().out.split("\n", 1)[1])
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Upload a profile").run()
    at.file_uploader(key="assess_upload").set_value(("answers.yaml", data, "application/yaml"))
    at.run()
    assert not at.exception and not errors(at)
    assert level_shown(at, "Readiness") == expected["readiness"]["level"]
    assert int(metric(at, "Open questions")) == len(expected["open_questions"])


def test_uploaded_answers_with_a_mistake_say_where_and_how_to_fix():
    broken = _answers_yaml().replace(b"status: implemented", b"status: done", 1)
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Upload a profile").run()
    at.file_uploader(key="assess_upload").set_value(("answers.yml", broken, "application/yaml"))
    at.run()
    assert not at.exception and not at.metric
    assert "done" in errors(at) and "How to fix" in errors(at)


def test_upload_with_an_unknown_extension_says_how_to_fix():
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Upload a profile").run()
    at.file_uploader(key="assess_upload").set_value(("profile.csv", b"a,b\n", "text/csv")).run()
    assert not at.exception
    assert "extension" in errors(at) and "choose its format" in errors(at)
    # the same bytes with the format chosen are read as Turtle
    turtle = CASES[0].read_bytes()
    at.file_uploader(key="assess_upload").set_value(("profile.txt", turtle, "text/plain"))
    at.selectbox(key="assess_format").set_value("turtle").run()
    assert not at.exception and level_shown(at, "Readiness") == CASES[0].expected_level


def test_profile_that_does_not_conform_is_reported_and_assessed_only_on_request():
    example = next(e for e in invalid_examples() if e.expected.get("organisation"))
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Upload a profile").run()
    upload = (example.path.name, example.read_bytes(), "text/turtle")
    at.file_uploader(key="assess_upload").set_value(upload).run()
    assert not at.exception and "does not conform" in errors(at) and not at.metric
    at.checkbox(key="force").check().run()
    assert not at.exception and metric(at, "Readiness") is not None


def test_profile_with_several_organisations_offers_a_choice():
    two = CASES[0].read_bytes() + b"\n" + CASES[-1].read_bytes()
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Upload a profile").run()
    at.file_uploader(key="assess_upload").set_value(("two.ttl", two, "text/turtle")).run()
    choice = at.selectbox(key="assess_org")
    assert len(choice.options) == 2
    at.selectbox(key="assess_org").set_value(CASES[-1].expected["organisation"]).run()
    assert level_shown(at, "Readiness") == CASES[-1].expected_level


def test_pasted_text_in_the_wrong_format_shows_an_error():
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Upload a profile").run()
    at.selectbox(key="assess_format").set_value("json-ld")
    at.text_area(key="assess_paste").set_value(CASES[0].read_bytes().decode("utf-8")).run()
    assert not at.exception and "not valid json-ld" in errors(at)


def test_uploaded_case_study_is_assessed():
    case = CASES[-1]
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Upload a profile").run()
    at.file_uploader(key="assess_upload").set_value(
        (case.path.name, case.read_bytes(), "text/turtle")
    )
    at.run()
    assert not at.exception and level_shown(at, "Readiness") == case.expected_level


def test_upload_errors_from_the_upload_function():
    with pytest.raises(InputError, match="limit is 20 MB"):
        read_upload("big.ttl", b"#" * (MAX_UPLOAD_BYTES + 1))
    with pytest.raises(InputError, match="extension") as info:
        read_upload("profile.csv", b"a,b\n")
    assert "--input-format" not in (info.value.fix or "")
    with pytest.raises(InputError, match="empty"):
        read_upload("empty.ttl", b"  \n")
    with pytest.raises(InputError, match="not valid turtle"):
        read_upload("broken.ttl", BROKEN_TURTLE)


def test_upload_limit_is_the_same_in_config_and_code():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_UPLOAD_BYTES


def test_each_profile_gets_its_own_store_and_shared_stores_do_not_change():
    shared = app_support.ontology_store()
    before = (len(shared.oxigraph), shared.graphs())
    first, second = (analyse(c.path.name, c.read_bytes()) for c in CASES[:2])
    assert first.store is not second.store and first.store is not shared
    assert set(first.organisations()).isdisjoint(second.organisations())
    at = open_app("assess")
    at.selectbox(key="assess_case").set_value(CASES[1].key).run()
    assert (len(shared.oxigraph), shared.graphs()) == before


# -- compare -------------------------------------------------------------------------------------
def test_compare_shows_every_case_study_with_its_level():
    at = open_app("compare")
    organisations = {c.expected["organisation"] for c in CASES if "organisation" in c.expected}
    assert int(metric(at, "Organisations")) == len(organisations)
    table = next(df.value for df in at.dataframe if "Readiness" in df.value.columns)
    assert sorted(table["Readiness"]) == sorted(c.expected_level for c in CASES)
    with_history = [c for c in CASES if len(c.expected.get("history", [])) > 1]
    if with_history:
        assert at.selectbox(key="cmp_org").value in {c.title for c in with_history}


# -- sparql --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "LOAD <http://example.org/x.ttl>",
        "CLEAR ALL",
        "DROP ALL",
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    ],
)
def test_sparql_page_refuses_updates_with_a_clear_message(text):
    at = open_app("sparql")
    at.radio(key="sparql_mode").set_value("Write your own").run()
    at.text_area(key="sparql_text").set_value(text).run()
    at.button(key="sparql_run").click().run()
    assert not at.exception
    assert "read-only" in errors(at) and "How to fix" in errors(at)


def test_sparql_library_query_runs_with_csv_download():
    at = open_app("sparql")
    at.selectbox(key="sparql_query").set_value("organisations").run()
    at.button(key="sparql_run").click().run()
    assert not at.exception and not at.error
    table = at.dataframe[-1].value
    assert len(table) >= len(CASES) and "organisation" in table.columns
    assert any(b.label == "Download CSV" for b in at.get("download_button"))


def test_sparql_own_query_is_capped():
    at = open_app("sparql")
    at.radio(key="sparql_mode").set_value("Write your own").run()
    at.text_area(key="sparql_text").set_value("SELECT * WHERE { ?s ?p ?o }")
    at.number_input(key="sparql_limit").set_value(5).run()
    at.button(key="sparql_run").click().run()
    assert len(at.dataframe[-1].value) == 5
    assert any("capped" in w.value for w in at.warning)


# -- validate ------------------------------------------------------------------------------------
def test_validate_groups_problems_by_organisation_and_evidence():
    examples = [e for e in invalid_examples() if e.expected.get("organisation")]
    assert examples
    at = open_app("validate")
    at.radio(key="val_mode").set_value("Bundled example").run()
    for example in examples[:4]:
        at.selectbox(key="val_example").set_value(f"invalid/{example.key}").run()
        assert not at.exception
        assert metric(at, "Conforms") == "no"
        organisation = example.expected["organisation"]
        assert any(organisation in e.label for e in at.expander), example.key
        wanted = example.expected.get("message_contains", "")
        assert wanted in "\n".join(m.value for m in at.markdown), example.key


def test_validate_a_malformed_upload_shows_an_error():
    at = open_app("validate")
    at.file_uploader(key="val_upload").set_value(("broken.ttl", BROKEN_TURTLE, "text/turtle"))
    at.run()
    assert not at.exception and "not valid turtle" in errors(at)


def test_assess_shows_outcome_clusters_beside_levels(capsys):
    at = open_app("assess")
    at.selectbox(key="assess_case").set_value("basketful-retail").run()
    assert not at.exception
    tables = [t.value for t in at.dataframe]
    outcome_table = next(t for t in tables if "Cluster" in t.columns)
    # the same clusters as the CLI's JSON, an ML metric (model lead time) not benchmarked
    assert (
        cli.main(["assess", str(find_case_study("basketful-retail").path), "--format", "json"]) == 0
    )
    outcomes = json.loads(capsys.readouterr().out)["outcomes"]
    shown = dict(zip(outcome_table["Metric"], outcome_table["Cluster"], strict=True))
    assert shown == {o["label"]: o["cluster_label"] or "not benchmarked" for o in outcomes}
    assert "not benchmarked" in shown.values() and "Elite performance cluster" in shown.values()


def test_compare_sets_practices_against_outcomes():
    at = open_app("compare")
    assert any("Practices against outcomes" in s.value for s in at.subheader)
    medians = {m.label: m.value for m in at.metric if m.label.startswith("Median")}
    assert len(medians) == 2
    at.selectbox(key="cmp_metric").set_value("Change lead time").run()
    assert not at.exception
    table = next(t.value for t in at.dataframe if "Change lead time" in t.value.columns)
    assert "Vectorly" in set(table["Organisation"])


def test_compare_sets_practices_against_the_labs_measured_outcomes():
    """The same view on measured data: the validation lab's five configurations, their
    levels from their assessments and the prediction quality their runs lost."""
    from cmlops_kg.lab.report import load_result

    at = open_app("compare")
    at.radio(key="cmp_outcome_data").set_value("Validation lab (measured)").run()
    at.selectbox(key="cmp_metric").set_value("Prediction quality lost").run()
    assert not at.exception
    table = next(t.value for t in at.dataframe if "Prediction quality lost" in t.value.columns)
    bundled = load_result()
    labels = {c["label"] for c in bundled["configurations"]}
    assert set(table["Organisation"]) == labels
    measured = {
        c["label"]: bundled["metrics"][c["key"]]["metric-prediction-quality-lost"]["value"]
        for c in bundled["configurations"]
    }
    shown = dict(zip(table["Organisation"], table["Prediction quality lost"], strict=True))
    for label, value in measured.items():
        assert shown[label].startswith(f"{value:.3g}"), (label, shown[label], value)


def test_app_reads_a_shared_store_named_by_the_environment(tmp_path, monkeypatch):
    """CMLOPS_KG_ENDPOINT switches the app to a real shared SPARQL server started here."""
    from oxigraph_server import OxigraphServer

    from cmlops_kg.assessment.portfolio import ensure_ontology, load_profile_file
    from cmlops_kg.store import open_store

    server = OxigraphServer(tmp_path / "db").start()
    try:
        store = open_store(server.url)
        ensure_ontology(store)
        for case in CASES[:3]:
            load_profile_file(store, case.path)
        monkeypatch.setenv("CMLOPS_KG_ENDPOINT", server.url)
        at = open_app("compare")
        assert any(
            f"3 organisations from the SPARQL endpoint {server.url}" in c.value for c in at.caption
        )
        shared = at.dataframe[0].value
        assert len(shared) == 3 and set(shared["Organisation"]) == {
            api.assess(c.path).label for c in CASES[:3]
        }
        at = open_app("sparql")
        assert at.selectbox(key="sparql_data").value.startswith("The shared store")
        monkeypatch.setenv("CMLOPS_KG_ENDPOINT", "http://127.0.0.1:9")  # nothing listens
        at = open_app("compare")
        assert "cannot be read" in errors(at)
    finally:
        server.stop()


def synthetic_teams(n: int, seed: int = 11) -> list:
    """``n`` brief team results over the real dimensions (what assess_portfolio returns)."""
    import random

    from cmlops_kg.assessment.portfolio import TeamResult

    dims = [
        (str(r["notation"]), str(r["label"]))
        for r in app_support.ontology_store().select("docs/dimensions")
    ]
    rnd = random.Random(seed)
    teams = []
    for i in range(n):
        levels = {code: rnd.choice([0, 1, 1, 2, 2, 3, 4]) for code, _ in dims}
        low = min(levels.values())
        teams.append(
            TeamResult(
                organisation=f"https://example.org/org/team-{i}",
                label=f"Team {i:03d}",
                graph=f"https://example.org/graph/team-{i}",
                assessment=f"https://example.org/org/team-{i}/a",
                date="2026-06-01",
                assessments=1,
                overall_level=low,
                overall_label=f"Level {low}",
                potential_level=low,
                lopsided=False,
                limiting_dimensions=[label for code, label in dims if levels[code] == low],
                dimensions=levels,
                potential_dimensions=dict(levels),
                external_levels={"google": min(low, 2), "azure": low},
                external_potential={"google": min(low, 2), "azure": low},
                gaps=[],
            )
        )
    return teams, dims


def test_compare_handles_a_portfolio_of_hundreds(monkeypatch):
    """300 organisations in the shared store: no heatmap wall, the table holds them all, the
    filters narrow it, the weakest dimension is the one that holds most of them back."""
    teams, dims = synthetic_teams(300)
    monkeypatch.setattr(app_support, "shared_store_location", lambda: (None, "/srv/portfolio"))
    monkeypatch.setattr(app_support, "shared_store", lambda: object())
    monkeypatch.setattr(app_support, "shared_portfolio", lambda store: (teams, 0.0))
    at = open_app("compare")
    assert not at.exception and not errors(at)
    assert metric(at, "Organisations") == "300"
    assert not [e for e in at.expander if e.label.startswith("Heatmap")]
    table = at.dataframe[0].value
    assert len(table) == 300 and list(table.columns[:4]) == [
        "Organisation",
        "Assessed",
        "Readiness",
        "Potential",
    ]
    held_back = {label: sum(label in t.limiting_dimensions for t in teams) for _, label in dims}
    most = max(held_back.values())
    shown = next(m.value for m in at.markdown if m.value.startswith("Holds most back"))
    assert any(f"**{d}**" in shown for d, n in held_back.items() if n == most)
    assert f"limits {most} organisations" in shown
    at.slider(key="cmp_ready").set_value((2, 4)).run()
    expected = sum(1 for t in teams if t.overall_level >= 2)
    assert metric(at, "Organisations") == f"{expected} of 300"
    assert len(at.dataframe[0].value) == expected
    at.slider(key="cmp_ready").set_value((0, 4)).run()
    at.text_input(key="cmp_find").set_value("team 123").run()
    assert list(at.dataframe[0].value["Organisation"]) == ["Team 123"]
    assert any(m.value == "##### Team 123" for m in at.markdown)  # the one left, in detail


def test_app_reads_an_on_disk_store_without_blocking_loads(tmp_path, monkeypatch, capsys):
    """CMLOPS_KG_STORE: the app reads the store without its lock, so 'cmlops-kg load' adds
    a team while the app runs, and the next page run shows it."""
    location = str(tmp_path / "store")
    assert cli.main(["load", str(CASES[0].path), str(CASES[1].path), "--store", location]) == 0
    monkeypatch.setenv("CMLOPS_KG_STORE", location)
    at = open_app("compare")
    assert not at.exception
    assert len(at.dataframe[0].value) == 2
    assert cli.main(["load", str(CASES[2].path), "--store", location]) == 0  # app still open
    assert "in use" not in capsys.readouterr().err
    at = open_app("compare")
    assert len(at.dataframe[0].value) == 3
    monkeypatch.setenv("CMLOPS_KG_STORE", str(tmp_path / "typo"))
    at = open_app("compare")
    assert not at.exception and "no store here" in errors(at)


def test_the_shared_portfolio_is_assessed_again_only_when_the_store_changes(tmp_path, monkeypatch):
    """Filtering a big portfolio must not re-assess every team on each page run; a load
    (which writes the store's files) must."""
    from cmlops_kg.assessment import portfolio

    calls = []
    real = portfolio.assess_portfolio
    monkeypatch.setattr(portfolio, "assess_portfolio", lambda s: calls.append(1) or real(s))
    location = str(tmp_path / "store")
    assert cli.main(["load", str(CASES[0].path), "--store", location]) == 0
    monkeypatch.setenv("CMLOPS_KG_STORE", location)
    at = open_app("compare")
    at.text_input(key="cmp_find").set_value("zzz").run()
    at.text_input(key="cmp_find").set_value("").run()
    assert len(calls) == 1 and len(at.dataframe[0].value) == 1
    assert cli.main(["load", str(CASES[1].path), "--store", location]) == 0
    at.run()
    assert len(calls) == 2 and len(at.dataframe[0].value) == 2


def test_the_assess_page_assesses_an_organisation_of_the_shared_store(tmp_path, monkeypatch):
    """Started on a shared store, the Assess page offers its organisations: each is assessed
    from the profile the store holds, with the levels its case study expects."""
    location = str(tmp_path / "store")
    chosen = CASES[:2]
    assert cli.main(["load", *(str(c.path) for c in chosen), "--store", location]) == 0
    at = open_app("assess")
    assert "An organisation in the shared store" not in at.radio(key="assess_mode").options
    monkeypatch.setenv("CMLOPS_KG_STORE", location)
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("An organisation in the shared store").run()
    assert not at.exception and not errors(at)
    from cmlops_kg.store.embedded import EmbeddedStore

    held = EmbeddedStore(location, read_only=True).organisations()
    expected = {api.assess(c.path).label: c for c in chosen}
    assert sorted(at.selectbox(key="assess_shared").options) == sorted(expected)
    for entry in held:
        at.selectbox(key="assess_shared").set_value(entry.graph).run()
        assert not at.exception and not errors(at)
        want = expected[entry.label].expected_latest["readiness"]
        assert metric(at, "Readiness") == _levels(want["level"], want["potential"]), entry.label


def test_a_100_mb_upload_is_refused_in_the_page_and_the_app_keeps_working():
    at = open_app("assess")
    at.radio(key="assess_mode").set_value("Upload a profile").run()
    huge = b"# " + b"x" * (100 * 1024 * 1024)
    at.file_uploader(key="assess_upload").set_value(("huge.ttl", huge, "text/turtle")).run()
    assert not at.exception
    assert "limit is 20 MB" in errors(at) and "huge.ttl" in errors(at)
    assert not at.metric
    del huge
    at.radio(key="assess_mode").set_value("Bundled case study").run()
    assert not at.exception and metric(at, "Readiness") is not None


def test_a_practice_added_to_the_ontology_appears_in_the_questionnaire(tmp_path):
    """Adding a practice is a Turtle edit: no code change puts it in the questionnaire."""
    from cmlops_kg.assessment.questionnaire import questionnaire_document
    from cmlops_kg.rdf.ontology import ontology_files
    from cmlops_kg.store.embedded import EmbeddedStore

    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix cmlops: <https://w3id.org/cmlops#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "cmlops:prompt-regression-tests a cmlops:MLOpsPractice ;\n"
        '    rdfs:label "Prompt regression tests"@en ;\n'
        '    cmlops:question "Are prompts regression-tested on every change?"@en ;\n'
        "    cmlops:inDimension cmlops:dim-integration ;\n"
        "    cmlops:requiredAtLevel cmlops:level-3 ;\n"
        "    cmlops:extends cmlops:automated-testing .\n"
    )
    store = EmbeddedStore()
    store.load_ontology([*ontology_files(), extra])
    doc = questionnaire_document(store)
    asked = {q["practice"]: q for d in doc["dimensions"] for q in d["questions"]}
    assert asked["prompt-regression-tests"]["question"].startswith("Are prompts")
    assert asked["prompt-regression-tests"]["level"] == 3

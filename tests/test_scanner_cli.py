"""`cmlops-kg scan` as users drive it: outputs, the profile it writes, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scan_repos import CASES

from cmlops_kg.cli import main
from cmlops_kg.rdf.profiles import read_profile

GITLAB = next(c for c in CASES if c.name == "gitlab-scheduled-retraining")


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "churn model"  # a space: the default IRI must encode it
    root.mkdir()
    GITLAB.build(root)
    return root


def test_scan_writes_a_profile_that_assess_validate_and_report_read(repo, tmp_path, capsys):
    out = tmp_path / "profile.ttl"
    code, printed, _ = run(capsys, "scan", repo, "--out", out, "--date", "2026-11-27")
    assert code == 0
    assert "Continuous training" in printed and f"wrote {out}" in printed
    profile = read_profile(out)
    assert profile.assessment_iris() == ["urn:cmlops:repo:churn%20model/assessment/2026-11-27-scan"]
    assert run(capsys, "validate", out)[0] == 0
    code, assessed, _ = run(capsys, "assess", out, "--format", "json")
    assert code == 0
    result = json.loads(assessed)
    assert result["method"] == "repository scan" and result["label"] == "churn model"
    assert result["overall_level"] == GITLAB.overall
    assert run(capsys, "report", out, "-o", tmp_path / "report.html")[0] == 0
    assert "ML delivery maturity: churn model" in (tmp_path / "report.html").read_text(
        encoding="utf-8"
    )


def test_org_and_label_options(repo, tmp_path, capsys):
    out = tmp_path / "p.ttl"
    code, _, _ = run(
        capsys,
        "scan",
        repo,
        "--org",
        "https://example.org/org/acme/churn",
        "--label",
        "Acme churn",
        "--out",
        out,
    )
    assert code == 0
    code, assessed, _ = run(capsys, "assess", out, "--format", "json")
    data = json.loads(assessed)
    assert data["organisation"] == "https://example.org/org/acme/churn"
    assert data["label"] == "Acme churn"


def test_json_output(repo, capsys):
    code, printed, _ = run(capsys, "scan", repo, "--format", "json")
    assert code == 0
    data = json.loads(printed)
    assert data["method"] == "repository scan" and data["profile"] is None
    assert {j["name"]: j["triggers"] for j in data["ci_jobs"]} == {
        "test": ["change"],
        "retrain": ["schedule"],
    }
    training = next(p for p in data["practices"] if p["label"] == "Continuous training")
    assert training["status"] == "implemented" and training["mode"] == "automatic"
    assert training["findings"][0]["strength"] == "run by CI"
    assert "looked_for" not in data


def test_explain_says_what_was_found_why_and_what_was_not(repo, capsys):
    code, printed, _ = run(capsys, "scan", repo, "--explain")
    assert code == 0
    assert "== Continuous training: implemented, automated" in printed
    assert "why it counts:" in printed and "looked for, not found:" in printed
    assert "== Not found (a repository could show these" in printed
    unknown = printed.split("== Unknown — no repository can show this:")[1].split("==")[0]
    assert "Shared ownership of production" in unknown and "Drift monitoring" not in unknown
    code, printed, _ = run(capsys, "scan", repo, "--explain", "--format", "json")
    data = json.loads(printed)
    assert "Drift monitoring" in data["looked_for"]
    assert "Shared ownership of production" in data["no_signal_exists"]
    states = {c["label"]: (c["state"], c["reason"]) for c in data["coverage"]}
    assert states["Shared ownership of production"] == ("unknown", "no repository can show this")
    assert states["Drift monitoring"][0] == "not found"
    assert states["Continuous training"][0] == "found"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "/no/such/dir"], "no such directory"),
        (["scan", __file__], "not a directory"),
        (["scan", ".", "--org", "not an iri"], "is not an absolute IRI"),
        (["scan", ".", "--date", "yesterday"], "is not a date"),
        (["scan", ".", "--max-file-kb", "0"], "must be positive"),
    ],
)
def test_usage_errors(capsys, args, message):
    code, _, err = run(capsys, *args)
    assert code == 2 and message in err and "Traceback" not in err


def test_nothing_found_writes_nothing(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "p.ttl"
    code, printed, err = run(capsys, "scan", empty, "--out", out)
    assert code == 1 and not out.exists()
    assert "no practice evidence" in err and "(no practice evidence found)" in printed


def test_exclude_leaves_paths_out(tmp_path, capsys):
    root = tmp_path / "full"
    root.mkdir()
    next(c for c in CASES if c.name == "full-mlops").build(root)
    code, printed, _ = run(capsys, "scan", root, "--format", "json", "--exclude", "monitoring/**")
    assert code == 0
    data = json.loads(printed)
    labels = {p["label"] for p in data["practices"]}
    assert "Drift monitoring" not in labels and "Alerting and incident response" not in labels
    assert "Drift-triggered retraining" in labels  # the CI workflow is still there
    assert {"path": "monitoring/drift.py", "reason": "excluded by --exclude"} in data["skipped"]

"""The agreement benchmark's comparison of two reviewers (benchmarks/scan_agreement.py
--second-reviewer): counted on the practices both reviewers judged observable, with the
scanner compared with each of them on the same practices; counts checked by hand."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "scan_agreement.py"
spec = importlib.util.spec_from_file_location("scan_agreement", BENCH)
agreement = importlib.util.module_from_spec(spec)
sys.modules["scan_agreement"] = agreement  # dataclasses look their module up
spec.loader.exec_module(agreement)
J, C = agreement.Judgement, agreement.Claim


def _j(kind: str) -> agreement.Judgement:
    return J(kind, None, "", ())


FIRST = {
    "a": _j("implemented"),
    "b": _j("partial"),
    "c": _j("absent"),
    "d": _j("not-observable"),
    "e": _j("partial"),
}
SECOND = {
    "a": _j("implemented"),
    "b": _j("absent"),
    "c": _j("absent"),
    "d": _j("partial"),  # observability differs: left out of the three-class counts
    "e": _j("implemented"),
}
CLAIMS = {"a": C("implemented"), "b": C("partial"), "e": C("partial")}  # c: no evidence


def test_two_reviewers_counts():
    p = agreement.two_reviewers(FIRST, SECOND, CLAIMS)
    assert p.both_observable == 4  # a, b, c, e
    assert p.observability_differs == 1  # d
    assert p.reviewers_agree3 == 2  # a, c
    assert p.reviewers_agree2 == 3  # a, b (neither implemented), c
    assert p.scanner_agree3 == [4, 2]  # with the first: a b c e; with the second: a c
    assert p.scanner_agree2 == [4, 3]  # with the second, e differs (implemented vs partial)
    assert p.confusion[("partial", "absent")] == 1
    assert p.confusion[("partial", "implemented")] == 1


def test_main_compares_with_a_second_reviewer(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    (corpus / "judgements").mkdir(parents=True)
    (corpus / "outputs").mkdir()
    doc = {"repository": "github:o/r", "snapshot_commit": "0" * 40, "practices": {}}
    first = {k: {"judgement": v.judgement, "automated": None} for k, v in FIRST.items()}
    second = {k: {"judgement": v.judgement, "automated": None} for k, v in SECOND.items()}
    (corpus / "judgements" / "o__r.json").write_text(json.dumps({**doc, "practices": first}))
    (tmp_path / "second").mkdir()
    (tmp_path / "second" / "o__r.json").write_text(json.dumps({**doc, "practices": second}))
    claims = {k: {"status": c.status} for k, c in CLAIMS.items()}
    (corpus / "outputs" / "o__r.json").write_text(json.dumps({"practices": claims}))
    (corpus / "index.json").write_text(json.dumps([doc]))
    argv = ["--corpus", str(corpus), "--quiet", "--second-reviewer", str(tmp_path / "second")]
    assert agreement.main(argv) == 0
    out = capsys.readouterr().out
    overall = [line for line in out.splitlines() if line.startswith("OVERALL")][-1].split()
    assert overall[1:] == ["4", "50.0%", "75.0%", "100.0%", "50.0%", "1"]


def test_main_says_when_no_second_judgement_exists(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    (corpus / "judgements").mkdir(parents=True)
    (corpus / "outputs").mkdir()
    doc = {"repository": "github:o/r", "snapshot_commit": "0" * 40}
    practices = {"a": {"judgement": "absent", "automated": None}}
    (corpus / "judgements" / "o__r.json").write_text(json.dumps({**doc, "practices": practices}))
    (corpus / "outputs" / "o__r.json").write_text(json.dumps({"practices": {}}))
    (corpus / "index.json").write_text(json.dumps([doc]))
    (tmp_path / "empty").mkdir()
    argv = ["--corpus", str(corpus), "--quiet", "--second-reviewer", str(tmp_path / "empty")]
    assert agreement.main(argv) == 2
    assert "no second judgement" in capsys.readouterr().err

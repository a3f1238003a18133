"""The report as PDF (the [pdf] extra, WeasyPrint): every case study lays out, its first page
is the executive summary, nothing is fetched while laying it out, and without WeasyPrint the
CLI says how to install it instead of failing with a traceback."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from trap import trap_server

from cmlops_kg import api, cli
from cmlops_kg.casestudies import case_studies
from cmlops_kg.present import pdf as pdf_module
from cmlops_kg.present.report import headline

pytest.importorskip("weasyprint", reason="the [pdf] extra is not installed")
CASES = case_studies()
PDFTOTEXT = shutil.which("pdftotext")


def first_page_text(path) -> str:
    if PDFTOTEXT is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(
        [PDFTOTEXT, "-l", "1", "-layout", str(path), "-"], capture_output=True, check=True
    )
    return out.stdout.decode("utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.key for c in CASES])
def test_every_case_study_reports_as_pdf_with_the_summary_first(case, tmp_path, capsys):
    out = tmp_path / "report.pdf"
    assert cli.main(["report", str(case.path), "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    result = api.assess(case.path)
    text = " ".join(first_page_text(out).split())
    assert f"ML delivery maturity: {result.label}" in text
    assert "Next actions" in text or not result.roadmap
    assert " ".join(headline(result).split()[:6]) in text  # the summary's headline, page 1


def test_laying_out_fetches_nothing(monkeypatch):
    """A report whose HTML named outside resources (it never does: labels are escaped) still
    makes no request: the URL fetcher refuses every one."""
    with trap_server() as trap:
        hostile = (
            f'<html><head><link rel="stylesheet" href="{trap.url}/style.css"></head>'
            f'<body><h1>x</h1><img src="{trap.url}/pixel.png">'
            f'<div style="background: url({trap.url}/bg.png)">y</div></body></html>'
        )
        monkeypatch.setattr(pdf_module, "html_report", lambda result: hostile)
        data = pdf_module.pdf_report(api.assess(CASES[0].path))
        assert data.startswith(b"%PDF-")
        assert trap.hits == []


def test_without_weasyprint_the_cli_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    out = tmp_path / "report.pdf"
    assert cli.main(["report", str(CASES[0].path), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "cannot write a PDF report" in err and "cmlops-kg[pdf]" in err
    assert "Traceback" not in err and not out.exists()

"""Output encoded for its sink: text from profiles (labels, names) reaches the terminal without
control characters, Markdown escaped (tables intact), HTML links only to http/https/mailto, and
CSV cells that a spreadsheet would run as a formula neutralised -- in the CLI and the app."""

from __future__ import annotations

import csv
import io
import re

import pytest
from test_hostile_inputs import MINIMAL

from cmlops_kg.cli import main
from cmlops_kg.present.escape import csv_cell, md, safe_url, terminal
from cmlops_kg.present.tables import csv_text, text_table

# ESC [2J clears the screen, OSC 8 plants a hyperlink, CR rewrites the line, BEL ends OSC,
# RLO reverses what follows
NASTY = "Evil\\u001B[2J\\u001B]8;;https://x.example/\\u0007Co\\rX\\u202E"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")
FORMULA = '=HYPERLINK(\\"https://x.example/\\",\\"click\\")'


def _profile(tmp_path, label: str):
    path = tmp_path / "p.ttl"
    path.write_bytes(MINIMAL.replace(b'rdfs:label "Tiny"', f'rdfs:label "{label}"'.encode()))
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["assess"],
        ["history"],
        ["query", "organisations", "--data"],
    ],
    ids=["assess", "history", "query"],
)
def test_terminal_output_has_no_control_characters(tmp_path, capsys, command):
    path = _profile(tmp_path, NASTY)
    assert main([*command, str(path)]) == 0
    out, err = capsys.readouterr()
    assert "Evil" in out
    assert not CONTROL.search(out + err), repr(CONTROL.findall(out + err))


def test_validation_report_has_no_control_characters(tmp_path, capsys):
    path = tmp_path / "p.ttl"
    text = MINIMAL.replace(b'rdfs:label "Tiny"', f'rdfs:label "{NASTY}"'.encode())
    path.write_bytes(text.replace(b"cmlops:method cmlops:method-audit", b'cmlops:method "x"'))
    assert main(["validate", str(path)]) == 1
    out, err = capsys.readouterr()
    assert not CONTROL.search(out + err)


def test_csv_cells_that_start_a_formula_are_neutralised(tmp_path, capsys):
    path = _profile(tmp_path, FORMULA)
    assert main(["query", "organisations", "--data", str(path), "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    cells = [c for row in rows for c in row]
    assert any("HYPERLINK" in c for c in cells)
    assert not any(c[:1] in "=+-@\t\r" and c for c in cells), cells


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_csv_cell(value):
    assert csv_cell(value).startswith("'")


def test_csv_numbers_stay_numbers():
    assert csv_text([{"n": -3, "x": 2.5}]) == "n,x\r\n-3,2.5\r\n"


def test_text_tables_strip_control_characters():
    table = text_table([{"label": "a\x1b[2Jb\rc"}])
    assert "\x1b" not in table and "\r" not in table


def test_markdown_report_escapes_html_and_table_pipes(tmp_path):
    path = _profile(tmp_path, "<script>alert(1)</script> | <img src=x onerror=alert(1)>")
    out = tmp_path / "r.md"
    assert main(["report", str(path), "-o", str(out)]) == 0
    text = out.read_text()
    assert not re.search(r"(?<!\\)<(script|img)", text)  # only as escaped text
    assert "\\<script\\>alert\\(1\\)\\</script\\> \\| \\<img" in text


def test_html_report_has_only_safe_links(tmp_path):
    path = _profile(tmp_path, '\\"><a href=\\"javascript:alert(1)\\">x</a>')
    out = tmp_path / "r.html"
    assert main(["report", str(path), "-o", str(out)]) == 0
    html = out.read_text()
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs and all(h.startswith(("http://", "https://", "mailto:", "#")) for h in hrefs)
    assert '<a href="javascript' not in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "java\tscript:x",
    ],
)
def test_unsafe_urls_are_dropped(url):
    assert safe_url(url) is None


def test_markdown_and_terminal_helpers():
    assert md("a|b") == "a\\|b" and md("<b>") == "\\<b\\>"
    assert terminal("a\x1b]8;;x\x07b\r\n") == "a]8;;xb "


def test_scan_output_has_no_control_characters(tmp_path, capsys):
    repo = tmp_path / "repo"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / "Dockerfile").write_text("FROM python:3.11\n")
    (repo / "train\x1b]8;;x\x07\r.py").write_text("import mlflow\n")
    workflow = 'name: ci\non: push\njobs:\n  "test\\e[2J":\n    runs-on: x\n    steps:\n'
    workflow += "      - run: pytest\n"
    (repo / ".github" / "workflows" / "ci\x1b[2J.yml").write_text(workflow)
    for extra in ([], ["--explain"]):
        assert main(["scan", str(repo), *extra]) in (0, 1)
        out, err = capsys.readouterr()
        assert not CONTROL.search(out + err), repr(CONTROL.findall(out + err))


@pytest.mark.parametrize(
    ("n", "expected"), [(0, "0 practices"), (1, "1 practice"), (2, "2 practices")]
)
def test_counted_nouns_take_their_number(n, expected):
    from cmlops_kg.present.words import counted

    assert counted(n, "practice") == expected
    assert counted(n, "criterion", "criteria").endswith("criterion" if n == 1 else "criteria")


@pytest.mark.parametrize(
    ("value", "label", "notation", "expected"),
    [
        (0.032877, "per day", "/d", "0.0329 per day"),
        (6, "week", "week", "6 weeks"),
        (1, "hour", "h", "1 hour"),
        (2.5, "hour", "h", "2.5 hours"),
        (12, "percent", "%", "12 %"),
        (3, "", "x", "3 x"),
    ],
)
def test_quantities_read_as_people_write_them(value, label, notation, expected):
    from cmlops_kg.assessment.result import quantity

    assert quantity(value, label, notation) == expected

"""The lab's report: the claim table, every finding, intended against recovered levels, the
measured outcomes with charts, and a closing note computed from the data (Markdown and HTML).
Every value read from the results is escaped for its sink (``md``, ``xml``)."""

from __future__ import annotations

import html
import json
import statistics
import textwrap
from collections import defaultdict
from pathlib import Path

from cmlops_kg.errors import InputError
from cmlops_kg.files import atomic_write
from cmlops_kg.present.escape import md, terminal, xml

__all__ = [
    "claim_rows",
    "closing_note",
    "level_rows",
    "load_result",
    "markdown",
    "md",
    "outcome_rows",
    "summary",
    "write_reports",
]
from cmlops_kg.present.svg import document, element, text

STYLE = (
    "<style>body{font-family:sans-serif;max-width:75rem;margin:2rem auto}"
    "table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;"
    "padding:.3rem .5rem;font-size:.9rem;text-align:left}</style></head><body>"
)
EXTRA_ERRORS = (
    "Extra errors: mispredictions and failed requests beyond what the healthy system (the "
    "day-0 release on unchanged traffic) makes on the same requests, after the fault; "
    "negative when a retrained model does better than the day-0 one."
)
BUNDLED = Path(__file__).resolve().parent / "quick-results.json"
# the quick run's profiles (assessments with their measured outcomes), for the app's views
BUNDLED_PROFILES = Path(__file__).resolve().parent / "quick-profiles"


def bundled_profiles() -> list[Path]:
    return sorted(BUNDLED_PROFILES.glob("*.ttl"))


MARK = {"caught": "caught", "missed": "MISSED", "harmless": "no harm"}


def _get(result: object) -> dict:
    return result if isinstance(result, dict) else result.to_json()  # type: ignore[attr-defined]


def summary(data: dict) -> dict[str, dict]:
    """Per configuration: what the runs measured, aggregated over scenarios and seeds."""
    by: dict[str, list[dict]] = defaultdict(list)
    for r in data["runs"]:
        by[r["configuration"]].append(r)
    out = {}
    for key, runs in by.items():
        faults = [r for r in runs if r["scenario"] != "control"]
        detect = [
            r["detected_step"] - data["simulation"]["faultAtStep"]
            for r in faults
            if r["detected_step"] is not None
        ]
        recover = [
            r["recovered_step"] - data["simulation"]["faultAtStep"]
            for r in faults
            if r["recovered_step"] is not None
        ]
        leads = [
            r["lead_time_steps"]
            for r in runs
            if r["scenario"] == "control" and r["lead_time_steps"] is not None
        ]
        out[key] = {
            "faults": len(faults),
            "reached": sum(r["reached_production"] for r in faults),
            "caught": sum(r["caught"] for r in faults),
            "detected": len(detect),
            "detect_hours": statistics.mean(detect) if detect else None,
            "recover_hours": statistics.mean(recover) if recover else None,
            "manual": sum(r["manual_interventions"] for r in runs),
            "extra_errors": sum(r["extra_errors"] for r in faults),
            "false_alarms": sum(r["false_alarms"] for r in runs),
            "lead_hours": statistics.mean(leads) if leads else None,
        }
    return out


def _levels(conf: dict[str, dict], key: str) -> str:
    return " or ".join(str(v) for v in sorted({c[key] for c in conf.values()}))


def _missed(conf: dict[str, dict]) -> str:
    missed = {k: c["missed"] for k, c in conf.items() if c["missed"]}
    if not missed:
        return (
            "The scanner found every practice the repositories implement (their tools: Git, "
            "pytest, GitHub Actions, pip-tools, Make, DVC, MLflow, Pandera, Argo Rollouts, "
            "Prometheus, Alertmanager)."
        )
    parts = "; ".join(f"{k}: {', '.join(v)}" for k, v in missed.items())
    return f"Practices the repositories implement that the scanner missed: {parts}."


def closing_note(data: dict) -> list[str]:
    cells = data["cells"]
    tested = [c for c in cells if c["agrees"] is not None]
    agree = sum(c["agrees"] for c in tested)
    kinds = defaultdict(int)  # cells (configuration x failure mode), not grouped findings
    for f in data["findings"]:
        kinds[f["kind"]] += max(1, len(f.get("configurations") or []))
    conf = {c["key"]: c for c in data["configurations"]}
    recovered = [k for k, c in conf.items() if c["combined_level"] == c["level"]]
    potential = [k for k, c in conf.items() if c["combined_potential"] == c["level"]]
    s = summary(data)
    first, last = min(s), max(s)
    busiest = max(s, key=lambda k: s[k]["manual"])
    calmest = min(s, key=lambda k: s[k]["manual"])
    return [
        f"Of {len(cells)} configuration × failure-mode cells, {len(tested)} tested the claim "
        f"(in the others the fault did no measurable harm and nothing flagged it); the claim held "
        f"in {agree} of them and failed in {len(tested) - agree}.",
        f"Findings: {kinds['unlisted-guard']} faults caught by configurations without a listed "
        f"guard (guards the ontology does not name), {kinds['guard-did-not-help']} missed despite "
        f"a listed guard, {kinds['no-test']} cells that tested nothing, "
        f"{kinds['unguarded-mode']} exercised failure modes without any guard.",
        f"Extra mispredictions and failed requests over all faults: {s[first]['extra_errors']} "
        f"in {first}, {s[last]['extra_errors']} in {last}; faults reaching production: "
        f"{s[first]['reached']}/{s[first]['faults']} against "
        f"{s[last]['reached']}/{s[last]['faults']}.",
        f"The scanner alone proved level {_levels(conf, 'scan_level')} "
        f"(potential {_levels(conf, 'scan_potential')}) for the five "
        f"configurations, whose intended levels are 0-4: the practices outside a repository "
        f"stay unknown to a scan. With the lab's questionnaire answers (only what a repository "
        f"cannot show) the proven level equals the intended one for "
        f"{', '.join(recovered) or 'none'} and the potential level for "
        f"{', '.join(potential) or 'none'}. " + _missed(conf),
        f"Manual interventions: most in {busiest} ({s[busiest]['manual']}), fewest in "
        f"{calmest} ({s[calmest]['manual']}); monitoring that pages a person raised "
        f"{sum(v['false_alarms'] for v in s.values())} false alarms in all.",
        "What this does not show: one small tabular model, one data set and simulated time; the "
        "human delays (response, complaints, repair) are assumptions of scenarios.ttl, not "
        "measurements; the on-call person always finds the cause; 'reached production' needs "
        "more than 1 % extra errors after the fault, so a harmless fault counts as no test; "
        "practices outside the repositories are premises (questionnaire answers), not exercised; "
        "scikit-learn, pytest, MLflow, Pandera, pip-tools and prometheus_client run for real, "
        "while GitHub Actions, DVC, Make, Kubernetes with Argo Rollouts, Prometheus and "
        "Alertmanager are played by the runner from the repositories' own files (the test "
        "suite runs the generated pipelines with the real DVC).",
    ]


def _bars(title: str, values: dict[str, float | None], unit: str) -> str:
    width, row = 560, 26
    top = max([v for v in values.values() if v is not None] or [1]) or 1
    body = []
    for i, (key, value) in enumerate(values.items()):
        y = 30 + i * row
        body.append(text(10, y + 15, [key]))
        if value is None:
            body.append(text(110, y + 15, ["none"], fill="#666"))
            continue
        length = max(1.0, 380 * max(value, 0) / top)
        body.append(
            element("rect", x=110, y=y + 3, width=f"{length:.1f}", height=row - 8, fill="#3b6ea5")
        )
        body.append(text(116 + length, y + 15, [f"{value:.1f} {unit}".strip()]))
    body.insert(0, text(10, 18, [title], font_weight="bold"))
    return document(width, 40 + row * len(values), title, body)


def charts(data: dict) -> list[str]:
    s = summary(data)
    return [
        _bars(
            "Extra mispredictions and failed requests (all faults)",
            {k: v["extra_errors"] for k, v in s.items()},
            "",
        ),
        _bars(
            "Mean hours from fault to detection (detected faults)",
            {k: v["detect_hours"] for k, v in s.items()},
            "h",
        ),
        _bars(
            "Model lead time (control scenario)", {k: v["lead_hours"] for k, v in s.items()}, "h"
        ),
    ]


def claim_rows(data: dict) -> tuple[list[str], list[list[str]]]:
    configs = [c["key"] for c in data["configurations"]]
    labels = {s["key"]: s["label"] for s in data["scenarios"]}
    rows = []
    for sc in data["scenarios"]:
        if sc["failure_mode"] is None:
            continue
        cells = {c["configuration"]: c for c in data["cells"] if c["scenario"] == sc["key"]}
        mode = sc.get("failure_mode_label") or sc["failure_mode"].rsplit("#", 1)[1]
        row = [labels[sc["key"]], mode]
        for key in configs:
            c = cells[key]
            flag = "" if c["agrees"] is None else (" ✓" if c["agrees"] else " ✗")
            row.append(f"{'guarded' if c['guarded'] else 'no guard'}: {MARK[c['outcome']]}{flag}")
        rows.append(row)
    return ["Scenario", "Failure mode", *configs], rows


def level_rows(data: dict) -> tuple[list[str], list[list[str]]]:
    head = [
        "Configuration",
        "Intended",
        "Scan: proven (potential)",
        "Scan + answers: proven (potential)",
        "Google: proven (potential)",
        "Azure: proven (potential)",
        "Repository practices the scanner missed",
    ]
    rows = [
        [
            c["key"],
            str(c["level"]),
            f"{c['scan_level']} ({c['scan_potential']})",
            f"{c['combined_level']} ({c['combined_potential']})",
            f"{c['google']} ({c.get('google_potential')})",
            f"{c['azure']} ({c.get('azure_potential')})",
            ", ".join(c["missed"]) or "none",
        ]
        for c in data["configurations"]
    ]
    return head, rows


def outcome_rows(data: dict) -> tuple[list[str], list[list[str]]]:
    head = [
        "Configuration",
        "Faults reached production",
        "Caught",
        "Mean h to detect",
        "Mean h to recover",
        "Manual interventions",
        "Extra errors",
        "False alarms",
        "Model lead time (h)",
    ]

    def h(v: float | None) -> str:
        return "-" if v is None else f"{v:.1f}"

    rows = [
        [
            k,
            f"{v['reached']}/{v['faults']}",
            f"{v['caught']}/{v['faults']}",
            h(v["detect_hours"]),
            h(v["recover_hours"]),
            str(v["manual"]),
            str(v["extra_errors"]),
            str(v["false_alarms"]),
            h(v["lead_hours"]),
        ]
        for k, v in summary(data).items()
    ]
    return head, rows


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(md(h) for h in head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(md(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _intro(data: dict) -> str:
    mode = "quick" if data["quick"] else "full"
    return (
        f"{mode} run: {len(data['configurations'])} configurations × "
        f"{len(data['scenarios'])} scenarios × {len(data['seeds'])} seed(s), "
        f"{data['steps']} simulated hours each, {data['seconds']['total']:.0f} s."
    )


CELL_LEGEND = (
    "Each cell: whether the configuration has a practice the ontology lists as a guard "
    "of the failure mode, and what the runs measured; ✓ the claim held, ✗ it did not."
)


def markdown(result: object) -> str:
    data = _get(result)
    lines = ["# Validation lab", "", md(_intro(data)), "", "## The claim, per failure mode", ""]
    lines += [md(CELL_LEGEND), ""]
    lines += _md_table(*claim_rows(data))
    lines += ["## Findings", ""] + [f"- {md(f['text'])}" for f in data["findings"]] + [""]
    lines += ["## Intended and recovered levels", "", *_md_table(*level_rows(data))]
    lines += ["## Measured outcomes", "", md(EXTRA_ERRORS), "", *_md_table(*outcome_rows(data))]
    lines += ["## Closing note", ""] + [md(p) + "\n" for p in closing_note(data)]
    return "\n".join(lines)


def _text_table(head: list[str], rows: list[list[str]]) -> list[str]:
    cells = [[terminal(c) for c in row] for row in [head, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(head))]
    out = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return [out[0], "  ".join("-" * w for w in widths), *out[1:], ""]


def _wrapped(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(terminal(text), 100, initial_indent=indent, subsequent_indent="  ")


def text_report(result: object) -> str:
    """The report for a terminal: plain text, aligned tables, control characters removed."""
    data = _get(result)
    lines = ["VALIDATION LAB", *_wrapped(_intro(data)), "", "THE CLAIM, PER FAILURE MODE"]
    lines += [*_wrapped(CELL_LEGEND), *_text_table(*claim_rows(data)), "FINDINGS"]
    lines += [line for f in data["findings"] for line in _wrapped(f["text"], "- ")] + [""]
    lines += ["INTENDED AND RECOVERED LEVELS", *_text_table(*level_rows(data))]
    lines += ["MEASURED OUTCOMES", *_wrapped(EXTRA_ERRORS), *_text_table(*outcome_rows(data))]
    lines += ["CLOSING NOTE"] + [line for p in closing_note(data) for line in [*_wrapped(p), ""]]
    return "\n".join(lines)


def _html_table(head: list[str], rows: list[list[str]]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{th}</tr>{body}</table>"


def html_report(result: object) -> str:
    data = _get(result)
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Validation lab</title>",
        STYLE,
        "<h1>Validation lab</h1>",
        "<h2>The claim, per failure mode</h2>",
        _html_table(*claim_rows(data)),
        "<h2>Findings</h2><ul>"
        + "".join(f"<li>{xml(f['text'])}</li>" for f in data["findings"])
        + "</ul>",
        "<h2>Intended and recovered levels</h2>",
        _html_table(*level_rows(data)),
        "<h2>Measured outcomes</h2>",
        f"<p>{xml(EXTRA_ERRORS)}</p>",
        _html_table(*outcome_rows(data)),
        *[f"<figure>{svg}</figure>" for svg in charts(data)],
        "<h2>Closing note</h2>" + "".join(f"<p>{xml(p)}</p>" for p in closing_note(data)),
        "</body></html>",
    ]
    return "".join(parts)


def write_reports(result: object, out: Path) -> None:
    atomic_write(out / "report.md", markdown(result).encode("utf-8"))
    atomic_write(out / "report.html", html_report(result).encode("utf-8"))


def load_result(path: Path | None = None) -> dict:
    """A stored result: ``results.json``, the folder holding it, or (None) the bundled result
    of the quick run."""
    file = BUNDLED if path is None else (path / "results.json" if path.is_dir() else path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            f"cannot read lab results from {file}: {exc}",
            fix="run 'cmlops-kg lab run --out DIR' first",
        ) from exc
    if not isinstance(data, dict) or not {"runs", "cells", "configurations"} <= set(data):
        raise InputError(f"{file} holds no lab results", fix="give the results.json of a lab run")
    return data

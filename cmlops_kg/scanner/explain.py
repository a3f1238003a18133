"""Saying what a scan found: a table, a JSON document, and ``--explain``: per practice what was
found where and why it counts, what argues against it, what was looked for but not found, and
which practices no repository can show (unknown, not missing). Everything said is redacted.
"""

from __future__ import annotations

from collections import Counter

from cmlops_kg.present.tables import text_table
from cmlops_kg.scanner import ScanResult
from cmlops_kg.scanner.coverage import NOT_FOUND, UNKNOWN, practice_states
from cmlops_kg.scanner.evidence import STRENGTH_WORDS, Verdict
from cmlops_kg.scanner.findings import SignalFinding
from cmlops_kg.scanner.patterns import redact, redact_all
from cmlops_kg.scanner.signals import Signal, practices_by_signal

STATUS_ORDER = {"implemented": 0, "partial": 1, "not-implemented": 2}
MODE_WORDS = {"automatic": "automated", "manual": "manual", None: ""}


def _sorted(verdicts: list[Verdict]) -> list[Verdict]:
    return sorted(verdicts, key=lambda v: (STATUS_ORDER[v.status], v.mode != "automatic", v.label))


def summary_line(result: ScanResult) -> str:
    jobs = result.detection.ci.jobs
    files = len({j.file for j in jobs})
    scope = f" (folder {result.scope})" if result.scope else ""
    line = (
        f"Scanned {result.name}{scope}: {result.files:,} files, {result.dirs:,} directories, "
        f"{len(jobs)} CI job(s) in {files} file(s), {result.detection.refs} git ref(s), "
        f"{len(result.all_skipped)} skipped, in {result.seconds:.2f} s. "
        f"Evidence for {len(result.verdicts)} practice(s)."
    )
    return line


def states(result: ScanResult):
    return practice_states(result.verdicts, result.catalogue, result.repository)


def table(result: ScanResult) -> str:
    rows = [
        {
            "practice": v.label,
            "status": v.status,
            "mode": MODE_WORDS[v.mode],
            "confidence": f"{v.confidence:.2f}",
            "evidence": v.quote,
        }
        for v in _sorted(result.verdicts)
    ]
    body = text_table(rows, width=70) if rows else "(no practice evidence found)"
    return redact(summary_line(result) + "\n\n" + body)


def _finding(f: SignalFinding) -> dict:
    return {
        "signal": f.signal.iri,
        "label": f.signal.label,
        "strength": STRENGTH_WORDS[f.rank],
        "location": f.location,
        "quote": f.quote,
        "run_by_ci": f.via or None,
    }


def _not_found(result: ScanResult) -> dict[str, list[Signal]]:
    fired = result.detection.fired
    return {
        practice: [s for s in signals if s.iri not in fired]
        for practice, signals in practices_by_signal(result.catalogue).items()
    }


def document(result: ScanResult, explain: bool = False, profile: dict | None = None) -> dict:
    """The JSON form of a scan (see the README, 'scan --format json')."""
    data: dict = {
        "repository": result.name,
        **(profile or {}),
        "files_scanned": result.files,
        "directories": result.dirs,
        "seconds": round(result.seconds, 3),
        "git_index": result.detection.git_index,
        "scope": result.scope or None,
        "git": {"repository": result.repository, "refs": result.detection.refs},
        "warnings": result.warnings,
        "ci_jobs": [
            {
                "provider": j.provider,
                "file": j.file,
                "name": j.name,
                "triggers": sorted(j.triggers),
                "runs_here": j.runs_here,
                "not_run": j.not_run or None,
                "commands": len(j.commands),
            }
            for j in result.detection.ci.jobs
        ],
        "skipped": [{"path": p, "reason": r} for p, r in result.all_skipped],
        "practices": [
            {
                "practice": v.practice,
                "label": v.label,
                "status": v.status,
                "evidence_status": v.evidence_status,
                "mode": v.mode,
                "confidence": v.confidence,
                "quote": v.quote,
                "justification": v.justification,
                "findings": [_finding(f) for f in v.findings],
                "against": [_finding(f) for f in v.negatives],
            }
            for v in _sorted(result.verdicts)
        ],
        "coverage": [
            {"practice": s.practice, "label": s.label, "state": s.state, "reason": s.reason}
            for s in states(result)
        ],
    }
    if explain:
        missing = _not_found(result)
        labels = result.catalogue.practice_labels
        data["looked_for"] = {
            labels.get(p, p): [{"signal": s.label, "looks_for": s.describe()} for s in sigs]
            for p, sigs in sorted(missing.items(), key=lambda kv: labels.get(kv[0], kv[0]))
            if sigs
        }
        data["no_signal_exists"] = result.catalogue.uncovered
    return redact_all(data)  # type: ignore[return-value]


def explanation(result: ScanResult) -> str:
    """Per practice: what was found where and why it counts, and what was not found."""
    lines = [summary_line(result), ""]
    missing = _not_found(result)
    judged = {v.practice for v in result.verdicts}
    for v in _sorted(result.verdicts):
        mode = f", {MODE_WORDS[v.mode]}" if v.mode else ""
        stated = " (stated as unknown)" if v.evidence_status != v.status else ""
        lines.append(f"== {v.label}: {v.status}{stated}{mode} (confidence {v.confidence:.2f})")
        lines += _grouped(v.findings, "+")
        lines += _grouped(v.negatives, "- against:")
        lines.append(f"  verdict: {v.justification}")
        lines += _looked_for(missing.get(v.practice, []))
        lines.append("")
    by_state = {st.practice: st for st in states(result)}
    not_found = [p for p, st in by_state.items() if st.state == NOT_FOUND and p not in judged]
    if not_found:
        lines.append("== Not found (a repository could show these; no evidence, so unknown):")
        for practice in not_found:
            lines.append(f"  {by_state[practice].label}")
            lines += _looked_for(missing.get(practice, []), indent="    ")
        lines.append("")
    unknown = [st for st in by_state.values() if st.state == UNKNOWN]
    for reason in sorted({st.reason for st in unknown}):
        lines.append(f"== Unknown — {reason}:")
        lines.append("  " + "; ".join(st.label for st in unknown if st.reason == reason))
        lines.append("")
    skipped = result.all_skipped
    if skipped:
        reasons = Counter(r for _, r in skipped)
        lines.append("== Skipped:")
        lines += [f"  {n} x {reason}" for reason, n in reasons.most_common()]
        lines += [f"    e.g. {p}: {r}" for p, r in skipped[:10]]
    return redact("\n".join(lines).rstrip() + "\n")


def _grouped(findings: list[SignalFinding], marker: str) -> list[str]:
    """One block per signal and strength: where, the first quote, how CI runs it, why."""
    groups: dict[tuple[str, int], list[SignalFinding]] = {}
    for f in findings:
        groups.setdefault((f.signal.iri, f.rank), []).append(f)
    out = []
    for group in groups.values():
        first = group[0]
        places = list(dict.fromkeys(f.location for f in group))
        more = f" (+{len(places) - 5} more)" if len(places) > 5 else ""
        out.append(f"  {marker} [{STRENGTH_WORDS[first.rank]}] {first.signal.label}: ")
        out[-1] += ", ".join(places[:5]) + more
        if first.quote and first.quote != "directory":
            out.append(f"      {first.quote}")
        if first.via:
            out.append(f"      {first.via}")
        out.append(f"      why it counts: {first.signal.definition}")
    return out


def _looked_for(signals: list[Signal], indent: str = "  ") -> list[str]:
    if not signals:
        return []
    out = [f"{indent}looked for, not found:"]
    out += [f"{indent}  - {s.label} ({s.describe()})" for s in signals]
    return out

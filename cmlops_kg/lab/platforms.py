"""The platform a repository's files configure, as the local runner plays it: Argo Rollouts
(a canary's share, pause and analysis thresholds from ``deploy/*.yaml``), Prometheus (the
alerting rules of ``monitoring/alerts.yml`` evaluated on the metrics the monitoring job
exposes through ``prometheus_client``), Alertmanager (``monitoring/alertmanager.yml``: who or
what each alert goes to) and the monitoring CronJob's window.

Only the forms a team's files use here are understood; anything else is refused with the
file and the expression, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from cmlops_kg.errors import InputError


def _documents(path: Path) -> list[dict]:
    docs = yaml.safe_load_all(path.read_text(encoding="utf-8"))
    return [d for d in docs if isinstance(d, dict)]


def _get(data: object, *keys: str) -> object:
    """data[k1][k2]... of YAML mappings, None where a level is missing or not a mapping."""
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data


def _manifests(repo: Path, kind: str) -> list[dict]:
    folder = repo / "deploy"
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.glob("*.y*ml")):
        found += [d for d in _documents(path) if d.get("kind") == kind]
    return found


# -- Argo Rollouts ---------------------------------------------------------------------------
THRESHOLD = re.compile(r"^\s*result(\[0\])?\s*<=\s*([0-9.]+)\s*$")
DURATION = re.compile(r"^(\d+)([smh])$")
ANALYSIS_LIMITS = {"error-rate": "max_error_rate", "accuracy-drop": "max_accuracy_drop"}


def hours(text: str) -> float:
    match = DURATION.match(str(text).strip())
    if not match:
        raise InputError(f"cannot read the duration {text!r}", fix="write it as 30m, 2h or 90s")
    value, unit = int(match.group(1)), match.group(2)
    return value / {"s": 3600, "m": 60, "h": 1}[unit]


def read_canary(repo: Path) -> dict | None:
    """The canary of the repository's Rollout: traffic share, pause (hours) and the analysis
    limits, or None when releases are not canaried."""
    rollouts = _manifests(repo, "Rollout")
    canary = _get(rollouts[0], "spec", "strategy", "canary") if rollouts else None
    if not isinstance(canary, dict):
        return None
    spec: dict = {"fraction": 0.0, "hours": 0.0}
    for step in canary.get("steps") or []:
        if "setWeight" in step:
            spec["fraction"] = float(step["setWeight"]) / 100
        elif "pause" in step:
            spec["hours"] += hours((step["pause"] or {}).get("duration", "0s"))
    names = {t.get("templateName") for t in (canary.get("analysis") or {}).get("templates") or []}
    for template in _manifests(repo, "AnalysisTemplate"):
        if (template.get("metadata") or {}).get("name") in names:
            spec.update(_analysis_limits(template))
    return spec


def _analysis_limits(template: dict) -> dict[str, float]:
    limits = {}
    for metric in (template.get("spec") or {}).get("metrics") or []:
        key = ANALYSIS_LIMITS.get(metric.get("name"))
        match = THRESHOLD.match(str(metric.get("successCondition", "")))
        if key and match:
            limits[key] = float(match.group(2))
    return limits


# -- Prometheus alerting rules -----------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    alert: str
    check: str  # the rule's `check` label: which part of the monitoring it is
    expr: str


COMPARE = re.compile(r"^(?P<left>.+?)\s*(?P<op>>=|<=|>|<)\s*(?P<value>-?[0-9.]+)$")
COUNT = re.compile(r"^count\((?P<metric>\w+)\s*(?P<op>>=|<=|>|<)\s*(?P<value>-?[0-9.]+)\)$")
ABS = re.compile(r"^abs\((?P<inner>.+)\)$")
OPS = {">": float.__gt__, "<": float.__lt__, ">=": float.__ge__, "<=": float.__le__}


def read_rules(repo: Path) -> list[Rule]:
    path = repo / "monitoring" / "alerts.yml"
    if not path.exists():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rules = []
    for group in data.get("groups") or []:
        for rule in group.get("rules") or []:
            if "alert" in rule:
                labels = rule.get("labels") or {}
                rules.append(Rule(rule["alert"], labels.get("check", rule["alert"]), rule["expr"]))
    return rules


def samples(registry: object) -> dict[str, list[float]]:
    """A prometheus_client registry's samples by metric name."""
    found: dict[str, list[float]] = {}
    for family in registry.collect():  # type: ignore[attr-defined]
        for sample in family.samples:
            found.setdefault(sample.name, []).append(float(sample.value))
    return found


def fires(expr: str, values: dict[str, list[float]], now_seconds: float) -> bool:
    """Whether an alerting rule's expression holds. A rule on a metric that has no sample
    (no labelled outcomes yet) does not fire, as in Prometheus."""
    match = COMPARE.match(expr.strip())
    if not match:
        raise InputError(f"cannot evaluate the alert expression {expr!r}", fix=_FORMS)
    left = _value(match.group("left").strip(), values, now_seconds, expr)
    return left is not None and OPS[match.group("op")](left, float(match.group("value")))


_FORMS = "use metric > x, a - b > x, abs(a - b) > x, count(metric > x) >= n or time() - metric > x"


def _value(text: str, values: dict[str, list[float]], now: float, expr: str) -> float | None:
    if counted := COUNT.match(text):
        limit, op = float(counted.group("value")), OPS[counted.group("op")]
        return float(sum(op(v, limit) for v in values.get(counted.group("metric"), [])))
    if inner := ABS.match(text):
        value = _value(inner.group("inner").strip(), values, now, expr)
        return None if value is None else abs(value)
    if " - " in text:
        a, b = (part.strip() for part in text.split(" - ", 1))
        left, right = _value(a, values, now, expr), _value(b, values, now, expr)
        return None if left is None or right is None else left - right
    if text == "time()":
        return now
    if re.fullmatch(r"\w+", text):
        found = values.get(text)
        return found[0] if found else None
    raise InputError(f"cannot evaluate {text!r} in the alert expression {expr!r}", fix=_FORMS)


# -- Alertmanager ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Route:
    alerts: frozenset[str]
    action: tuple[str, str]  # ("page", receiver) | ("dispatch", event type) | ("restart", job)


MATCHER = re.compile(r'^alertname\s*(=~|=)\s*"([^"]*)"$')


def read_routes(repo: Path) -> tuple[list[Route], tuple[str, str] | None]:
    """The routes of monitoring/alertmanager.yml (first match wins) and the default action."""
    path = repo / "monitoring" / "alertmanager.yml"
    if not path.exists():
        return [], None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    receivers = {r["name"]: _action(r) for r in data.get("receivers") or []}
    route = data.get("route") or {}
    routes = []
    for sub in route.get("routes") or []:
        names: set[str] = set()
        for matcher in sub.get("matchers") or []:
            if found := MATCHER.match(matcher.strip()):
                names |= set(found.group(2).split("|"))
        routes.append(Route(frozenset(names), receivers[sub["receiver"]]))
    return routes, receivers.get(route.get("receiver"))


def _action(receiver: dict) -> tuple[str, str]:
    for hook in receiver.get("webhook_configs") or []:
        url = str(hook.get("url", "")).rstrip("/")
        if "/dispatches/" in url:  # a repository_dispatch event of that type
            return ("dispatch", url.rsplit("/dispatches/", 1)[1])
        if url.endswith("/restart"):  # a platform job restarted
            return ("restart", url.rsplit("/", 2)[-2])
    return ("page", receiver["name"])


@dataclass
class Monitoring:
    """What the repository's monitoring amounts to, for the runner."""

    window_steps: int
    rules: list[Rule]
    actions: dict[str, tuple[str, str] | None] = field(default_factory=dict)  # check -> action
    recent_steps: int = 0

    @property
    def checks(self) -> set[str]:
        return {r.check for r in self.rules}

    def needs_labels(self) -> bool:
        return any("model_accuracy" in r.expr for r in self.rules)


def read_monitoring(repo: Path, step_hours: float = 1.0) -> Monitoring | None:
    rules = read_rules(repo)
    if not rules:
        return None
    routes, default = read_routes(repo)
    actions: dict[str, tuple[str, str] | None] = {}
    for rule in rules:
        matched = next((r.action for r in routes if rule.alert in r.alerts), default)
        actions[rule.check] = matched
    window = _window_hours(repo)
    recent = (_params(repo).get("collect") or {}).get("recent_hours", 0)
    return Monitoring(
        max(1, round(window / step_hours)), rules, actions, round(float(recent) / step_hours)
    )


def _window_hours(repo: Path) -> float:
    for job in _manifests(repo, "CronJob"):
        containers = _get(job, "spec", "jobTemplate", "spec", "template", "spec", "containers")
        for container in containers if isinstance(containers, list) else []:
            args = [str(a) for a in container.get("args") or []]
            if "--window-hours" in args:
                return float(args[args.index("--window-hours") + 1])
    return 3.0


def _params(repo: Path) -> dict:
    path = repo / "params.yaml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}

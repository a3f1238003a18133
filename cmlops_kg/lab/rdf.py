"""The measured outcomes as RDF: per configuration, metric observations (DQV, PROV-O) of its
assessment - the form ``queries/outcomes.rq`` and ``queries/practice_vs_outcome.rq`` read, as
the bundled case studies write them - and, in a separate graph, one ``prov:Activity`` per run
with what was measured."""

from __future__ import annotations

import statistics
import urllib.parse

import pyoxigraph as ox

from cmlops_kg.lab.assessment import DATE, ConfigurationAssessment
from cmlops_kg.lab.catalogue import LAB, Scenario, Simulation
from cmlops_kg.lab.runner import RunResult
from cmlops_kg.rdf.profiles import Profile
from cmlops_kg.vocab import CMLOPS, DQV, PROV, RDF_TYPE, RDFS, RDFS_LABEL, XSD

ARTEFACT_FAULTS = ("edit-repository", "rename-upstream-columns")


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _dec(value: float) -> ox.Literal:
    return ox.Literal(f"{max(value, 0.0):.4f}", datatype=_n(XSD + "decimal"))


def measured_metrics(
    runs: list[RunResult], scenarios: list[Scenario], sim: Simulation
) -> dict[str, tuple[float, str, str]]:
    """metric key -> (value, unit key, how it was measured), from one configuration's runs."""
    kinds = {s.key: s for s in scenarios}
    out: dict[str, tuple[float, str, str]] = {}
    changes = [
        r
        for r in runs
        if kinds[r.scenario].kind in ARTEFACT_FAULTS and kinds[r.scenario].failure_mode
    ]
    if changes:
        rate = 100.0 * sum(r.reached_production for r in changes) / len(changes)
        out["metric-change-fail-rate"] = (
            rate,
            "unit-percent",
            f"share of the {len(changes)} faulty changes (code, model, data) that reached "
            "production",
        )
    recovered = [r for r in runs if r.reached_production and r.recovered_step is not None]
    if recovered:
        hours = statistics.mean(
            (r.recovered_step - sim.fault_at_step) * sim.step_hours for r in recovered
        )  # type: ignore[operator]
        out["metric-failed-deployment-recovery-time"] = (
            hours,
            "unit-hour",
            f"mean over the {len(recovered)} runs whose fault reached production and was "
            "recovered within the simulated horizon",
        )
    leads = [
        r.lead_time_steps * sim.step_hours
        for r in runs
        if kinds[r.scenario].failure_mode is None and r.lead_time_steps is not None
    ]
    if leads:
        out["metric-model-lead-time"] = (
            statistics.mean(leads),
            "unit-hour",
            "from the commit of a benign model change to the model serving all traffic "
            "(control scenario)",
        )
    faults = [r for r in runs if kinds[r.scenario].failure_mode is not None]
    detected = [r for r in faults if r.detected_step is not None]
    if detected:
        out["metric-time-to-detect"] = (
            statistics.mean(
                (r.detected_step - sim.fault_at_step) * sim.step_hours for r in detected
            ),  # type: ignore[operator]
            "unit-hour",
            f"mean over the {len(detected)} of {len(faults)} fault runs in which a check, a "
            "monitor or a person detected the fault",
        )
    served = [r for r in faults if r.served_after_fault]
    if served:
        out["metric-prediction-quality-lost"] = (
            statistics.mean(
                max(0.0, 100.0 * r.extra_errors / r.served_after_fault) for r in served
            ),
            "unit-percent",
            f"mean over the {len(served)} fault runs of the extra wrong or failed answers per "
            "request served after the fault, against the day-0 release on the same requests "
            "(a gain counts as no loss)",
        )
    control = [r for r in runs if kinds[r.scenario].failure_mode is None]
    if control:
        per_day = statistics.mean(r.releases / (r.steps * sim.step_hours / 24) for r in control)
        out["metric-deployment-frequency"] = (
            per_day,
            "unit-per-day",
            "production releases per simulated day (control scenario)",
        )
    return out


def observations(
    a: ConfigurationAssessment, metrics: dict[str, tuple[float, str, str]]
) -> list[ox.Triple]:
    asm = _n(a.assessment)
    triples = []
    for key, (value, unit, how) in metrics.items():
        obs = _n(f"{a.assessment}/lab/{key}")
        triples += [
            ox.Triple(obs, _n(RDF_TYPE), _n(CMLOPS + "MetricObservation")),
            ox.Triple(obs, _n(RDF_TYPE), _n(DQV + "QualityMeasurement")),
            ox.Triple(obs, _n(PROV + "wasGeneratedBy"), asm),
            ox.Triple(obs, _n(DQV + "isMeasurementOf"), _n(CMLOPS + key)),
            ox.Triple(obs, _n(DQV + "value"), _dec(value)),
            ox.Triple(obs, _n(CMLOPS + "unit"), _n(CMLOPS + unit)),
            ox.Triple(
                obs,
                _n(CMLOPS + "periodStart"),
                ox.Literal(DATE.isoformat(), datatype=_n(XSD + "date")),
            ),
            ox.Triple(
                obs,
                _n(CMLOPS + "periodEnd"),
                ox.Literal(DATE.isoformat(), datatype=_n(XSD + "date")),
            ),
            ox.Triple(
                obs,
                _n(RDFS + "comment"),
                ox.Literal(f"Measured by the validation lab: {how}.", language="en"),
            ),
        ]
    return triples


def profile_with_outcomes(
    a: ConfigurationAssessment, metrics: dict[str, tuple[float, str, str]]
) -> Profile:
    assert a.profile is not None
    return Profile(
        name=f"lab:{a.configuration}", triples=list(a.profile.triples) + observations(a, metrics)
    )


def run_triples(
    runs: list[RunResult],
    assessments: dict[str, ConfigurationAssessment],
    scenarios: list[Scenario],
) -> list[ox.Triple]:
    """One prov:Activity per run, associated with the configuration's organisation and using
    the scenario (a prov:Plan of scenarios.ttl)."""
    by_key = {s.key: s for s in scenarios}
    t = []
    for r in runs:
        a = assessments[r.configuration]
        run = _n(f"{a.organisation}/lab-run/{urllib.parse.quote(r.scenario)}/{r.seed}")
        t += [
            ox.Triple(run, _n(RDF_TYPE), _n(PROV + "Activity")),
            ox.Triple(run, _n(RDF_TYPE), _n(str(LAB) + "Run")),
            ox.Triple(
                run,
                _n(RDFS_LABEL),
                ox.Literal(f"{r.configuration} × {by_key[r.scenario].label} (seed {r.seed})"),
            ),
            ox.Triple(run, _n(PROV + "wasAssociatedWith"), _n(a.organisation)),
            ox.Triple(run, _n(PROV + "used"), _n(by_key[r.scenario].iri)),
            ox.Triple(run, _n(str(LAB) + "assessment"), _n(a.assessment)),
            ox.Triple(
                run,
                _n(str(LAB) + "reachedProduction"),
                ox.Literal(str(r.reached_production).lower(), datatype=_n(XSD + "boolean")),
            ),
            ox.Triple(
                run,
                _n(str(LAB) + "caught"),
                ox.Literal(str(r.caught).lower(), datatype=_n(XSD + "boolean")),
            ),
            ox.Triple(
                run,
                _n(str(LAB) + "manualInterventions"),
                ox.Literal(str(r.manual_interventions), datatype=_n(XSD + "integer")),
            ),
            ox.Triple(
                run,
                _n(str(LAB) + "extraErrors"),
                ox.Literal(str(r.extra_errors), datatype=_n(XSD + "integer")),
            ),
        ]
        for name, value in (
            ("detectedStep", r.detected_step),
            ("recoveredStep", r.recovered_step),
            ("leadTimeSteps", r.lead_time_steps),
        ):
            if value is not None:
                t.append(
                    ox.Triple(
                        run,
                        _n(str(LAB) + name),
                        ox.Literal(str(value), datatype=_n(XSD + "integer")),
                    )
                )
    return t

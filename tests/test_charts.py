"""Chart data builders: what the explorer draws, checked without a browser."""

from __future__ import annotations

import pytest

from cmlops_kg.app.figures import heatmap_figure, history_figure, radar_figure
from cmlops_kg.assessment.result import (
    AssessmentResult,
    DimensionLevel,
    ExternalLevel,
    HistoryPoint,
    Readiness,
)
from cmlops_kg.present.charts import (
    MAX_LEVEL,
    history_heatmap_data,
    history_series,
    next_level_radar,
    pipeline_dot,
    radar_data,
    score_rows,
    weakest_score,
    wrap_label,
)
from cmlops_kg.present.framework import Interface, Pipeline
from cmlops_kg.present.portfolio_view import heatmap_data, rows_from_results


def dim(label: str, notation: str, level: int, score: float = 1.0) -> DimensionLevel:
    return DimensionLevel(
        iri=f"https://w3id.org/cmlops#dim-{notation.lower()}",
        label=label,
        notation=notation,
        level=level,
        level_label=f"Level {level}",
        potential=level,
        potential_label=f"Level {level}",
        target=None,
        score=score,
        max_score=10.0,
        percent=score * 10,
        implemented=int(score),
        applicable=10,
        unknown=0,
    )


def result(label: str, levels: dict[str, int], history: list[HistoryPoint] | None = None):
    dims = [dim(name, name[:4].upper(), level, float(level)) for name, level in levels.items()]
    return AssessmentResult(
        organisation=f"https://example.org/org/{label.lower()}",
        label=label,
        assessment=f"https://example.org/org/{label.lower()}/a",
        date="2026-01-01",
        method="audit",
        readiness=Readiness(
            level=min(levels.values()),
            label="x",
            potential=min(levels.values()),
            potential_label="x",
            limiting_dimensions=[],
            limiting_iris=[],
            highest=max(levels.values()),
            lopsided=False,
            summary="x",
        ),
        dimensions=dims,
        external_levels={
            "google": ExternalLevel(
                "g", "Google", "Google", 0, "g0", "Google L0", 0, "Google L0", 1, "Google L1"
            )
        },
        gaps=[],
        open_questions=[],
        roadmap=[],
        interfaces=[],
        history=history or [],
    )


LEVELS = {"Data": 2, "Model": 1, "Delivery": 3}


def test_radar_polygon_is_closed_and_follows_dimension_order():
    data = radar_data(result("Acme", LEVELS))
    assert data.theta == ["Data", "Model", "Delivery", "Data"]
    assert data.r == [2, 1, 3, 2]
    assert data.label == "Acme"


def test_radar_with_notations_and_next_level_target_capped_at_top():
    r = result("Acme", {"Data": 4, "Model": 0})
    assert radar_data(r, use_notation=True).theta == ["DATA", "MODE", "DATA"]
    assert next_level_radar(r).r == [MAX_LEVEL, 1, MAX_LEVEL]


def test_radar_of_no_dimensions_is_empty():
    r = result("Empty", {"Data": 1})
    r.dimensions = []
    assert radar_data(r).r == []


def test_radar_figure_axis_range_is_zero_to_four_and_last_trace_is_the_profile():
    fig = radar_figure(result("Acme", LEVELS))
    assert list(fig.layout.polar.radialaxis.range) == [0, MAX_LEVEL]
    profile = fig.data[-1]
    assert profile.fill == "toself"
    assert list(profile.r) == [2, 1, 3, 2]
    assert profile.theta[0] == profile.theta[-1]


def test_scores_and_weakest_link():
    r = result("Acme", LEVELS)
    rows = score_rows(r)
    assert [row["Dimension"] for row in rows] == list(LEVELS)
    assert rows[0]["Score"] == 2.0 and rows[0]["Implemented"] == "2 / 10"
    assert weakest_score(r) == 1.0


def test_heatmap_rows_are_organisations_and_columns_dimensions():
    results = [result("Acme", LEVELS), result("Beta", {"Data": 0, "Ops": 4})]
    data = heatmap_data(rows_from_results(results))
    assert data.rows == ["Acme (2026-01-01)", "Beta (2026-01-01)"]
    assert data.columns == ["Data", "Model", "Delivery", "Ops"]
    assert data.z == [[2, 1, 3, None], [0, None, None, 4]]
    fig = heatmap_figure(data)
    assert (fig.data[0].zmin, fig.data[0].zmax) == (0, MAX_LEVEL)


HISTORY = [
    HistoryPoint("a1", "2025-01-01", 1, 1, {"Data": 1, "Model": 2}),
    HistoryPoint("a2", "2026-01-01", 2, 3, {"Data": 2, "Model": 3}),
]


def test_history_series_and_its_heatmap_are_oldest_first():
    series = history_series(HISTORY)
    assert series.dates == ["2025-01-01", "2026-01-01"]
    assert series.overall == [1, 2]
    assert series.dimensions == {"Data": [1, 2], "Model": [2, 3]}
    grid = history_heatmap_data(HISTORY)
    assert grid.rows == series.dates and grid.z == [[1, 2], [2, 3]]
    fig = history_figure(series)
    assert list(fig.data[-1].y) == [1, 2] and fig.data[-1].name == "Overall level"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Data", "Data"),
        ("Model development and experimentation", "Model<br>development and<br>experimentation"),
    ],
)
def test_long_labels_wrap(text, expected):
    assert wrap_label(text) == expected


def test_pipeline_dot_has_a_node_per_pipeline_and_an_edge_per_interface():
    pipes = [
        Pipeline("urn:p:data", 'Data "pipeline"', None, 3),
        Pipeline("urn:p:model", "Model", None, 2),
    ]
    interfaces = [
        Interface(
            "urn:i:1",
            "Data to model: hand-off",
            "urn:p:data",
            "Data",
            "urn:p:model",
            "Model",
            ("Dataset",),
            None,
            ("Data versioning",),
        ),
        Interface(
            "urn:i:2",
            "Model to data: feedback",
            "urn:p:model",
            "Model",
            "urn:p:data",
            "Data",
            (),
            None,
            (),
        ),
    ]
    dot = pipeline_dot(pipes, interfaces, highlight=["urn:i:2"])
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    assert '"urn:p:data" [label="Data \\"pipeline\\"\\n(3 practices)"' in dot
    assert '"urn:p:data" -> "urn:p:model" [label="hand-off\\n[Dataset]"' in dot
    highlighted = [line for line in dot.splitlines() if "penwidth=3" in line]
    assert len(highlighted) == 1 and '"urn:p:model" -> "urn:p:data"' in highlighted[0]
    assert dot.count("->") == 2


def test_lifecycle_dot_is_a_pinned_loop_in_phase_order():
    from cmlops_kg.present.charts import lifecycle_dot
    from cmlops_kg.present.framework import Phase

    phases = [
        Phase("urn:ph:2", "Train", 2, None, "train", None, (), "urn:ph:3"),
        Phase("urn:ph:1", "Plan", 1, "plan", "framing", None, (), "urn:ph:2"),
        Phase("urn:ph:3", "Deploy", 3, "deploy", None, None, (), "urn:ph:1"),
    ]
    dot = lifecycle_dot(phases)
    nodes = [line for line in dot.splitlines() if "pos=" in line]
    assert [n.split('"')[1] for n in nodes] == ["urn:ph:1", "urn:ph:2", "urn:ph:3"]
    assert all(n.rstrip().endswith('!"];') for n in nodes)  # pinned positions
    assert '"urn:ph:1" -> "urn:ph:2";' in dot and '"urn:ph:2" -> "urn:ph:3";' in dot
    assert '"urn:ph:3" -> "urn:ph:1" [style=dashed];' in dot  # the loop back
    assert "1. Plan" in nodes[0] and "#e0f2f1" in nodes[0]  # both loops
    assert "#f3e5f5" in nodes[1] and "#e3f2fd" in nodes[2]  # ML only, DevOps only


def test_outcome_rows_and_scatter_data():
    from cmlops_kg.assessment.engine import Assessor
    from cmlops_kg.assessment.outcomes import practice_vs_outcome
    from cmlops_kg.present.charts import outcome_rows, outcome_scatter_data
    from cmlops_kg.rdf.profiles import read_profile
    from cmlops_kg.resources import EXAMPLES_DIR

    engine = Assessor()
    for path in sorted((EXAMPLES_DIR / "profiles").glob("*.ttl")):
        engine.load(read_profile(path))
    rows = outcome_rows(engine.result("https://example.org/org/vectorly"))
    by_metric = {r["Metric"]: r for r in rows}
    assert by_metric["Deployment frequency"]["Cluster"] == "Elite performance cluster"
    assert by_metric["Monitored model share"]["Cluster"] == "not benchmarked"
    assert by_metric["Change lead time"]["Canonical"] == "1.5 h"  # dqv:value 1.5, hours
    data = outcome_scatter_data(practice_vs_outcome(engine.store))
    assert len(data.labels) == len(data.levels) == len(data.values) == len(data.above)
    assert data.unit == "/d" and data.threshold == 3
    assert all(a == (lvl >= 3) for a, lvl in zip(data.above, data.levels, strict=True))
    assert data.log_scale  # 0.03 to 12 deployments a day spans more than two decades


def test_pipeline_edges_are_coloured_by_their_worst_failure_mode():
    from cmlops_kg.assessment.result import FailureModeStatus, InterfaceReport
    from cmlops_kg.present.charts import GUARD_COLOURS, interface_guard_status

    def fm(status: str) -> FailureModeStatus:
        return FailureModeStatus("urn:fm", "x", status, status, [], [])

    reports = [
        InterfaceReport(
            "urn:i:1", "a", "urn:p:data", "urn:p:model", [fm("guarded"), fm("unguarded")]
        ),
        InterfaceReport(
            "urn:i:2", "b", "urn:p:model", "urn:p:data", [fm("guarded"), fm("unknown")]
        ),
        InterfaceReport("urn:i:3", "c", "urn:p:model", "urn:p:data", [fm("not-applicable")]),
    ]
    guards = interface_guard_status(reports)
    assert guards == {"urn:i:1": ("unguarded", "1 unguarded"), "urn:i:2": ("unknown", "1 unknown")}
    pipes = [Pipeline("urn:p:data", "Data", None, 3), Pipeline("urn:p:model", "Model", None, 2)]
    edge = Interface(
        "urn:i:1",
        "Data to model: hand-off",
        "urn:p:data",
        "Data",
        "urn:p:model",
        "Model",
        (),
        None,
        (),
    )
    dot = pipeline_dot(pipes, [edge], guards=guards)
    (line,) = [line for line in dot.splitlines() if "->" in line]
    assert GUARD_COLOURS["unguarded"] in line and "(1 unguarded)" in line


# Plotly renders a subset of HTML in labels, ticks and legends: names from profiles must not
# carry markup or links into the page.
HOSTILE = '<a href="https://evil.example">Acme</a> & <b>Co</b>'


def _no_markup(text: str) -> None:
    assert "<a" not in text and "<b>" not in text
    assert "&lt;a" in text and "&amp;" in text


def test_figures_escape_names_from_profiles_for_plotly():
    from cmlops_kg.app.figures import drilldown_figure

    _no_markup(radar_figure(result(HOSTILE, LEVELS)).data[-1].name)
    heatmap = heatmap_figure(heatmap_data(rows_from_results([result(HOSTILE, LEVELS)])))
    _no_markup(heatmap.data[0].y[0])
    _no_markup(drilldown_figure([("Data", 2, 1.0)], HOSTILE).data[0].name)
    history = history_series(HISTORY)
    history.dimensions[HOSTILE] = history.dimensions.pop("Data")
    assert any("&lt;b&gt;" in trace.name for trace in history_figure(history).data)


def test_outcome_scatter_escapes_names_and_alternates_their_side_by_level():
    from cmlops_kg.app.figures import outcome_scatter_figure
    from cmlops_kg.present.charts import OutcomeScatter

    data = OutcomeScatter(
        labels=[HOSTILE, "Level 1: version control, tests, CI", "Level 2"],
        levels=[0, 1, 2],
        values=[1.0, 1.0, 2.0],
        above=[False, False, False],
        unit="/d",
        threshold=3,
        log_scale=False,
    )
    below = outcome_scatter_figure(data, "Deployment frequency").data[1]
    _no_markup(below.text[0])
    # level 0 and level 1 at the same value: their names on opposite sides of the markers
    assert list(below.textposition) == ["top center", "bottom center", "top center"]
    assert all(len(line) <= 18 for line in below.text[1].split("<br>"))

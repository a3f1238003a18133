"""The portfolio view's plain data (present/portfolio_view.py): rows from full assessments and
from a store's portfolio agree, filters, the spread of levels, the dimensions that hold most
organisations back, and downloads that a spreadsheet opens safely. Expected values are counted
here from the rows' own levels, not by the functions under test."""

from __future__ import annotations

import csv
import io
import json
import random
import statistics

import pytest

from cmlops_kg import api
from cmlops_kg.assessment.portfolio import assess_portfolio, load_profile_file
from cmlops_kg.casestudies import case_studies
from cmlops_kg.present.portfolio_view import (
    PortfolioRow,
    compared_with_portfolio,
    csv_download,
    filter_rows,
    heatmap_data,
    json_download,
    level_distribution,
    rows_from_results,
    rows_from_teams,
    weakest_dimensions,
)
from cmlops_kg.store.embedded import EmbeddedStore

DIMS = ["Data", "Model", "Delivery", "Monitoring"]


def synthetic(n: int, seed: int = 3) -> list[PortfolioRow]:
    rnd = random.Random(seed)
    rows = []
    for i in range(n):
        levels = {d: rnd.randint(0, 4) for d in DIMS}
        low = min(levels.values())
        rows.append(
            PortfolioRow(
                organisation=f"Team {i:03d}",
                iri=f"https://example.org/org/team-{i}",
                date="2026-01-01",
                readiness=low,
                potential=min(4, low + rnd.randint(0, 1)),
                google=rnd.randint(0, 2),
                azure=rnd.randint(0, 4),
                dimensions=levels,
                limiting=tuple(d for d, v in levels.items() if v == low),
                gaps=rnd.randint(0, 9),
            )
        )
    return rows


def test_distribution_counts_every_organisation_once_per_dimension():
    rows = synthetic(300)
    dist = level_distribution(rows)
    assert list(dist) == DIMS
    for d in DIMS:
        assert sum(dist[d]) == 300
        for level in range(5):
            assert dist[d][level] == sum(1 for r in rows if r.dimensions[d] == level)


def test_weakest_dimensions_are_those_that_hold_most_organisations_back():
    rows = synthetic(300)
    weak = weakest_dimensions(rows)
    counts = {d: sum(1 for r in rows if d in r.limiting) for d in DIMS}
    assert [w.limits for w in weak] == sorted(counts.values(), reverse=True)
    assert {w.dimension: w.limits for w in weak} == counts
    for w in weak:
        assert w.median == statistics.median(r.dimensions[w.dimension] for r in rows)


def test_filters_by_words_readiness_and_the_dimension_that_holds_back():
    rows = synthetic(300)
    assert filter_rows(rows) == rows
    assert [r.organisation for r in filter_rows(rows, "TEAM 042")] == ["Team 042"]
    assert len(filter_rows(rows, "team-4")) == 1 + 10  # in the IRI: team-4, team-40 .. 49
    mid = filter_rows(rows, readiness=(1, 2))
    assert mid and all(1 <= r.readiness <= 2 for r in mid)
    assert len(mid) == sum(1 for r in rows if 1 <= r.readiness <= 2)
    held = filter_rows(rows, limited_by=["Model"])
    assert held == [r for r in rows if "Model" in r.limiting]
    assert filter_rows(rows, "no such team") == []


def test_drilldown_compares_with_the_portfolio_median():
    rows = synthetic(51)
    compared = compared_with_portfolio(rows[0], rows)
    assert [c[0] for c in compared] == DIMS
    for name, level, median in compared:
        assert level == rows[0].dimensions[name]
        assert median == statistics.median(r.dimensions[name] for r in rows)


def test_downloads_hold_every_row_and_no_cell_runs_as_a_formula():
    rows = synthetic(5)
    hostile = PortfolioRow(
        '=HYPERLINK("http://x")', "urn:x", None, 0, 0, None, None, {"Data": 0}, ("Data",), None
    )
    rows.append(hostile)
    parsed = list(csv.DictReader(io.StringIO(csv_download(rows))))
    assert len(parsed) == 6
    assert parsed[-1]["Organisation"].startswith("'=")
    assert parsed[0]["Readiness"] == str(rows[0].readiness)
    data = json.loads(json_download(rows))
    assert [d["Organisation"] for d in data] == [r.organisation for r in rows]
    assert data[0]["Data"] == rows[0].dimensions["Data"]


def test_heatmap_has_a_row_per_organisation_in_order():
    rows = synthetic(7)
    data = heatmap_data(rows)
    assert data.rows == [f"{r.organisation} (2026-01-01)" for r in rows]
    assert data.z == [[r.dimensions[d] for d in DIMS] for r in rows]


@pytest.fixture(scope="module")
def loaded():
    cases = case_studies()[:4]
    store = EmbeddedStore()
    store.load_ontology()
    for case in cases:
        assert load_profile_file(store, case.path).status == "loaded"
    return store, cases


def test_rows_from_a_store_portfolio_equal_rows_from_full_assessments(loaded):
    """The shared store's brief results and the case studies' full ones read the same."""
    store, cases = loaded
    labels = {str(r["notation"]): str(r["label"]) for r in store.select("docs/dimensions")}
    from_store = {r.iri: r for r in rows_from_teams(assess_portfolio(store), labels)}
    full = rows_from_results(api.assess(case.path) for case in cases)
    assert len(from_store) == len(full) == len(cases)
    for row in full:
        other = from_store[row.iri]
        assert (other.readiness, other.potential, other.google, other.azure) == (
            row.readiness,
            row.potential,
            row.google,
            row.azure,
        )
        assert other.dimensions == row.dimensions
        assert set(other.limiting) == set(row.limiting)

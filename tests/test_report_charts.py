"""The report's SVG charts (radar, roadmap phases, outcomes against DORA), read back as XML.

Every bundled case study is assessed by the real engine; each chart is parsed with
``xml.etree`` and its geometry checked against numbers computed here from the result (not
against the chart code's own helpers): a radar vertex must lie at level / 4 of the outer
ring's radius, on its own axis. The charts must hold no script and load nothing, their labels
must survive hostile text, and both reports must carry them (HTML inline, Markdown as a
``data:`` image that decodes to the same SVG).
"""

from __future__ import annotations

import base64
import math
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import example_profiles
from test_charts import result as small_result

from cmlops_kg.assessment.engine import Assessor
from cmlops_kg.assessment.result import Outcome, RoadmapItem, RoadmapPhase, Target
from cmlops_kg.present.report import html_report, markdown_report
from cmlops_kg.present.svg import outcomes_svg, radar_svg, roadmap_svg
from cmlops_kg.rdf.profiles import read_profile

SVG = "{http://www.w3.org/2000/svg}"
CASES = example_profiles()


@pytest.fixture(scope="module")
def results():
    """The reported (latest) assessment of every case study, each in its own store."""
    got = {}
    for path in CASES:
        assessor = Assessor()
        assessor.load(read_profile(path))
        got[path.stem] = assessor.result()
    return got


CASE = pytest.mark.parametrize("case", [p.stem for p in CASES])


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def series(root: ET.Element, name: str) -> list[tuple[float, float]] | None:
    found = [p for p in root.iter(f"{SVG}polygon") if p.get("data-series") == name]
    if not found:
        return None
    assert len(found) == 1
    return [tuple(map(float, xy.split(","))) for xy in found[0].get("points").split()]


def outer_ring(root: ET.Element) -> tuple[float, float, float]:
    ring = next(c for c in root.iter(f"{SVG}circle") if c.get("data-level") == "4")
    return float(ring.get("cx")), float(ring.get("cy")), float(ring.get("r"))


def assert_on_axes(points, levels, root) -> None:
    """Vertex i at distance level/4 × R from the centre, on the axis i × 360°/n from 'up'."""
    cx, cy, radius = outer_ring(root)
    assert len(points) == len(levels)
    for i, ((x, y), level) in enumerate(zip(points, levels, strict=True)):
        assert math.hypot(x - cx, y - cy) == pytest.approx(level / 4 * radius, abs=0.02)
        if level:
            angle = math.degrees(math.atan2(x - cx, cy - y)) % 360  # clockwise from up
            assert angle == pytest.approx(360 * i / len(levels), abs=0.05)


# -- the radar of every case study ------------------------------------------------------------
@CASE
def test_radar_has_one_vertex_per_dimension_at_its_level(case, results):
    r = results[case]
    root = parse(radar_svg(r))
    assert_on_axes(series(root, "proven"), [d.level for d in r.dimensions], root)
    labels = [t for t in root.iter(f"{SVG}text") if t.get("data-axis") is not None]
    assert ["".join("".join(t.itertext()).split()) for t in labels] == [
        _words(d.label) + _level(d, r) for d in r.dimensions
    ]


def _words(label: str) -> str:
    return "".join(label.split())


def _level(d, r) -> str:
    # the label's lines are joined without spaces by itertext; compare without spaces
    up = f",upto{d.potential}" if d.potential > d.level else ""
    target = f",target{d.target}" if r.target and d.target is not None else ""
    return f"level{d.level}{up}{target}"


@CASE
def test_radar_draws_potential_where_it_differs_and_the_target_when_declared(case, results):
    r = results[case]
    root = parse(radar_svg(r))
    potential = [d.potential for d in r.dimensions]
    if potential == [d.level for d in r.dimensions]:
        assert series(root, "potential") is None
    else:
        assert_on_axes(series(root, "potential"), potential, root)
    if r.target is None:
        assert series(root, "target") is None
    else:
        assert_on_axes(series(root, "target"), [d.target or 0 for d in r.dimensions], root)


def test_some_case_studies_show_potential_and_target_polygons(results):
    """The two polygons above are checked on real data, not only skipped."""
    roots = [parse(radar_svg(r)) for r in results.values()]
    assert any(series(root, "potential") for root in roots)
    assert any(series(root, "target") for root in roots)


# -- roadmap and outcomes ---------------------------------------------------------------------
@CASE
def test_roadmap_chart_has_a_lane_per_phase_with_its_practices_by_level(case, results):
    r = results[case]
    phases = [p for p in r.roadmap if p.items]
    svg = roadmap_svg(r)
    if not phases:
        assert svg is None  # never an empty chart
        return
    lanes = [g for g in parse(svg).iter(f"{SVG}g") if g.get("data-phase")]
    assert [g.get("data-phase") for g in lanes] == [p.title.split(" — ")[0] for p in phases]
    for lane, phase in zip(lanes, phases, strict=True):
        bars = {int(b.get("data-level")): int(b.get("data-count")) for b in lane.iter(f"{SVG}rect")}
        expected: dict[int, int] = {}
        for item in phase.items:
            expected[item.level] = expected.get(item.level, 0) + 1
        assert bars == expected
    # one width per practice across all phases, so bar lengths compare between phases
    scales = [
        float(b.get("width")) / int(b.get("data-count"))
        for lane in lanes
        for b in lane.iter(f"{SVG}rect")
    ]
    assert scales == pytest.approx([scales[0]] * len(scales), abs=0.01)  # coordinates: 2 decimals


@CASE
def test_outcomes_chart_marks_the_cluster_of_each_benchmarked_metric(case, results):
    r = results[case]
    benchmarked = [o for o in r.outcomes if o.cluster_label]
    svg = outcomes_svg(r)
    if not benchmarked:
        assert svg is None
        return
    rows = [g for g in parse(svg).iter(f"{SVG}g") if g.get("data-metric")]
    assert [g.get("data-metric") for g in rows] == [o.label for o in benchmarked]
    order = ["Low", "Medium", "High", "Elite"]
    for row, o in zip(rows, benchmarked, strict=True):
        bands = list(row.iter(f"{SVG}rect"))
        marked = [i for i, b in enumerate(bands) if b.get("data-team")]
        assert marked == [order.index(o.cluster_label.split()[0])]
        assert o.value_text in "".join(row.itertext())


def test_the_case_studies_have_roadmaps_and_benchmarked_outcomes(results):
    assert any(roadmap_svg(r) for r in results.values())
    assert any(outcomes_svg(r) for r in results.values())
    assert any(roadmap_svg(r) is None for r in results.values())  # vectorly: nothing to do


# -- self-contained and safe ------------------------------------------------------------------
def charts_of(r) -> list[str]:
    return [svg for svg in (radar_svg(r), roadmap_svg(r), outcomes_svg(r)) if svg]


def assert_self_contained(svg: str) -> None:
    root = parse(svg)
    for el in root.iter():
        local = el.tag.rsplit("}", 1)[-1]
        assert local not in ("script", "foreignObject", "image", "use", "a"), local
        for name, value in el.attrib.items():
            assert name.rsplit("}", 1)[-1] not in ("href", "src"), (local, name)
            assert not name.startswith("on"), (local, name)
            assert "url(" not in value and "javascript:" not in value.lower()


@CASE
def test_charts_hold_no_script_and_load_nothing(case, results):
    for svg in charts_of(results[case]):
        assert_self_contained(svg)


HOSTILE = "<script>alert(\"1\")</script> & 'q' \x1b[2J"


def hostile_result():
    """A result whose every label a chart shows is hostile text."""
    r = small_result("Acme", {HOSTILE: 2, "Model": 1, "Delivery": 3})
    r.dimensions[1].potential = 3
    r.dimensions[0].target = 4
    r.target = Target("https://e/t", HOSTILE, {r.dimensions[0].iri: 4})
    item = RoadmapItem(
        1, 1, "https://e/p", HOSTILE, "https://e/d", HOSTILE, 2, "missing", "missing",
        0, 0, [], [], HOSTILE, [], [],
    )  # fmt: skip
    r.roadmap = [RoadmapPhase(1, f"Phase 1 — {HOSTILE}", [item])]
    r.outcomes = [
        Outcome(
            "https://e/m", HOSTILE, 3.0, "h", 3.0, "h", False, None, None, 2024,
            "https://e/c", "Elite performance cluster", "hour",
        )
    ]  # fmt: skip
    return r


def test_hostile_labels_are_escaped_and_read_back_intact():
    r = hostile_result()
    readable = HOSTILE.replace("\x1b", "")  # XML cannot hold ESC: it is dropped, not escaped
    charts = charts_of(r)
    assert len(charts) == 3
    for svg in charts:
        assert "<script" not in svg and "\x1b" not in svg
        assert_self_contained(svg)  # it parses: no label ended an element or attribute
    radar, roadmap, outcomes = (parse(svg) for svg in charts)
    assert any(readable.split()[0] in "".join(t.itertext()) for t in radar.iter(f"{SVG}text"))
    assert f"Phase 1 — {readable}" in {t.text for t in roadmap.iter(f"{SVG}title")}
    assert [g.get("data-metric") for g in outcomes.iter(f"{SVG}g") if g.get("data-metric")] == [
        readable
    ]
    assert "&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt; &amp; &#x27;q&#x27;" in roadmap_svg(r)


def test_no_chart_without_data():
    r = small_result("Two", {"Data": 1, "Model": 2})  # two axes make no polygon
    assert radar_svg(r) is None and roadmap_svg(r) is None and outcomes_svg(r) is None
    assert "data:image" not in markdown_report(r) and "<figure" not in html_report(r)


# -- the reports carry the charts -------------------------------------------------------------
DATA_IMAGE = re.compile(r"!\[([^\]]+)\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)")


@CASE
def test_markdown_report_embeds_the_charts_as_data_images_beside_the_tables(case, results):
    r = results[case]
    text = markdown_report(r)
    images = {alt: base64.b64decode(data).decode("utf-8") for alt, data in DATA_IMAGE.findall(text)}
    assert images.pop("Radar of dimension levels") == radar_svg(r)
    assert images.pop("Roadmap phases", None) == roadmap_svg(r)
    assert images.pop("Outcomes against the DORA clusters", None) == outcomes_svg(r)
    assert images == {}
    # the numbers stay in text for a viewer that shows no image
    assert "| Dimension | Proven | Potential |" in text
    for d in r.dimensions:
        assert f" | {d.level} | {d.potential} | " in text


@CASE
def test_html_report_has_the_charts_inline_in_their_sections(case, results):
    r = results[case]
    html = html_report(r)
    sections = dict(re.findall(r"<h2>([^<(]+?)(?: \(|</h2>)(.*?)(?=<h2>|$)", html, re.S))
    assert radar_svg(r) in sections["Profile"]
    for title, svg in (("Roadmap", roadmap_svg(r)), ("Outcomes", outcomes_svg(r))):
        if svg:
            assert svg in sections[title]
    assert "<script" not in html


def test_hostile_reports_escape_the_chart_labels():
    r = hostile_result()
    html, text = html_report(r), markdown_report(r)
    assert "<script" not in html
    for svg in charts_of(r):
        assert svg in html and "\x1b" not in svg
    images = DATA_IMAGE.findall(text)
    assert [alt for alt, _ in images] == [
        "Radar of dimension levels",
        "Roadmap phases",
        "Outcomes against the DORA clusters",
    ]

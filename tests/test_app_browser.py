"""The explorer in a real browser: `streamlit run app.py` driven by Debian's chromium.

AppTest (tests/test_app.py) cannot render Plotly or Graphviz, upload through the real widget, or
catch a page that breaks in the browser only; this test does, and leaves a screenshot of every
page under screenshots/ (gitignored) for a person to look at. It never downloads a browser: it
is skipped when /usr/bin/chromium is missing (``.ci/run`` installs it).
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

expect = pytest.importorskip("playwright.sync_api", reason="needs playwright").expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 30_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, seconds: float = 45) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {url} within {seconds} s")


@contextlib.contextmanager
def streamlit_app(log: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """``streamlit run app.py`` on a free port (``env`` added to this environment)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed (apt-get install chromium; .ci/run does)")
    with streamlit_app(tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="module")
def remote_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, list]]:
    """The app started on a shared SPARQL server (a real ``oxigraph serve`` holding three
    case studies): (app URL, endpoint URL, the case studies)."""
    from oxigraph_server import OxigraphServer, oxigraph_binary

    from cmlops_kg.assessment.portfolio import ensure_ontology, load_profile_file
    from cmlops_kg.casestudies import case_studies
    from cmlops_kg.store import open_store

    if oxigraph_binary() is None or not CHROMIUM.exists():
        pytest.skip("needs the oxigraph server and chromium")
    cases = case_studies()[:3]
    endpoint = OxigraphServer(tmp_path_factory.mktemp("oxigraph")).start()
    try:
        store = open_store(endpoint.url)
        ensure_ontology(store)
        for case in cases:
            load_profile_file(store, case.path)
        log = tmp_path_factory.mktemp("streamlit-remote") / "server.log"
        with streamlit_app(log, {"CMLOPS_KG_ENDPOINT": endpoint.url}) as url:
            yield url, endpoint.url, cases
    finally:
        endpoint.stop()


@pytest.fixture(scope="module")
def browser_page(server: str):
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS, headless=True
        )
        page = browser.new_page(viewport={"width": 1440, "height": 1800})
        page.set_default_timeout(TIMEOUT_MS)
        yield page
        browser.close()


def open_page(page, server: str, path: str, heading: str) -> None:
    page.goto(f"{server}/{path}")
    page.get_by_role("heading", name=heading).first.wait_for()


def settle(page) -> None:
    """Wait for the script run to finish (the 'running' indicator disappears)."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=TIMEOUT_MS
    )
    page.wait_for_timeout(300)


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def no_exception(page) -> None:
    expect(page.locator('[data-testid="stException"]')).to_have_count(0)


def test_framework_page(browser_page, server: str) -> None:
    page = browser_page
    open_page(page, server, "", "The Continuous ML Development framework")
    page.get_by_text("Plan and frame").first.wait_for()
    page.locator(
        '[data-testid="stGraphVizChart"] svg >> visible=true'
    ).first.wait_for()  # the lifecycle loop
    expect(
        page.locator('[data-testid="stMetricLabel"]', has_text="DevOps practices")
    ).to_be_visible()
    page.get_by_role("tab", name="Practice detail").click()
    page.get_by_text("Self-assessment question").first.wait_for()
    settle(page)
    shot(page, "framework-practice")
    page.get_by_role("tab", name="Pipelines and interfaces").click()
    page.locator('[data-testid="stGraphVizChart"] svg >> visible=true').first.wait_for()
    expect(page.get_by_text("Data pipeline").first).to_be_visible()
    settle(page)
    shot(page, "framework-pipelines")
    page.get_by_role("tab", name="Lifecycle phases").click()
    phase = page.locator('[data-testid="stExpander"] summary', has_text="2. Data collection")
    phase.first.click()  # open one phase: its practices as a table
    page.locator('[data-testid="stDataFrame"] >> visible=true').first.wait_for()
    settle(page)
    shot(page, "framework")
    no_exception(page)


# The page position of the point of a Plotly trace whose customdata is the given node IRI
POINT_OF_NODE = """([plotId, node]) => {
  const gd = document.querySelectorAll('.js-plotly-plot')[plotId];
  const box = gd.getBoundingClientRect();
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  for (const trace of gd._fullData) {
    const i = (trace.customdata || []).indexOf(node);
    if (i >= 0 && trace.visible === true) {
      const x = box.left + xa._offset + xa.l2p(trace.x[i]);
      return [x, box.top + ya._offset + ya.l2p(trace.y[i])];
    }
  }
  return null;
}"""


def click_node(page, node: str, heading: str, attempts: int = 3) -> None:
    """Click a node of the graph chart until its detail heading shows. A click that lands
    while Plotly is still redrawing the figure after the previous run selects nothing (seen
    on a loaded machine); a user would click again, so the test does too, at most 3 times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(attempts):
        point = page.evaluate(POINT_OF_NODE, [0, node])
        assert point is not None, f"the node {node} is not drawn"
        page.mouse.click(*point)
        try:
            page.get_by_role("heading", name=heading).first.wait_for(timeout=TIMEOUT_MS // 2)
            return
        except PlaywrightTimeout:
            settle(page)
    raise AssertionError(f"clicking {node} {attempts} times never showed {heading!r}")


def test_graph_page(browser_page, server: str) -> None:
    page = browser_page
    open_page(page, server, "graph", "Ontology graph")
    page.locator(".js-plotly-plot").first.wait_for()
    expect(page.locator(".legendtext", has_text="extends").first).to_be_visible()
    settle(page)
    shot(page, "graph")
    # hovering a practice names it, its kind and the start of its definition
    from rdflib import RDFS, SKOS, Graph, URIRef

    from cmlops_kg.resources import ONTOLOGY_DIR

    practice = URIRef("https://w3id.org/cmlops#model-registry")
    practices = Graph().parse(str(ONTOLOGY_DIR / "practices.ttl"), format="turtle")
    page.mouse.move(*page.evaluate(POINT_OF_NODE, [0, str(practice)]))
    hover = page.locator(".hoverlayer .hovertext").first
    expect(hover).to_contain_text(str(practices.value(practice, RDFS.label)))
    expect(hover).to_contain_text("MLOps practice")
    definition = str(practices.value(practice, SKOS.definition))
    expect(hover).to_contain_text(" ".join(definition.split()[:4]))
    search = page.get_by_role("textbox", name="Search the graph")
    search.fill("kedro")
    search.press("Enter")
    page.get_by_text("practices match.").first.wait_for()
    settle(page)
    shot(page, "graph-search")
    # clicking a node in the chart (not the select box) shows its detail
    click_node(page, "https://w3id.org/cmlops#data-lineage", "Data lineage")
    expect(page.get_by_text("Tools the scanner recognises").first).to_be_visible()
    settle(page)
    shot(page, "graph-node")
    no_exception(page)


def test_assess_page(browser_page, server: str) -> None:
    page = browser_page
    open_page(page, server, "assess", "Assess an organisation")
    page.get_by_text("Readiness").first.wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    expect(page.get_by_text("Report (HTML)").first).to_be_visible()
    settle(page)
    shot(page, "assess")
    page.get_by_role("tab", name="Roadmap").click()
    settle(page)
    shot(page, "assess-roadmap")
    no_exception(page)


def test_assess_pdf_report_download(browser_page, server: str) -> None:
    pytest.importorskip("weasyprint")
    page = browser_page
    open_page(page, server, "assess", "Assess an organisation")
    page.get_by_role("button", name="Report (PDF)").click()
    button = page.get_by_role("button", name="Download the PDF report")
    button.wait_for()
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename.endswith("-report.pdf")
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    no_exception(page)


def test_assess_questionnaire(browser_page, server: str) -> None:
    page = browser_page
    open_page(page, server, "assess", "Assess an organisation")
    page.get_by_text("Questionnaire", exact=True).click()
    page.get_by_text("Build the profile and assess").wait_for()
    settle(page)
    shot(page, "assess-questionnaire")
    # a card answered in words counts in the progress
    from cmlops_kg.assessment.questionnaire import questionnaire_document

    total = sum(len(d["questions"]) for d in questionnaire_document()["dimensions"])
    answer = page.get_by_role("radiogroup", name="Answer").first
    answer.get_by_text("Partly", exact=True).click()
    page.get_by_text(f"1 of {total} practices answered").wait_for()
    page.get_by_role("radiogroup", name="How is it done?").first.wait_for()
    settle(page)
    shot(page, "assess-questionnaire-answered")
    answer.get_by_text("Does not apply", exact=True).click()
    page.get_by_text("Why it does not apply (required)").wait_for()
    settle(page)
    answer.get_by_text("Not answered", exact=True).click()
    page.get_by_text(f"0 of {total} practices answered").wait_for()
    settle(page)
    page.get_by_text("One question per criterion", exact=True).click()
    page.get_by_text("questions answered").first.wait_for()
    settle(page)
    shot(page, "assess-questionnaire-criteria")
    # the answers so far download as the CLI's answers.yaml, which 'cmlops-kg import' reads
    name = page.get_by_label("Organisation name")
    name.fill("Browser Quiz Co")
    name.press("Enter")
    page.get_by_text("Press Enter to apply").wait_for(state="detached")
    settle(page)
    page.wait_for_timeout(1000)
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the answers").click()
    import yaml

    from cmlops_kg.assessment.questionnaire import answers_to_profile, parse_answers

    document = parse_answers(Path(download.value.path()).read_bytes(), "answers.yaml")
    assert document["organisation"]["name"] == "Browser Quiz Co"
    assert document["answers"] == []  # the answer given on a card was taken back
    # answered in an editor, the file imports as the CLI's answers.yaml does
    document["answers"].append({"practice": "version-control", "status": "implemented"})
    profile = answers_to_profile(yaml.safe_load(yaml.safe_dump(document)), "answers.yaml")
    assert len(profile.assessment_iris()) == 1
    # ... and, uploaded again, resumes the questionnaire where it was left
    answered = SCREENSHOTS / "answers-resumed.yaml"
    answered.write_text(yaml.safe_dump(document), encoding="utf-8")
    page.get_by_text("One question per practice", exact=True).click()
    settle(page)
    uploader = page.locator('[data-testid="stFileUploader"]', has_text="Resume from")
    uploader.locator('input[type="file"]').set_input_files(str(answered))
    page.get_by_text("Resumed 1 answer for Browser Quiz Co").wait_for()
    settle(page)
    expect(page.get_by_label("Organisation name")).to_have_value("Browser Quiz Co")
    shot(page, "assess-questionnaire-resumed")
    no_exception(page)


def test_compare_page(browser_page, server: str) -> None:
    page = browser_page
    open_page(page, server, "compare", "Compare organisations")
    page.get_by_text("Levels per dimension").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    page.get_by_text("One organisation over time").wait_for()
    settle(page)
    shot(page, "compare")
    # choosing the third row of the table opens that organisation below it
    h5 = '[data-testid="stHeadingWithActionElements"] h5'  # charts, table, then the organisation
    first = page.locator(h5).nth(3).inner_text()
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 16, box["y"] + 35 * 3 + 17)  # header + two rows down
    settle(page)
    page.wait_for_function(
        "([sel, before]) => document.querySelectorAll(sel)[3]?.innerText !== before",
        arg=[h5, first],
    )
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert Path(download.value.path()).read_text(encoding="utf-8").startswith("Organisation,")
    settle(page)
    shot(page, "compare-drilldown")
    no_exception(page)


def run_query(page, attempts: int = 3) -> None:
    """Press "Run query" until the result shows. The page may still be running after it
    opened (a selection, the data source), and a press that lands on a run being replaced was
    seen lost on a loaded machine; an error the page shows fails the test at once."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(attempts):
        settle(page)
        page.get_by_role("button", name="Run query").click()
        try:
            page.get_by_text("rows in").first.wait_for(timeout=TIMEOUT_MS // 2)
            return
        except PlaywrightTimeout:
            failed = page.get_by_text("The query failed")
            assert failed.count() == 0, failed.first.inner_text()
    raise AssertionError(f"pressing Run query {attempts} times never showed a result")


def test_sparql_page(browser_page, server: str) -> None:
    page = browser_page
    open_page(page, server, "sparql", "SPARQL")
    run_query(page)
    expect(page.get_by_text("Download CSV").first).to_be_visible()
    settle(page)
    shot(page, "sparql")
    no_exception(page)


def test_validate_page_and_a_malformed_upload(browser_page, server: str) -> None:
    page = browser_page
    open_page(page, server, "validate", "Validate a profile")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        files=[
            {"name": "broken.ttl", "mimeType": "text/turtle", "buffer": b"@prefix : <a:> .\n:a :b"}
        ]
    )
    page.get_by_text("Cannot read the profile").first.wait_for()
    expect(page.get_by_text("How to fix").first).to_be_visible()
    settle(page)
    shot(page, "validate-malformed-upload")
    page.get_by_text("Bundled example", exact=True).click()
    page.get_by_text("Organisation:").first.wait_for()
    settle(page)
    shot(page, "validate")
    no_exception(page)


def test_compare_page_sets_practices_against_the_labs_measured_outcomes(
    browser_page, server: str
) -> None:
    page = browser_page
    open_page(page, server, "compare", "Compare organisations")
    page.get_by_text("Practices against outcomes").wait_for()
    page.get_by_text("Validation lab (measured)").click()
    # the chart wraps long names onto lines of their own: wait for one line of a name
    page.get_by_text("self-healing").first.wait_for()
    settle(page)
    page.get_by_text("Practices against outcomes").scroll_into_view_if_needed()
    shot(page, "compare-lab-outcomes")
    no_exception(page)


def test_lab_page(browser_page, server: str) -> None:
    page = browser_page
    open_page(page, server, "lab", "Validation lab")
    page.get_by_role("heading", name="The claim, per failure mode").first.wait_for()
    expect(page.get_by_text("Cells that tested the claim").first).to_be_visible()
    page.get_by_role("heading", name="Closing note").first.wait_for()
    settle(page)
    shot(page, "lab")
    no_exception(page)


def test_pages_load_nothing_from_outside_this_machine(browser_page, server: str) -> None:
    """Offline use: every request of every page goes to the local server (the favicon is a
    file in the package, not a material icon from a font CDN)."""
    from urllib.parse import urlparse

    page = browser_page
    outside: list[str] = []

    def record(request) -> None:
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in (
            "127.0.0.1",
            "localhost",
        ):
            outside.append(request.url)

    page.on("request", record)
    pages = [("", "Framework"), ("graph", "Ontology graph"), ("assess", "Assess an organisation")]
    for path, heading in pages:
        page.goto(f"{server}/{path}")
        page.get_by_role("heading", name=heading).first.wait_for()
        settle(page)
    page.remove_listener("request", record)
    assert outside == []


def test_compare_sparql_and_assess_pages_on_a_shared_sparql_server(
    browser_page, remote_app
) -> None:
    """Started with CMLOPS_KG_ENDPOINT, the Compare page is the server's portfolio, the
    SPARQL page queries the server and the Assess page assesses its organisations."""
    from cmlops_kg import api

    page = browser_page
    url, endpoint, cases = remote_app
    open_page(page, url, "compare", "Compare organisations")
    page.get_by_text(f"3 organisations from the SPARQL endpoint {endpoint}").wait_for()
    settle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text("utf-8"))))
    assert {r["Organisation"] for r in rows} == {api.assess(c.path).label for c in cases}
    shot(page, "compare-remote")
    no_exception(page)
    open_page(page, url, "sparql", "SPARQL")
    expect(page.get_by_role("combobox", name="Data to query")).to_have_value(
        "The shared store the app was started with"
    )
    run_query(page)
    settle(page)
    shot(page, "sparql-remote")
    no_exception(page)
    # ... and the Assess page assesses an organisation of the server
    open_page(page, url, "assess", "Assess an organisation")
    page.get_by_text("An organisation in the shared store", exact=True).click()
    page.get_by_role("combobox", name="Organisation").wait_for()
    page.locator('[data-testid="stMetric"]', has_text="Readiness").first.wait_for()
    page.get_by_text("Level per dimension").wait_for()
    page.locator(".js-plotly-plot").first.wait_for()
    settle(page)
    shot(page, "assess-remote")
    no_exception(page)

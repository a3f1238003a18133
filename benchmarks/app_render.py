"""How fast the explorer renders and reacts, measured with Streamlit's AppTest (issue 16).

Run: ``.venv/bin/python benchmarks/app_render.py [--repeat N] [--recompile]``. Prints the
first render of each page and, for typical interactions, the **first** interaction of a new
session (the one the issue's target is about: under 200 ms) and the median and range of the
next ``--repeat`` ones. Each number is also given as a ratio to a baseline measured in the
same process (an AppTest of a one-line app), so numbers from different machines compare.
Target for a first render on the bundled data: under 2 s.

AppTest compiles a page's script again on every run (each run gets a new script cache) and
scans the installed packages for components in every new AppTest, which a Streamlit server
does once; by default the benchmark shares one script cache and one scan between its AppTests,
as a server would, and says so. ``--recompile`` measures plain AppTest. It warns loudly when
the Rust SHACL engine is missing (validation is then pySHACL's). This is a script, not a
test: wall-clock times are never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
APP = str(ROOT / "app.py")
FIRST_RENDER_TARGET = 2.0
INTERACTION_TARGET = 0.2
TIMEOUT = 120


@dataclass
class Row:
    kind: str  # first render | interaction | background
    step: str
    first: float
    repeats: tuple[float, ...] = ()


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def check(at: AppTest) -> AppTest:
    if at.exception:
        raise SystemExit(f"the app raised: {at.exception[0].message}")
    return at


SERVER_LIKE: dict[str, object] = {}  # what a server sets up once, shared by every AppTest


def share_script_cache() -> None:
    """One script cache for every AppTest run, as a server keeps one for its life."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test

    shared = ScriptCache()
    app_test.ScriptCache = lambda: shared  # type: ignore[attr-defined]
    SERVER_LIKE["script cache"] = shared


def new_app() -> AppTest:
    """A new AppTest of the explorer. Each AppTest scans every installed package for
    Streamlit components before its first run (about a second here), which a server does
    once when it starts: server-like, later AppTests reuse the first one's scan."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if "components" in SERVER_LIKE:
        at._bidi_component_manager = SERVER_LIKE["components"]
    return at


def remember_components(at: AppTest) -> None:
    manager = getattr(at, "_bidi_component_manager", None)
    if SERVER_LIKE and manager is not None:
        SERVER_LIKE.setdefault("components", manager)


def baseline(repeat: int) -> tuple[float, float]:
    """First render and rerun of a one-line app: what AppTest itself costs here."""
    at = AppTest.from_string("import streamlit as st\nst.write('hello')", default_timeout=60)
    first = timed(at.run)
    reruns = [timed(at.run) for _ in range(repeat)]
    return first, statistics.median(reruns)


def session(page: str | None = None) -> AppTest:
    """A new session (the server's caches as earlier sessions left them), on ``page``."""
    at = new_app()
    check(at.run())
    if page:
        check(at.switch_page(page).run())
    return at


def interaction(step: str, at: AppTest, action: Callable[[AppTest, int], object], repeat: int):
    """The first ``action(at, 0)`` of the session, then ``repeat`` more (i = 1..repeat)."""
    first = timed(lambda: check(action(at, 0)))
    repeats = tuple(timed(lambda i=i: check(action(at, i))) for i in range(1, repeat + 1))
    return Row("interaction", step, first, repeats)


def framework_rows(repeat: int) -> list[Row]:
    from cmlops_kg.app.support import ontology_store
    from cmlops_kg.present.framework import load_catalogue

    at = new_app()
    rows = [Row("first render", "Framework (cold: imports, ontology, catalogue)", timed(at.run))]
    check(at)
    remember_components(at)
    warm = new_app()
    rows.append(Row("first render", "Framework (new session, caches warm)", timed(warm.run)))
    check(warm)
    words = ["drift", "data", "registry", ""]
    rows.append(
        interaction(
            "Framework: search by name",
            session(),
            lambda s, i: s.text_input(key="fw_search").set_value(words[i % 4]).run(),
            repeat,
        )
    )
    practices = [p.key for p in load_catalogue(ontology_store()).practices[1:4]]
    rows.append(
        interaction(
            "Framework: open a practice",
            session(),
            lambda s, i: s.selectbox(key="fw_practice").set_value(practices[i % 3]).run(),
            repeat,
        )
    )
    return rows


def page_rows() -> list[Row]:
    from cmlops_kg.app.support import warm_up

    started = time.perf_counter()
    warm_up().join()  # the background validation of the case studies, started by app.py
    rows = [Row("background", "warm-up: validate the case studies", time.perf_counter() - started)]
    for page, label in (
        ("cmlops_kg/app/pages/assess.py", "Assess"),
        ("cmlops_kg/app/pages/compare.py", "Compare (assesses every case study)"),
        ("cmlops_kg/app/pages/sparql.py", "SPARQL (cold: loads the bundled store)"),
        ("cmlops_kg/app/pages/validate.py", "Validate"),
    ):
        at = session()
        rows.append(Row("first render", label, timed(at.switch_page(page).run)))
        check(at)
    return rows


def page_interactions(repeat: int) -> list[Row]:
    from cmlops_kg.casestudies import case_studies, invalid_examples

    cases = [c.key for c in case_studies()]
    assess = "cmlops_kg/app/pages/assess.py"
    rows = [
        interaction(
            "Assess: choose a case study",
            session(assess),
            lambda s, i: (
                s.selectbox(key="assess_case").set_value(cases[(i + 1) % len(cases)]).run()
            ),
            repeat,
        ),
        interaction(
            "Assess: switch to the questionnaire",
            session(assess),
            lambda s, i: (
                s.radio(key="assess_mode")
                .set_value(["Questionnaire", "Bundled case study"][i % 2])
                .run()
            ),
            repeat,
        ),
        interaction(
            "SPARQL: run a library query (forked, capped)",
            session("cmlops_kg/app/pages/sparql.py"),
            lambda s, i: s.button(key="sparql_run").click().run(),
            repeat,
        ),
    ]
    compare = session("cmlops_kg/app/pages/compare.py")
    orgs = compare.selectbox(key="cmp_org").options
    rows.append(
        interaction(
            "Compare: history of another organisation",
            compare,
            lambda s, i: s.selectbox(key="cmp_org").set_value(orgs[(i + 1) % len(orgs)]).run(),
            repeat,
        )
    )
    validate = session("cmlops_kg/app/pages/validate.py")
    check(validate.radio(key="val_mode").set_value("Bundled example").run())
    invalid = [f"invalid/{e.key}" for e in invalid_examples()]
    if invalid:
        rows.append(
            interaction(
                "Validate: choose an invalid example (validates it)",
                validate,
                lambda s, i: (
                    s.selectbox(key="val_example").set_value(invalid[i % len(invalid)]).run()
                ),
                min(repeat, len(invalid) - 1),
            )
        )
    return rows


def report(rows: list[Row], base_first: float, base_rerun: float) -> None:
    print(f"{'kind':<13} {'step':<52} {'first ms':>9} {'x base':>7}  {'then (median, range)':<24}")
    for row in rows:
        base = base_rerun if row.kind == "interaction" else base_first
        target = INTERACTION_TARGET if row.kind == "interaction" else FIRST_RENDER_TARGET
        verdict = "ok" if row.first < target else f"OVER {target * 1000:.0f} ms"
        if row.kind == "background":
            verdict = "(not seen by users: pages render meanwhile)"
        then = ""
        if row.repeats:
            ms = [r * 1000 for r in row.repeats]
            then = f"{statistics.median(ms):.0f} ({min(ms):.0f}-{max(ms):.0f}, {len(ms)} runs)"
        print(
            f"{row.kind:<13} {row.step:<52} {row.first * 1000:9.0f} {row.first / base:7.1f}  "
            f"{then:<24}  {verdict}"
        )


def warn_without_fast_engine() -> None:
    from cmlops_kg.validation import shacl_engine

    engine = shacl_engine()
    print(f"SHACL engine: {engine}")
    if engine != "rust":
        print("WARNING: the Rust SHACL engine (PyPI 'shacl') is missing: pySHACL validates, and")
        print("WARNING: every page that validates is far slower than it is on a normal install.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="interactions after the first")
    parser.add_argument(
        "--recompile", action="store_true", help="plain AppTest: compile pages every run"
    )
    args = parser.parse_args()
    warn_without_fast_engine()
    if not args.recompile:
        share_script_cache()
        print("server-like AppTest: pages compiled once, components scanned once (not per session)")
    base_first, base_rerun = baseline(args.repeat)
    print(
        f"baseline (one-line app): first render {base_first * 1000:.0f} ms, rerun "
        f"{base_rerun * 1000:.1f} ms; targets: first render < {FIRST_RENDER_TARGET:.0f} s, "
        f"first interaction < {INTERACTION_TARGET * 1000:.0f} ms\n"
    )
    rows = framework_rows(args.repeat) + page_rows() + page_interactions(args.repeat)
    report(rows, base_first, base_rerun)
    return 0


if __name__ == "__main__":
    sys.exit(main())

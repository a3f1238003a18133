"""How fast the explorer renders and reacts, measured with Streamlit's AppTest.

Run: ``.venv/bin/python benchmarks/app_render.py [--repeat N]``. Prints the time of the
first render of each page and of typical interactions, with the ratio to a baseline measured
in the same process (an AppTest of a one-line app), so numbers from different machines can be
compared. Targets on the bundled data: first render < 2 s, interactions < 300 ms. This is a
script, not a test: wall-clock times are never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
APP = str(ROOT / "app.py")
FIRST_RENDER_TARGET = 2.0
INTERACTION_TARGET = 0.3


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def check(at: AppTest) -> AppTest:
    if at.exception:
        raise SystemExit(f"the app raised: {at.exception[0].message}")
    return at


def baseline(repeat: int) -> tuple[float, float]:
    """First render and rerun of a one-line app: what AppTest itself costs here."""
    at = AppTest.from_string("import streamlit as st\nst.write('hello')", default_timeout=60)
    first = timed(at.run)
    reruns = [timed(at.run) for _ in range(repeat)]
    return first, statistics.median(reruns)


def median_of(repeat: int, setup: Callable[[int], Callable[[], object]]) -> float:
    """Median time of ``repeat`` interactions; ``setup(i)`` returns the i-th action."""
    return statistics.median(timed(setup(i)) for i in range(repeat))


def measure(repeat: int) -> list[tuple[str, str, float]]:
    """(kind, step, seconds) for first renders and interactions."""
    from cmlops_kg.app.support import ontology_store
    from cmlops_kg.casestudies import case_studies, invalid_examples
    from cmlops_kg.present.framework import load_catalogue

    cases = [c.key for c in case_studies()]
    rows: list[tuple[str, str, float]] = []

    at = AppTest.from_file(APP, default_timeout=120)
    rows.append(("first render", "Framework (cold: imports, ontology, catalogue)", timed(at.run)))
    check(at)
    warm = AppTest.from_file(APP, default_timeout=120)
    rows.append(("first render", "Framework (new session, caches warm)", timed(warm.run)))
    check(warm)

    rows.append(
        (
            "interaction",
            "Framework: search by name",
            median_of(
                repeat,
                lambda i: (
                    at.text_input(key="fw_search").set_value(["drift", "data", ""][i % 3]).run
                ),
            ),
        )
    )
    at.text_input(key="fw_search").set_value("").run()  # every practice selectable again
    practices = [p.key for p in load_catalogue(ontology_store()).practices[:3]]
    rows.append(
        (
            "interaction",
            "Framework: open a practice",
            median_of(
                repeat,
                lambda i: at.selectbox(key="fw_practice").set_value(practices[i % 3]).run,
            ),
        )
    )

    from cmlops_kg.app.support import warm_up

    started = time.perf_counter()
    warm_up().join()  # the background validation of the case studies, started by app.py
    rows.append(
        ("background", "warm-up: validate the case studies (waited)", time.perf_counter() - started)
    )

    for page, label in (
        ("cmlops_kg/app/pages/assess.py", "Assess"),
        ("cmlops_kg/app/pages/compare.py", "Compare (assesses every case study)"),
        ("cmlops_kg/app/pages/sparql.py", "SPARQL (cold: loads the bundled store)"),
        ("cmlops_kg/app/pages/validate.py", "Validate"),
    ):
        session = AppTest.from_file(APP, default_timeout=120)
        session.run()
        rows.append(("first render", label, timed(session.switch_page(page).run)))
        check(session)

    assess = AppTest.from_file(APP, default_timeout=120)
    assess.run()
    assess.switch_page("cmlops_kg/app/pages/assess.py").run()
    cold = []
    for key in cases[1:]:
        cold.append(timed(assess.selectbox(key="assess_case").set_value(key).run))
        check(assess)
    if cold:
        rows.append(("interaction", "Assess: choose a case study (first time)", max(cold)))
    rows.append(
        (
            "interaction",
            "Assess: choose a case study (seen before)",
            median_of(
                repeat,
                lambda i: assess.selectbox(key="assess_case").set_value(cases[i % len(cases)]).run,
            ),
        )
    )
    rows.append(
        (
            "interaction",
            "Assess: switch to the questionnaire",
            median_of(
                repeat,
                lambda i: (
                    assess.radio(key="assess_mode")
                    .set_value(["Questionnaire", "Bundled case study"][i % 2])
                    .run
                ),
            ),
        )
    )

    sparql = AppTest.from_file(APP, default_timeout=120)
    sparql.run()
    sparql.switch_page("cmlops_kg/app/pages/sparql.py").run()
    rows.append(
        (
            "interaction",
            "SPARQL: run a library query (forked, capped)",
            median_of(repeat, lambda i: sparql.button(key="sparql_run").click().run),
        )
    )
    compare = AppTest.from_file(APP, default_timeout=120)
    compare.run()
    compare.switch_page("cmlops_kg/app/pages/compare.py").run()
    orgs = compare.selectbox(key="cmp_org").options
    rows.append(
        (
            "interaction",
            "Compare: history of another organisation",
            median_of(
                repeat,
                lambda i: compare.selectbox(key="cmp_org").set_value(orgs[i % len(orgs)]).run,
            ),
        )
    )
    validate = AppTest.from_file(APP, default_timeout=120)
    validate.run()
    validate.switch_page("cmlops_kg/app/pages/validate.py").run()
    validate.radio(key="val_mode").set_value("Bundled example").run()
    invalid = [f"invalid/{e.key}" for e in invalid_examples()]
    if invalid:
        rows.append(
            (
                "interaction",
                "Validate: choose an invalid example (validates it)",
                median_of(
                    min(repeat, len(invalid)),
                    lambda i: validate.selectbox(key="val_example").set_value(invalid[i]).run,
                ),
            )
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="interactions per measurement")
    args = parser.parse_args()
    base_first, base_rerun = baseline(args.repeat)
    print(
        f"baseline (one-line app): first render {base_first * 1000:.0f} ms, rerun "
        f"{base_rerun * 1000:.1f} ms\n"
    )
    print(f"{'kind':<13} {'step':<50} {'ms':>8} {'x base':>8}  target")
    for kind, step, seconds in measure(args.repeat):
        base = base_first if kind != "interaction" else base_rerun
        target = FIRST_RENDER_TARGET if kind != "interaction" else INTERACTION_TARGET
        verdict = "ok" if seconds < target else f"over {target * 1000:.0f} ms"
        if kind == "background":
            verdict = "(not seen by users: pages render meanwhile)"
        print(f"{kind:<13} {step:<50} {seconds * 1000:8.0f} {seconds / base:8.1f}  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The cmlops-kg explorer: browse the framework, assess profiles, compare, query, validate.

Start it with ``cmlops-kg app``, ``make app`` or ``streamlit run app.py`` (the launcher at the
top of the source tree); it runs on the embedded store with the bundled case studies. Pages
live in ``pages/`` next to this file; everything they compute comes from the ``cmlops_kg``
package, the same functions the CLI uses.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from cmlops_kg.app.support import warm_up

# Absolute paths: Streamlit resolves page files against the script it was started with, which
# is this file for 'cmlops-kg app' and the launcher app.py for 'streamlit run app.py'.
PAGES_DIR = Path(__file__).resolve().parent / "pages"
ICON = Path(__file__).resolve().parent / "icon.png"


def pages() -> list[st.Page]:
    return [
        st.Page(
            PAGES_DIR / "framework.py",
            title="Framework",
            icon=":material/account_tree:",
            url_path="framework",
            default=True,
        ),
        st.Page(
            PAGES_DIR / "graph.py",
            title="Ontology graph",
            icon=":material/hub:",
            url_path="graph",
        ),
        st.Page(
            PAGES_DIR / "assess.py", title="Assess", icon=":material/fact_check:", url_path="assess"
        ),
        st.Page(
            PAGES_DIR / "compare.py",
            title="Compare / portfolio",
            icon=":material/compare_arrows:",
            url_path="compare",
        ),
        st.Page(
            PAGES_DIR / "sparql.py", title="SPARQL", icon=":material/terminal:", url_path="sparql"
        ),
        st.Page(
            PAGES_DIR / "validate.py", title="Validate", icon=":material/rule:", url_path="validate"
        ),
        st.Page(PAGES_DIR / "lab.py", title="Lab", icon=":material/science:", url_path="lab"),
    ]


def run() -> None:
    """Lay out the explorer and run the page the user is on."""
    st.set_page_config(
        page_title="cmlops-kg explorer",
        page_icon=str(ICON),  # a file in the package: a material icon is fetched from a CDN
        layout="wide",
        initial_sidebar_state="expanded",
    )
    navigation = st.navigation(pages())
    warm_up()  # validates the bundled case studies in the background, once per server
    with st.sidebar:
        st.caption(
            "**cmlops-kg** — a knowledge graph for Continuous ML Development: one lifecycle that "
            "unifies DevOps and MLOps practices, a maturity model crosswalked to Google, Azure, "
            "the ML Test Score, SE4ML and Kreuzberger et al., and an engine that turns evidence "
            "into levels, gaps and a roadmap."
        )
        st.caption("Same engine as the CLI: `cmlops-kg assess profile.ttl`")
    navigation.run()


if __name__ == "__main__":  # 'streamlit run cmlops_kg/app/main.py' (what 'cmlops-kg app' does)
    run()

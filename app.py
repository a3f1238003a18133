"""The cmlops-kg explorer: browse the framework, assess profiles, compare, query, validate.

Start it with ``make app`` (or ``streamlit run app.py``); it runs on the embedded store with
the bundled case studies. Pages live in ``app_pages/``; everything they compute comes from the
``cmlops_kg`` package, the same functions the CLI uses.
"""

from __future__ import annotations

import streamlit as st

from cmlops_kg.app_support import warm_up

st.set_page_config(
    page_title="cmlops-kg explorer",
    page_icon=":material/hub:",
    layout="wide",
    initial_sidebar_state="expanded",
)

PAGES = [
    st.Page(
        "app_pages/framework.py",
        title="Framework",
        icon=":material/account_tree:",
        url_path="framework",
        default=True,
    ),
    st.Page("app_pages/assess.py", title="Assess", icon=":material/fact_check:", url_path="assess"),
    st.Page(
        "app_pages/compare.py",
        title="Compare / portfolio",
        icon=":material/compare_arrows:",
        url_path="compare",
    ),
    st.Page("app_pages/sparql.py", title="SPARQL", icon=":material/terminal:", url_path="sparql"),
    st.Page("app_pages/validate.py", title="Validate", icon=":material/rule:", url_path="validate"),
]

navigation = st.navigation(PAGES)
warm_up()  # validates the bundled case studies in the background, once per server
with st.sidebar:
    st.caption(
        "**cmlops-kg** — a knowledge graph for Continuous ML Development: one lifecycle that "
        "unifies DevOps and MLOps practices, a maturity model crosswalked to Google, Azure, the "
        "ML Test Score, SE4ML and Kreuzberger et al., and an engine that turns evidence into "
        "levels, gaps and a roadmap."
    )
    st.caption("Same engine as the CLI: `cmlops-kg assess profile.ttl`")
navigation.run()

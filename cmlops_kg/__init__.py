"""cmlops-kg: a knowledge-graph framework for Continuous ML Development.

The ontology (``ontology/``), shapes (``shapes/``) and queries (``queries/``) are data; this
package loads them, validates organisations' evidence, infers maturity levels, gaps and a
roadmap, and presents the results (CLI, reports, Streamlit explorer).
"""

__version__ = "0.1.0"

"""Where the project's data folders live (ontology, shapes, queries, examples)."""

from __future__ import annotations

import os
from pathlib import Path

# The data folders sit next to the package in the source tree; CMLOPS_KG_HOME overrides that
# for installs that put them elsewhere.
ROOT = Path(os.environ.get("CMLOPS_KG_HOME", Path(__file__).resolve().parent.parent))
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
QC_DIR = QUERIES_DIR / "qc"
EXAMPLES_DIR = ROOT / "examples"

CMLOPS = "https://w3id.org/cmlops#"
ONTOLOGY_IRI = "https://w3id.org/cmlops"
ONTOLOGY_GRAPH = "https://w3id.org/cmlops/graph/ontology"

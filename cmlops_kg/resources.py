"""Where the package's data lives: the ontology, shapes, query library and bundled case studies.

The data folders stay at the top of the source tree (``ontology/``, ``shapes/``, ``queries/``,
``examples/``) and the wheel carries them as ``cmlops_kg/data/<folder>/``; they are found
next to the package's own files (the folder :mod:`importlib.resources` gives for a package
installed as files, without importing it and the modules it loads: 2.6 ms of every command), so
nothing is read relative to a checkout that an installed package does not have. A package
imported from a zip file has no such folder, and reads the checkout's folders as before. An
editable (development) install has no ``cmlops_kg/data`` folder
(setuptools' editable finder cannot map the nested data packages), so the checkout's own
folders are used there. ``CMLOPS_KG_HOME`` points at another folder holding the four.
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "CMLOPS_KG_HOME"
DATA_FOLDERS = ("ontology", "shapes", "queries", "examples")
PACKAGE_DIR = Path(__file__).resolve().parent


def _holds_data(folder: Path) -> bool:
    return all((folder / name).is_dir() for name in DATA_FOLDERS)


def data_root() -> Path:
    """The folder holding ``ontology/``, ``shapes/``, ``queries/`` and ``examples/``."""
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override)
    packaged = Path(__file__).parent / "data"  # importlib.resources.files("cmlops_kg") / "data"
    if _holds_data(packaged):
        return packaged
    return PACKAGE_DIR.parent  # a source checkout (editable install or run from the tree)


ROOT = data_root()
ONTOLOGY_DIR = ROOT / "ontology"
HEADER_FILE = ONTOLOGY_DIR / "cmlops.ttl"
SHAPES_DIR = ROOT / "shapes"
QUERIES_DIR = ROOT / "queries"
QC_DIR = QUERIES_DIR / "qc"
EXAMPLES_DIR = ROOT / "examples"
TEMPLATES_DIR = PACKAGE_DIR / "present" / "templates"
SCHEMAS_DIR = PACKAGE_DIR / "schemas"

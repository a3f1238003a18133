"""What the wheel carries: every package of the tree, every data file under the globs that
ship it, and the data found through importlib.resources (or CMLOPS_KG_HOME). The wheel itself
is built and installed into a clean virtualenv by .ci/wheel-smoke."""

from __future__ import annotations

import fnmatch
import os
import subprocess
import sys
import tomllib
from pathlib import Path

from cmlops_kg import resources
from cmlops_kg._version import __version__

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = CONFIG["tool"]["setuptools"]


def package_dir(package: str) -> Path:
    """Where setuptools finds a package: through package-dir, else beside its parent."""
    for mapped, folder in SETUPTOOLS["package-dir"].items():
        if package == mapped or package.startswith(mapped + "."):
            return ROOT / folder / package[len(mapped) :].lstrip(".").replace(".", "/")
    return ROOT / package.replace(".", "/")


def test_every_code_package_is_listed():
    code = {
        ".".join(p.parent.relative_to(ROOT).parts)
        for p in (ROOT / "cmlops_kg").rglob("__init__.py")
    }
    listed = {p for p in SETUPTOOLS["packages"] if not p.startswith("cmlops_kg.data")}
    data_like = {
        "cmlops_kg.present.templates",
        "cmlops_kg.present.templates.docs",
        "cmlops_kg.lab.examples",  # the example repositories the lab generates from
    }
    assert code == listed - data_like - {"cmlops_kg.schemas"}


def test_every_data_folder_is_listed_and_every_file_ships():
    packages = SETUPTOOLS["packages"]
    globs = SETUPTOOLS["package-data"]
    for package in packages:
        assert package_dir(package).is_dir(), package
    for folder in [*resources.DATA_FOLDERS, "cmlops_kg/present/templates", "cmlops_kg/schemas"]:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_dir() or "__pycache__" in path.parts or path.suffix == ".py":
                continue
            owner = next(
                (p for p in packages if package_dir(p) == path.parent), None
            )  # the package whose folder holds the file
            assert owner is not None, f"{path} sits in no listed package"
            patterns = globs.get(owner, [])
            assert any(fnmatch.fnmatch(path.name, g) for g in patterns), (
                f"{path.relative_to(ROOT)} matches no package-data glob of {owner}: {patterns}"
            )


def test_the_version_is_in_one_place():
    assert "version" in CONFIG["project"]["dynamic"]
    assert SETUPTOOLS["dynamic"]["version"]["attr"] == "cmlops_kg._version.__version__"
    done = subprocess.run(
        [sys.executable, "-m", "cmlops_kg", "-V"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"cmlops-kg {__version__}"


def test_a_source_checkout_reads_its_own_folders():
    assert resources.ROOT == ROOT  # the editable install: no cmlops_kg/data in the tree
    assert (resources.QC_DIR / "profile.tsv").is_file()
    assert (resources.ONTOLOGY_DIR / "catalog-v001.xml").is_file()


def test_cmlops_kg_home_points_at_another_copy(tmp_path):
    for name in resources.DATA_FOLDERS:
        (tmp_path / name).symlink_to(ROOT / name)
    code = "from cmlops_kg import resources; print(resources.ROOT)"
    env = {**os.environ, resources.HOME_ENV: str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == str(tmp_path)


def test_the_license_is_the_declared_one():
    assert CONFIG["project"]["license"] == "Apache-2.0"
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text

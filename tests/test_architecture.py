"""The package's shape: every module imports, the import graph has no cycles, and only the app
imports Streamlit, Plotly or pandas. The graph is read from the source (ast), counting
imports inside functions too (a lazy import still ties two modules together), but not those
under ``if TYPE_CHECKING:`` (annotations only)."""

from __future__ import annotations

import ast
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cmlops_kg"
APP_ONLY = {"streamlit", "plotly", "pandas"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def in_a_package(path: Path) -> bool:
    """Python files in folders without ``__init__.py`` are data (the lab's example files of the
    repositories it generates), not modules of the package."""
    return all((d / "__init__.py").exists() for d in path.parents if d.is_relative_to(PACKAGE))


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if in_a_package(p)}


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
    return skipped


def imports_of(name: str) -> set[str]:
    """Modules of the package (and top-level third-party names) that ``name`` imports."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    skipped = _type_checking_nodes(tree)
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return found


GRAPH = {name: {m for m in imports_of(name) if m in MODULES and m != name} for name in MODULES}


def test_the_import_graph_has_no_cycles():
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(GRAPH[node]):
            if state.get(nxt) == "open":
                cycles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for name in sorted(GRAPH):
        if name not in state:
            visit(name, [name])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_the_cycle_check_sees_a_cycle():
    saved = dict(GRAPH)
    try:
        GRAPH["cmlops_kg.errors"] = {"cmlops_kg.api"}  # api -> ... -> errors: now a loop
        with pytest.raises(AssertionError, match=r"cmlops_kg\.errors"):
            test_the_import_graph_has_no_cycles()
    finally:
        GRAPH.clear()
        GRAPH.update(saved)


@pytest.mark.parametrize(
    "name", [n for n in MODULES if not n.startswith("cmlops_kg.app") and n != "cmlops_kg.__main__"]
)
def test_every_library_module_imports_without_the_app_stack(name):
    third_party = {m.split(".")[0] for m in imports_of(name)}
    assert not third_party & APP_ONLY, f"{name} imports {third_party & APP_ONLY}"
    importlib.import_module(name)


def test_assess_imports_only_what_it_needs(tmp_path):
    """The command table loads one command's module: assessing never imports the app, the
    documentation, the scanner, the remote store or the HTTP stack."""
    code = (
        "import sys\n"
        "from cmlops_kg.cli import main\n"
        "code = main(['assess', sys.argv[1], '--format', 'json'])\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'streamlit', 'plotly', 'pandas', 'requests', 'SPARQLWrapper', 'owlready2'} "
        "or m.startswith(('cmlops_kg.app', 'cmlops_kg.scanner', 'cmlops_kg.ontology_tools', "
        "'cmlops_kg.store.remote', 'cmlops_kg.store.http')))\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    example = PACKAGE.parent / "examples" / "profiles" / "ledgerly.ttl"
    done = subprocess.run(
        [sys.executable, "-c", code, str(example)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "HEAVY []" in done.stderr, done.stderr


@pytest.mark.parametrize(
    "argv",
    [["assess", "--example", "ledgerly", "--format", "json"], ["check", "--no-reasoner"]],
    ids=["assess", "check"],
)
def test_rdflib_and_pyshacl_load_only_when_needed(argv):
    """With the Rust SHACL engine, a conforming assessment and the default ontology check
    read no graph with rdflib, so neither rdflib (~130 ms to import) nor pySHACL is loaded."""
    pytest.importorskip("shacl")
    code = (
        "import sys\n"
        "from cmlops_kg.cli import main\n"
        f"code = main({argv!r})\n"
        "loaded = sorted(m for m in ('rdflib', 'pyshacl', 'owlready2') if m in sys.modules)\n"
        "print('LOADED', loaded, file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CMLOPS_KG_SHACL_ENGINE"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, env=env
    )
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stderr, done.stderr


def test_importing_the_package_is_cheap():
    code = (
        "import sys, cmlops_kg; print(sorted(m for m in sys.modules if m.startswith('cmlops_kg')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['cmlops_kg', 'cmlops_kg._version']"


def test_argparse_lives_only_in_the_cli():
    """Library code takes plain arguments; only cli/ parses the command line."""
    users = {n for n in MODULES if "argparse" in imports_of(n)}
    assert users and all(n.startswith("cmlops_kg.cli") for n in users), sorted(users)


def test_no_dispatch_by_names_built_at_run_time():
    """The command table names its functions; nothing looks them up with getattr."""
    source = (PACKAGE / "cli" / "__init__.py").read_text(encoding="utf-8")
    assert "getattr(" not in source and "import_module(" not in source

"""The signal catalogue as data: consistent, complete enough, and extensible without code."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmlops_kg.errors import InputError
from cmlops_kg.rdf.ontology import ontology_files
from cmlops_kg.resources import ROOT
from cmlops_kg.scanner import load_catalogue, scan_repository
from cmlops_kg.scanner.globs import GlobIndex, GlobSet, expand_braces, glob_regex
from cmlops_kg.scanner.patterns import ContentPattern, redact, required_literals
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.vocab import CMLOPS


@pytest.fixture(scope="module")
def catalogue(ontology_store):
    return load_catalogue(ontology_store)


def test_catalogue_is_consistent(catalogue):
    assert len(catalogue.signals) >= 100
    for sig in catalogue.signals:
        assert sig.label and sig.definition and sig.tool, sig.name
        assert sig.globs or sig.ci_patterns
        assert not (sig.is_ci and sig.globs), f"{sig.name}: a CI signal has no file globs"
    assert catalogue.weights == {1: 0.4, 2: 0.7, 3: 0.9}
    assert catalogue.mappings and catalogue.scopes, "step mappings and evidence scopes are data"


def test_the_issue_s_signals_are_covered(catalogue):
    """The tools the issue names each have a signal (searched in the data, not in code)."""
    text = " ".join(
        f"{s.label} {s.tool} {s.definition} {' '.join(s.globs)} "
        f"{' '.join(p.source for p in s.patterns)} {' '.join(p.pattern for p in s.ci_patterns)}"
        for s in catalogue.signals
    ).lower()
    for tool in [
        # issue 14's stacks, each named by the data
        "azureml",  # Azure ML v2 ($schema) and v1 (azureml.core, PythonScriptStep)
        "pythonscriptstep",
        "sagemaker",
        "aiplatform",
        "kfp",
        "tfx",
        "mlflow",
        "dvc.yaml",
        "artifacts",
        "zenml",
        "modelstages",
        "flowspec",
        "airflow",
        "prefect",
        "dagster",
        "kedro",
        "ray",
        "bentoml",
        "kserve",
        "seldon",
        "feast",
        "great expectations",
        "pandera",
        "deepchecks",
        "evidently",
        "whylogs",
        "wandb",
        "neptune",
        "clearml",
        "terraform",
        "pulumi",
        "cdk",
        "bicep",
        "helm",
        "kustomiz",
        "argoproj",
        "fluxcd",
        "lambda_handler",
        "conda",
        "dockerfile",
        "pipenv",
        "sys\\.exit",
        # and the long-standing ones
        "pytest",
        "coverage",
        "pre-commit",
        "ruff",
        "poetry",
        "uv.lock",
        "compose",
        "chart.yaml",
        "kubernetes",
        "dvc.lock",
        ".dvc/",
        "mlproject",
        "register_model",
        "tensorflow_data_validation",
        "alibi_detect",
        "prometheus",
        "grafana",
        "kubeflow",
        "metaflow",
        "torchserve",
        "predict",
        "model card",
        "datasheet",
        "notebooks",
        "model binaries",
        "dvc\\s+(repro",
    ]:
        assert tool in text, tool


def test_strength_counts(catalogue):
    counts = Counter(s.strength for s in catalogue.signals)
    assert set(counts) == {"strength-present", "strength-configured", "strength-executed"}


def test_practices_exist_and_uncovered_practices_are_listed(catalogue):
    for sig in catalogue.signals:
        for iri in sig.practices + sig.contradicts:
            assert iri in catalogue.practice_labels
    assert "Shared ownership of production" in catalogue.uncovered
    assert "Continuous integration" not in catalogue.uncovered


# -- globs -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("dvc.yaml", "dvc.yaml", True),
        ("dvc.yaml", "sub/dvc.yaml", False),  # no slash: the root only
        ("**/dvc.yaml", "dvc.yaml", True),
        ("**/dvc.yaml", "a/b/dvc.yaml", True),
        ("**/*.{py,ipynb}", "nb/x.ipynb", True),
        (".github/workflows/*.yml", ".github/workflows/ci.yml", True),
        (".github/workflows/*.yml", ".github/workflows/sub/ci.yml", False),
        ("**/Dockerfile", "services/api/dockerfile", True),  # case-insensitive
        ("**/tests/**/*.py", "tests/test_a.py", True),
        ("**/tests/**/*.py", "src/tests/unit/test_a.py", True),
        ("**/*.tf", "infra/main.tf.json", False),
        ("README{,.md}", "README", True),
    ],
)
def test_glob_semantics(glob, path, matches):
    index = GlobIndex()
    index.add("k", [glob])
    assert bool(index.match(path.lower())) is matches


# globs and paths from few pieces, so that they match often and share names and folders
_DIR_PIECES = ["**", "*", "a", "b", "a*", "?", "[ab]"]
_NAME_PIECES = ["*", "a", "b", "test_*", "*_test", "*.py", "x.*", "?", "[ab]", "a*b*a", "*.y.py"]
_PATH_PIECES = ["a", "b", "ab", "aba", "test_a", "a_test", "x.py", "x.y.py", "a.py", "ba"]
# ("**" names folders: a glob ending in it is not a file glob)
_glob = st.tuples(
    st.lists(st.sampled_from(_DIR_PIECES), max_size=2), st.sampled_from(_NAME_PIECES)
).map(lambda t: "/".join([*t[0], t[1]]))
_path = st.lists(st.sampled_from(_PATH_PIECES), min_size=1, max_size=4).map("/".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(_glob, min_size=1, max_size=8), st.lists(_path, min_size=1, max_size=20))
def test_the_glob_index_agrees_with_each_glob_regex(globs, paths):
    """However the index buckets and caches, it answers what trying every glob would."""
    index = GlobIndex()
    for n, glob in enumerate(globs):
        index.add(n, [glob])
    for path in paths:  # the same index answers many paths, as in a scan
        expected = [n for n, g in enumerate(globs) if re.match(glob_regex(g), path.lower())]
        assert sorted(index.match(path.lower())) == expected, (globs, path)


# odd paths too: empty segments and a trailing newline, where a regex's "$" is lenient
_odd_path = st.one_of(_path, _path.map(lambda p: "/" + p), _path.map(lambda p: p + "\n"))


@settings(max_examples=300, deadline=None)
@given(st.lists(_glob, min_size=1, max_size=4), st.lists(_odd_path, min_size=1, max_size=20))
def test_glob_sets_match_without_a_regex_as_the_regex_does(globs, paths):
    """GlobSet (string matching, for evidence-scope conditions) agrees with glob_regex."""
    matcher = GlobSet(globs)
    for path in paths:
        expected = any(re.match(glob_regex(g), path.lower()) for g in globs)
        assert matcher.match(path.lower()) is expected, (globs, path)


def test_brace_expansion():
    assert expand_braces("a.{x,y}.{1,2}") == ["a.x.1", "a.x.2", "a.y.1", "a.y.2"]


# -- the content prefilter never hides a match ------------------------------------------------
def test_required_literals_examples():
    assert required_literals(r"mlflow\.(log_param|log_metric)") == ("log_metric", "log_param")
    assert required_literals(r"(?i)\bpytest\b|\btox\b") == ("pytest", "tox")
    assert required_literals(r".*") is None


def _vocabulary(catalogue) -> list[str]:
    words: set[str] = set()
    for sig in catalogue.signals:
        for p in sig.patterns:
            words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_.-]{1,}", p.source))
    return [*sorted(words), " ", "\n", "(", ")", ":", "=", ".", "  ", "import ", "from ", "/", '"']


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_prefilter_is_sound(catalogue, data):
    vocab = _vocabulary(catalogue)
    text = "".join(data.draw(st.lists(st.sampled_from(vocab), max_size=40)))
    for sig in catalogue.signals:
        for pattern in sig.patterns:
            assert bool(pattern.search(text, text.lower())) == bool(pattern.regex.search(text)), (
                sig.name,
                pattern.source,
                text,
            )


def _ci_regexes(catalogue) -> list:
    out = [p for s in catalogue.signals for p in s.ci_patterns]
    out += [s.trigger_pattern for s in catalogue.signals if s.trigger_pattern]
    return (
        out
        + [m.step for m in catalogue.mappings]
        + [p for m in catalogue.mappings for p in m.inputs]
    )


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_ci_regex_prefilter_is_sound(catalogue, data):
    """CI, trigger and step patterns skip ASCII text without their literals uncompiled; they
    answer as the compiled regex does (ASCII or not, whatever the case)."""
    regexes = _ci_regexes(catalogue)
    assert sum(r.ascii_literals is not None for r in regexes) > len(regexes) // 2
    words: set[str] = set()
    for r in regexes:
        words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_.-]{1,}", r.pattern))
    vocab = [*sorted(words), " ", "-", "/", "@", ":", "=", "ſ", "K", "İ", "\n"]
    text = "".join(data.draw(st.lists(st.sampled_from(vocab), max_size=30)))
    for variant in (text, text.upper(), text.swapcase()):
        for r in regexes:
            assert bool(r.search(variant)) == bool(re.search(r.pattern, variant)), (
                r.pattern,
                variant,
            )


def test_prefilter_on_the_catalogue_samples(catalogue):
    samples = {
        "mlflow-tracking": "with mlflow.start_run():\n    mlflow.log_metric('auc', 1)\n",
        "drift-detection": "from evidently import Report\nReport(metrics=[DataDriftPreset()])\n",
        "dvc-pipeline": "stages:\n  train:\n    cmd: python train.py\n",
    }
    by_name = {s.name: s for s in catalogue.signals}
    for name, text in samples.items():
        patterns = by_name[f"signal-{name}"].patterns
        assert all(p.search(text, text.lower()) for p in patterns), name


def test_redaction():
    line = 'uri = "https://admin:hunter2@host"; PASSWORD=s3cret token: ${{ secrets.T }}'
    out = redact(line)
    assert "hunter2" not in out and "s3cret" not in out
    assert "${{ secrets.T }}" in out
    login = redact("docker login --password hunter3 --username bot; curl --token=abc --token $T")
    assert "hunter3" not in login and "abc" not in login and "--token $T" in login


# -- supporting a new tool is a data edit --------------------------------------------------------
PREFIXES = """\
@prefix cmlops: <https://w3id.org/cmlops#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
# the example of docs/extending.md, so that the guide stays true
GUIDE = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
NEW_TOOL = (
    PREFIXES + GUIDE.split("## Add a repository signal")[1].split("```turtle\n")[1].split("```")[0]
)


def test_a_new_tool_is_a_data_edit(tmp_path: Path):
    extra = tmp_path / "acme.ttl"
    extra.write_text(NEW_TOOL, encoding="utf-8")
    store = EmbeddedStore()
    store.load_ontology([*ontology_files(), extra])
    catalogue = load_catalogue(store)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "train.py").write_text("import os\nimport acmetrack\n\nacmetrack.log(loss=1)\n")
    (verdict,) = [
        v for v in scan_repository(repo, catalogue).verdicts if v.key == "experiment-tracking"
    ]
    assert (verdict.status, verdict.mode) == ("implemented", "manual")
    assert verdict.findings[0].signal.iri == CMLOPS + "signal-acme-tracker"
    assert verdict.quote == "train.py:2: import acmetrack"


def test_a_broken_signal_is_reported_with_where_and_how(tmp_path: Path):
    extra = tmp_path / "broken.ttl"
    extra.write_text(NEW_TOOL.replace("acmetrack\\\\b", "acmetrack("), encoding="utf-8")
    store = EmbeddedStore()
    store.load_ontology([*ontology_files(), extra])
    with pytest.raises(InputError) as info:
        load_catalogue(store)
    assert "signal-acme-tracker" in str(info.value) and "signals.ttl" in str(info.value)


def test_content_pattern_compiles_once():
    pattern = ContentPattern.compile(r"(?m)^\s*import\s+evidently\b")
    assert pattern.literals == ("evidently",)
    assert pattern.search("import evidently\n", "import evidently\n")


def test_every_signal_and_scope_names_practices_that_exist():
    """Read from the Turtle itself (not through the catalogue loader): every practice a signal
    evidences or contradicts, and every practice an evidence scope allows, is a practice of
    the ontology, so a renamed practice or criterion cannot leave a signal pointing nowhere."""
    import rdflib

    graph = rdflib.Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    cm = rdflib.Namespace(CMLOPS)
    practice_classes = set(graph.transitive_subjects(rdflib.RDFS.subClassOf, cm.Practice))
    practices = {s for c in practice_classes for s in graph.subjects(rdflib.RDF.type, c)}
    assert len(practices) > 50
    targets = [
        (s, p, o)
        for p in (cm.evidencedPractice, cm.contradictedPractice, cm.scopeAllowsPractice)
        for s, o in graph.subject_objects(p)
    ]
    assert len(targets) > 250
    dangling = [(str(s), str(p), str(o)) for s, p, o in targets if o not in practices]
    assert not dangling

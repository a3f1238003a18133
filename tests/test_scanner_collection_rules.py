"""Rules added for issue 14 from the second held-out corpus's disagreements (when that corpus
became part of tuning and a third was judged blind), each on a small fixture tree with the near
miss that must not count beside it: a repository that is a collection of examples (most of its
code in examples/) is read as its content, with a warning, unless its pyproject.toml names them
examples; a notebook loading its configuration shows configuration management only as present;
an ONNX export shows model packaging only as present; an image that pulls its model at build
time packages it; ``signatures=None`` exports no signature.
"""

from __future__ import annotations

import pytest
from scan_repos import notebook, scanned, verdicts

from cmlops_kg.scanner import load_catalogue


@pytest.fixture(scope="module")
def catalogue(ontology_store):
    return load_catalogue(ontology_store)


scan = verdicts
# a model logged in the MLflow format: model packaging, configured
PACKAGED = "import mlflow\n\ndef log(model):\n    mlflow.sklearn.log_model(model, 'model')\n"
HELPER = "def helper():\n    return 1\n"


def collection(n_examples: int, n_code: int) -> dict[str, str]:
    files = {"README.md": "# Flows\n\nExamples of our workflow tool.\n"}
    files["examples/churn/workflows/train.py"] = PACKAGED
    for i in range(1, n_examples):
        files[f"examples/ex{i}/main.py"] = HELPER
    for i in range(n_code):
        files[f"src/tool/mod{i}.py"] = HELPER
    return files


def test_a_collection_of_examples_is_read_as_the_repositorys_content(tmp_path, catalogue):
    result = scanned(tmp_path, collection(n_examples=4, n_code=1), catalogue)
    got = {v.key: (v.status, v.mode) for v in result.verdicts}
    assert got["model-packaging"][0] == "implemented"
    [note] = [w for w in result.warnings if "code files are examples" in w]
    assert note.startswith("4 of 5 code files are examples")
    assert "[tool.cmlops-kg.scan]" in note  # how to say otherwise


def test_examples_beside_more_code_of_the_repository_stay_restricted(tmp_path, catalogue):
    result = scanned(tmp_path, collection(n_examples=2, n_code=3), catalogue)
    got = {v.key: (v.status, v.mode) for v in result.verdicts}
    assert "model-packaging" not in got
    assert not [w for w in result.warnings if "code files are examples" in w]


def test_exactly_half_in_examples_does_not_yield(tmp_path, catalogue):
    # the share must be above one half: two of four code files are not a collection
    got = scan(tmp_path, collection(n_examples=2, n_code=2), catalogue)
    assert "model-packaging" not in got


def test_tests_and_docs_do_not_count_in_the_share(tmp_path, catalogue):
    files = collection(n_examples=2, n_code=1)
    # many test files: they count for neither side, so examples are 2 of 3 code files
    files.update({f"tests/test_{i}.py": "def test_x():\n    assert 1\n" for i in range(10)})
    files.update({f"docs/conf{i}.py": HELPER for i in range(10)})
    result = scanned(tmp_path, files, catalogue)
    assert {v.key for v in result.verdicts} >= {"model-packaging"}
    assert any(w.startswith("2 of 3 code files are examples") for w in result.warnings)


def test_examples_the_repository_names_never_yield(tmp_path, catalogue):
    files = collection(n_examples=4, n_code=1)
    files["pyproject.toml"] = '[tool.cmlops-kg.scan]\nexamples = ["examples/**"]\n'
    result = scanned(tmp_path, files, catalogue)
    assert "model-packaging" not in {v.key for v in result.verdicts}
    assert not [w for w in result.warnings if "code files are examples" in w]


def test_a_tree_without_examples_has_no_note(tmp_path, catalogue):
    result = scanned(tmp_path, {"src/a.py": PACKAGED, "src/b.py": HELPER}, catalogue)
    assert not [w for w in result.warnings if "code files are" in w]


def test_a_scope_with_no_share_set_never_yields():
    from cmlops_kg.scanner.paths import EvidenceScope, PathRoles

    scope = EvidenceScope("s", "s", ("**/examples/**",), frozenset())
    assert scope.yields(["examples/a.py"], PathRoles([])) is None
    shared = EvidenceScope(
        "s", "s", ("**/examples/**",), frozenset(), yields_at=0.5, share_of=("**/*.py",)
    )
    assert shared.yields(["examples/a.py", "b.py", "c.txt"], PathRoles([])) is None
    assert shared.yields(["examples/a.py", "examples/b.py", "c.py"], PathRoles([])) == (2, 3)


HYDRA_NOTEBOOK = notebook(
    "from hydra import initialize, compose",
    "with initialize(config_path='conf'):\n    cfg = compose(config_name='config')",
)


def test_a_notebook_loading_its_configuration_shows_it_only_as_present(tmp_path, catalogue):
    files = {"src/model.py": HELPER, "notebooks/train.ipynb": HYDRA_NOTEBOOK}
    assert scan(tmp_path, files, catalogue)["configuration-management"][0] == "partial"


def test_omegaconf_in_a_notebook_is_present_and_in_a_module_configured(tmp_path, catalogue):
    load = "from omegaconf import OmegaConf\ncfg = OmegaConf.load('conf.yaml')"
    files = {"src/model.py": HELPER, "nb/run.ipynb": notebook(load)}
    assert scan(tmp_path, files, catalogue)["configuration-management"][0] == "partial"
    module = tmp_path / "module"
    got = scan(module, {"src/train.py": load + "\n", "src/conf.yaml": "lr: 0.1\n"}, catalogue)
    assert got["configuration-management"][0] == "implemented"


@pytest.mark.parametrize(
    "code",
    [
        "import torch\ntorch.onnx.export(model, x, 'model.onnx')\n",
        "from skl2onnx import convert_sklearn\nonx = convert_sklearn(model, initial_types=t)\n",
        "import tf2onnx\ntf2onnx.convert.from_keras(model)\n",
    ],
)
def test_an_onnx_export_shows_model_packaging_only_as_present(tmp_path, catalogue, code):
    assert scan(tmp_path, {"src/export.py": code}, catalogue)["model-packaging"][0] == "partial"


def test_an_mlflow_pyfunc_model_is_still_configured_packaging(tmp_path, catalogue):
    code = "import mlflow\nmlflow.pyfunc.log_model('m', python_model=Wrapper())\n"
    assert scan(tmp_path, {"src/log.py": code}, catalogue)["model-packaging"][0] == "implemented"


@pytest.mark.parametrize(
    "run",
    [
        "RUN dvc pull dvcfiles/trained_model.dvc",
        "RUN aws s3 cp s3://bucket/models/model.tar.gz /opt/ml/",
        "RUN gsutil -m cp gs://bucket/model/* /app/model/",
        "RUN azcopy copy https://acct.blob.core.windows.net/c/model.pkl /app/",
    ],
)
def test_an_image_that_pulls_its_model_at_build_time_packages_it(tmp_path, catalogue, run):
    dockerfile = f"FROM python:3.11-slim\nCOPY app.py /app/\n{run}\nCMD python /app/app.py\n"
    got = scan(tmp_path, {"Dockerfile": dockerfile, "app.py": HELPER}, catalogue)
    assert got["model-packaging"][0] == "implemented"


def test_an_image_that_pulls_only_data_does_not_package_a_model(tmp_path, catalogue):
    dockerfile = "FROM python:3.11-slim\nRUN aws s3 cp s3://bucket/data/train.csv /data/\n"
    got = scan(tmp_path, {"Dockerfile": dockerfile, "app.py": HELPER}, catalogue)
    assert "model-packaging" not in got


def test_signatures_none_exports_no_signature(tmp_path, catalogue):
    code = "def save(model, path):\n    model.save(path, signatures=None)\n"
    assert "model-packaging" not in scan(tmp_path, {"src/save.py": code}, catalogue)
    other = tmp_path / "other"
    code = (
        "def save(model, path, fn):\n    tf.keras.models.save_model(model, path, signatures=fn)\n"
    )
    assert scan(other, {"src/save.py": code}, catalogue)["model-packaging"][0] == "implemented"

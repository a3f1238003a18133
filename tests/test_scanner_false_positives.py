"""Rules for issue 14's false positives (a practice the scanner called implemented that the
reviewer judged otherwise), each on a small fixture tree with a look-alike that must not count:
a model logged with its run is only part of model versioning until it is registered (a W&B model
artefact, a numbered immutable version, counts fully).
"""

from __future__ import annotations

import pytest
from scan_repos import verdicts

from cmlops_kg.scanner import load_catalogue


@pytest.fixture(scope="module")
def catalogue(ontology_store):
    return load_catalogue(ontology_store)


scan = verdicts


# -- model versioning: a logged model is a run artefact, a registered one a version ------------
LOGGED = """\
    import mlflow

    with mlflow.start_run():
        model.fit(X, y)
        mlflow.sklearn.log_model(model, artifact_path="model")
"""

REGISTERED = """\
    import mlflow

    with mlflow.start_run() as run:
        model.fit(X, y)
        mlflow.sklearn.log_model(model, artifact_path="model")
    mlflow.register_model(f"runs:/{run.info.run_id}/model", "churn")
"""

REGISTERED_BY_NAME = """\
    import mlflow

    mlflow.sklearn.log_model(model, artifact_path="model", registered_model_name="churn")
"""

WANDB_MODEL = """\
    import wandb

    run = wandb.init(project="churn")
    artifact = wandb.Artifact("churn-model", type="model")
    artifact.add_file("model.pkl")
    run.log_artifact(artifact)
"""


def test_a_model_logged_with_its_run_alone_is_part_of_model_versioning(tmp_path, catalogue):
    got = scan(tmp_path, {"src/train.py": LOGGED}, catalogue)
    assert got["model-versioning"] == ("partial", None)


@pytest.mark.parametrize("body", [REGISTERED, REGISTERED_BY_NAME])
def test_a_registered_model_is_model_versioning(tmp_path, catalogue, body):
    got = scan(tmp_path, {"src/train.py": body}, catalogue)
    assert got["model-versioning"] == ("implemented", "manual")


def test_a_wandb_model_artefact_is_model_versioning(tmp_path, catalogue):
    got = scan(tmp_path, {"src/train.py": WANDB_MODEL}, catalogue)
    assert got["model-versioning"] == ("implemented", "manual")


@pytest.mark.parametrize(
    "body",
    [
        # a data set artefact, not a model
        'import wandb\n\nartifact = wandb.Artifact("taxi-data", type="dataset")\n',
        # a logger's own method of that name, defined rather than called
        "class Tracker:\n    def log_models(self, models):\n        self.models = models\n",
    ],
)
def test_look_alikes_of_model_logging_are_no_model_versioning(tmp_path, catalogue, body):
    got = scan(tmp_path, {"src/track.py": body}, catalogue)
    assert "model-versioning" not in got

"""Rules for issue 14's false positives (a practice the scanner called implemented that the
reviewer judged otherwise), each on a small fixture tree with a look-alike that must not count:
a model logged with its run is only part of model versioning until it is registered (a W&B model
artefact, a numbered immutable version, counts fully); a pattern for a call does not match the
definition of a function of that name (`def create_endpoint(` calls nothing); SageMaker's
create_endpoint is a client method, a bare call of that name the repository's own helper; a Vertex
AI endpoint created without a model deployed to it is part of deployment automation.
"""

from __future__ import annotations

import pytest
from scan_repos import scanned, verdicts

from cmlops_kg.scanner import load_catalogue
from cmlops_kg.scanner.patterns import ContentPattern


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


# -- a call pattern does not match the definition of a function of that name --------------------
DEFINED_ONLY = """\
    from google.cloud import aiplatform as vertex_ai


    def create_endpoint(project, region, endpoint_display_name):
        vertex_ai.init(project=project, location=region)
        return vertex_ai.Endpoint.list(filter=f"display_name={endpoint_display_name}")
"""

CALLED = """\
    import boto3

    sm = boto3.client("sagemaker")
    sm.create_endpoint(EndpointName="churn", EndpointConfigName="churn-config")
"""


def test_a_function_defined_with_a_deployment_name_is_no_deployment(tmp_path, catalogue):
    got = scan(tmp_path, {"build/utils.py": DEFINED_ONLY}, catalogue)
    assert "deployment-automation" not in got


def test_a_deployment_call_is_deployment_automation(tmp_path, catalogue):
    got = scan(tmp_path, {"deploy/deploy.py": CALLED}, catalogue)
    assert got["deployment-automation"] == ("implemented", "manual")


def test_a_call_after_a_definition_of_the_same_name_is_quoted(tmp_path, catalogue):
    body = CALLED.replace("sm = ", "async def create_endpoint(name):\n        pass\n\n    sm = ")
    got = scanned(tmp_path, {"deploy/deploy.py": body}, catalogue)
    (verdict,) = [v for v in got.verdicts if v.key == "deployment-automation"]
    assert verdict.status == "implemented"
    assert "sm.create_endpoint(EndpointName" in verdict.quote


def test_a_hook_a_framework_calls_still_counts_where_it_is_defined(tmp_path, catalogue):
    # Kedro calls register_pipelines; its pattern names it, not a call of it
    body = "def register_pipelines():\n    return {'__default__': pipeline([])}\n"
    got = scan(tmp_path, {"src/shop/pipeline_registry.py": body}, catalogue)
    assert got["data-lineage"] == ("partial", None)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("def deploy_model(x):\n    pass\n", None),
        ("def deploy_model(x):\n    pass\ndeploy_model(1)\n", "deploy_model("),
        ("    async def deploy_model(x): ...\n", None),
        ("redeploy_model = 1\nundef deploy_model(x)\n", "deploy_model("),  # not Python's def
        ("obj.def deploy_model(x)\n", "deploy_model("),
    ],
)
def test_content_patterns_skip_the_definition_of_a_called_name(text, found):
    pattern = ContentPattern.compile(r"\bdeploy_model\s*\(")
    match = pattern.search(text, text.lower())
    assert (match and match.group(0)) == found


def test_a_pattern_that_names_the_def_keeps_its_matches():
    pattern = ContentPattern.compile(r"\bdef\s+test_\w+\s*\(")
    text = "def test_model_loads():\n    assert True\n"
    assert pattern.search(text, text.lower()) is not None


# -- SageMaker's create_endpoint is a client method; a Vertex endpoint alone holds no model -----
def test_a_bare_call_of_a_helper_named_create_endpoint_is_no_sdk_deployment(tmp_path, catalogue):
    body = "from build.utils import create_endpoint\n\nresult = create_endpoint(args.project)\n"
    got = scan(tmp_path, {"build/run.py": body}, catalogue)
    assert "deployment-automation" not in got


@pytest.mark.parametrize(
    "call",
    [
        'sm.create_endpoint(EndpointName="churn", EndpointConfigName="churn-config")',
        'sm.create_endpoint_config(EndpointConfigName="churn-config", ProductionVariants=v)',
    ],
)
def test_the_sagemaker_client_call_is_sdk_deployment(tmp_path, catalogue, call):
    body = f'import boto3\n\nsm = boto3.client("sagemaker")\n{call}\n'
    got = scan(tmp_path, {"deploy/deploy.py": body}, catalogue)
    assert got["deployment-automation"] == ("implemented", "manual")


ENDPOINT_ONLY = """\
    from google.cloud import aiplatform as vertex_ai

    endpoint = vertex_ai.Endpoint.create(display_name="churn")
"""


def test_a_vertex_endpoint_created_alone_is_part_of_deployment_automation(tmp_path, catalogue):
    got = scan(tmp_path, {"build/utils.py": ENDPOINT_ONLY}, catalogue)
    assert got["deployment-automation"] == ("partial", None)


def test_a_model_deployed_to_the_created_endpoint_is_deployment_automation(tmp_path, catalogue):
    body = ENDPOINT_ONLY + '    model.deploy(endpoint=endpoint, machine_type="n1-standard-4")\n'
    got = scan(tmp_path, {"build/utils.py": body}, catalogue)
    assert got["deployment-automation"] == ("implemented", "manual")


def test_an_endpoint_looked_up_is_no_deployment(tmp_path, catalogue):
    body = "from google.cloud import aiplatform\n\nendpoints = aiplatform.Endpoint.list()\n"
    got = scan(tmp_path, {"src/predict.py": body}, catalogue)
    assert "deployment-automation" not in got

"""Rules added for issue 14 from the agreement corpus's disagreements (stop 27), each on a small
fixture tree: a pipeline step that only prepares data a person put in place is part of an
automated data pipeline, a step that extracts it is the practice; a config module read from the
environment is configuration management; tests of a model loaded from its store and smoke tests
of a freshly trained model are part of model integration testing, even when CI runs them.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from scan_repos import git_index, write

from cmlops_kg.scanner import load_catalogue, scan_repository


@pytest.fixture(scope="module")
def catalogue(ontology_store):
    return load_catalogue(ontology_store)


def scan(root: Path, files: dict[str, str], catalogue) -> dict[str, tuple[str, str | None]]:
    files = {k: textwrap.dedent(v) for k, v in files.items()}
    write(root, files)
    git_index(root, list(files))
    return {v.key: (v.status, v.mode) for v in scan_repository(root, catalogue).verdicts}


PROCESSING_ONLY = """\
    from sagemaker.workflow.steps import ProcessingStep

    step_process = ProcessingStep(name="Preprocess", processor=processor, code="preprocess.py")
"""

EXTRACTING = """\
    from zenml import step

    @step
    def load_transactions(table: str):
        return bigquery.Client().query(f"select * from {table}").to_dataframe()
"""


def test_a_preparation_step_alone_is_part_of_an_automated_data_pipeline(tmp_path, catalogue):
    got = scan(tmp_path, {"pipelines/pipeline.py": PROCESSING_ONLY}, catalogue)
    assert got["automated-data-pipeline"] == ("partial", None)


def test_a_step_that_extracts_the_data_is_an_automated_data_pipeline(tmp_path, catalogue):
    got = scan(tmp_path, {"steps/loader.py": EXTRACTING}, catalogue)
    assert got["automated-data-pipeline"] == ("implemented", "manual")


def test_an_aml_prep_component_key_is_part_of_the_practice(tmp_path, catalogue):
    spec = "jobs:\n  prep_data:\n    type: command\n    code: ../src\n"
    got = scan(tmp_path, {"mlops/azureml/train/pipeline.yml": spec}, catalogue)
    assert got["automated-data-pipeline"] == ("partial", None)


@pytest.mark.parametrize(
    "body",
    [
        'import os\nPROJECT = os.getenv("PROJECT", "")\n',
        "from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    x = 1\n",
    ],
)
def test_a_config_module_read_from_the_environment_is_configuration(tmp_path, catalogue, body):
    got = scan(tmp_path, {"src/app/config.py": body}, catalogue)
    assert got["configuration-management"] == ("implemented", "manual")


def test_a_config_module_of_constants_is_only_a_start(tmp_path, catalogue):
    got = scan(tmp_path, {"src/app/config.py": 'DATA_DIR = "data"\n'}, catalogue)
    assert got["configuration-management"] == ("partial", None)


CONFTEST = """\
    import pytest
    from app.predict import TorchPredictor

    @pytest.fixture
    def predictor(run_id):
        return TorchPredictor.from_checkpoint(best_checkpoint(run_id))
"""


def test_tests_of_a_stored_model_stay_partial_when_ci_runs_them(tmp_path, catalogue):
    files = {
        "tests/model/conftest.py": CONFTEST,
        "tests/model/test_behaviour.py": "def test_label(predictor):\n    assert predictor\n",
        ".github/workflows/ci.yml": (
            "on: [push]\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
            "    steps:\n      - run: python -m pytest tests\n"
        ),
    }
    got = scan(tmp_path, files, catalogue)
    assert got["model-integration-tests"] == ("partial", None)


FLOW = """\
    from metaflow import FlowSpec, step

    class NLPFlow(FlowSpec):
        @step
        def check(self):
            # smoke test to make sure the model does the right thing
            preds = self.model.predict(["great film", "awful film"])
            self.passed_smoke_test = preds[0] > preds[1]
            self.next(self.end)
"""


def test_a_flow_checking_its_fresh_model_on_samples_counts_in_part(tmp_path, catalogue):
    got = scan(tmp_path, {"nlp/flow.py": FLOW}, catalogue)
    assert got["model-integration-tests"] == ("partial", None)


def test_a_check_of_a_cli_without_predictions_is_not_model_testing(tmp_path, catalogue):
    body = "def run():\n    print('smoke test: the CLI starts')\n    main(['--help'])\n"
    got = scan(tmp_path, {"tools/check.py": body}, catalogue)
    assert "model-integration-tests" not in got


ROLLOUT = """\
    trigger: [main]
    stages:
    - stage: Blue_100
      jobs:
      - deployment: Blue_Rollout_100
        environment: prod
        strategy:
          runOnce:
            deploy:
              steps:
              - template: helm-upgrade-template.yml
                parameters:
                  overrideValues: 'weight.blue=100,weight.green=0'
    - stage: Rollback
      dependsOn: Blue_100
      condition: failed()
      jobs:
      - deployment: Roll_Back
        environment: prod
        strategy:
          runOnce:
            deploy:
              steps:
              - template: helm-upgrade-template.yml
                parameters:
                  overrideValues: 'weight.blue=0,weight.green=100'
"""

HELM_TEMPLATE = """\
    parameters:
      overrideValues: ''
    steps:
    - task: HelmDeploy@0
      inputs:
        command: upgrade
        chartType: FilePath
        chartPath: charts/abtest
        releaseName: abtest
        overrideValues: ${{ parameters.overrideValues }}
"""


def test_templates_deep_in_a_deployment_job_are_expanded(tmp_path, catalogue):
    """A deployment job's steps sit seven YAML levels below the pipeline: the template they
    include is expanded all the same (template depth is counted in templates, not in levels),
    and a stage run on failed() that shifts traffic back is a rollback defined in CI."""
    files = {
        ".pipelines/abtest.yml": ROLLOUT,
        ".pipelines/helm-upgrade-template.yml": HELM_TEMPLATE,
    }
    got = scan(tmp_path, files, catalogue)
    assert got["rollback"] == ("partial", None)
    assert got["model-rollback"] == ("partial", None)


def ci(on: str, *commands: str) -> dict[str, str]:
    steps = "".join(f"      - run: {c}\n" for c in commands)
    return {
        ".github/workflows/ci.yml": f"on: {on}\njobs:\n  j:\n    runs-on: ubuntu-latest\n"
        f"    steps:\n{steps}"
    }


@pytest.mark.parametrize(
    "commands",
    [
        ("pytest tests", "kedro run --pipeline data_processing"),
        ("databricks bundle validate -t test", "databricks bundle run model_training_job -t test"),
    ],
)
def test_a_change_that_tests_and_runs_the_pipeline_is_pipeline_ci(tmp_path, catalogue, commands):
    got = scan(tmp_path, ci("[pull_request]", *commands), catalogue)
    assert got["pipeline-ci"] == ("implemented", "automatic")


def test_running_the_pipeline_without_testing_it_is_part_of_pipeline_ci(tmp_path, catalogue):
    got = scan(tmp_path, ci("[pull_request]", "kedro run"), catalogue)
    assert got["pipeline-ci"] == ("partial", None)


def test_a_scheduled_run_of_the_pipeline_is_not_pipeline_ci(tmp_path, catalogue):
    got = scan(
        tmp_path, ci("\n  schedule:\n    - cron: '0 3 * * *'", "pytest", "kedro run"), catalogue
    )
    assert "pipeline-ci" not in got


def deploy_workflow(name: str, on: str, target: str) -> dict[str, str]:
    return {
        f".github/workflows/cd-{name}.yml": (
            f"on: {on}\njobs:\n  {name}:\n    runs-on: ubuntu-latest\n"
            f"    steps:\n      - run: databricks bundle deploy -t {target}\n"
        )
    }


def test_staging_then_production_in_workflows_of_their_own_is_delivery(tmp_path, catalogue):
    files = {
        **deploy_workflow("staging", "\n  push:\n    branches: [main]", "staging"),
        **deploy_workflow("prod", "\n  push:\n    branches: [release]", "prod"),
    }
    got = scan(tmp_path, files, catalogue)
    assert got["continuous-delivery"] == ("implemented", "automatic")


def test_production_deploys_without_a_staging_target_are_part_of_delivery(tmp_path, catalogue):
    files = deploy_workflow("prod", "\n  push:\n    branches: [main]", "prod")
    got = scan(tmp_path, files, catalogue)
    assert got["continuous-delivery"] == ("partial", None)


CLOUDBUILD = """\
    steps:
    - name: gcr.io/cloud-builders/docker
      args: ['build', '--tag=gcr.io/$PROJECT_ID/model:$COMMIT_SHA', './model']
    images: ['gcr.io/$PROJECT_ID/model:$COMMIT_SHA']
"""


def test_a_build_run_by_a_trigger_outside_the_repository_is_part_of_ci(tmp_path, catalogue):
    got = scan(tmp_path, {"cloudbuild.yaml": CLOUDBUILD}, catalogue)
    assert got["continuous-integration"] == ("partial", None)


def test_a_build_config_submitted_by_hand_is_no_ci(tmp_path, catalogue):
    files = {
        "cloudbuild.yaml": CLOUDBUILD,
        "build.sh": "gcloud builds submit --config cloudbuild.yaml .\n",
    }
    got = scan(tmp_path, files, catalogue)
    assert "continuous-integration" not in got


@pytest.mark.parametrize(
    "code",
    [
        "import mlflow\nmlflow.log_input(dataset=lineage, context='training')\n",
        "from ray.air.integrations.mlflow import MLflowLoggerCallback\ncb = MLflowLoggerCallback()",
    ],
)
def test_runs_recorded_with_their_inputs_are_part_of_a_metadata_store(tmp_path, catalogue, code):
    got = scan(tmp_path, {"src/jobs/train.py": code}, catalogue)
    assert got["ml-metadata-store"] == ("partial", None)


def test_parameters_and_metrics_alone_are_no_metadata_store(tmp_path, catalogue):
    code = "import mlflow\nwith mlflow.start_run():\n    mlflow.log_metric('rmse', 1.0)\n"
    got = scan(tmp_path, {"src/jobs/train.py": code}, catalogue)
    assert "ml-metadata-store" not in got


DATA_TEST = """\
    import pandas as pd

    def test_check_schema():
        assert pd.read_csv("data/diabetes.csv").shape[1] == 10

    def test_check_missing_values():
        assert pd.read_csv("data/diabetes.csv").isnull().sum().sum() == 0
"""


def test_hand_written_tests_of_a_data_file_are_part_of_data_validation(tmp_path, catalogue):
    files = {"data/data_test.py": DATA_TEST, **ci("[push]", "pytest data/data_test.py")}
    got = scan(tmp_path, files, catalogue)
    assert got["data-validation"] == ("partial", None)


def test_tests_of_nan_handling_on_arrays_are_no_data_validation(tmp_path, catalogue):
    code = "import numpy as np\n\ndef test_nan_input():\n    assert np.isnan(np.nan)\n"
    got = scan(tmp_path, {"tests/test_estimator.py": code}, catalogue)
    assert "data-validation" not in got


def test_global_feature_importances_are_part_of_explainability(tmp_path, catalogue):
    code = "def evaluate(model, names):\n    return dict(zip(names, model.feature_importances_))\n"
    got = scan(tmp_path, {"src/evaluate.py": code}, catalogue)
    assert got["model-explainability"] == ("partial", None)


def test_a_drift_gate_step_of_its_own_is_part_of_drift_monitoring(tmp_path, catalogue):
    code = (
        "def drift_quality_gate(report, tolerance=0.1):\n"
        "    if report['na_drift'] > tolerance:\n"
        "        raise RuntimeError('drift')\n"
    )
    got = scan(tmp_path, {"steps/data_quality/gate.py": code}, catalogue)
    assert got["drift-monitoring"] == ("partial", None)


def test_a_conda_file_named_env_yml_is_an_environment_spec(tmp_path, catalogue):
    spec = "name: tutorial\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n"
    got = scan(tmp_path, {"nlp/env.yml": spec}, catalogue)
    assert got["managed-ml-environments"] == ("partial", None)


def test_an_evaluation_report_kept_per_execution_is_part_of_tracking(tmp_path, catalogue):
    code = (
        "from sagemaker.workflow.properties import PropertyFile\n"
        "report = PropertyFile(name='EvaluationReport', output_name='evaluation', path='e.json')\n"
    )
    got = scan(tmp_path, {"pipelines/abalone/pipeline.py": code}, catalogue)
    assert got["experiment-tracking"] == ("partial", None)


def test_training_written_for_several_machines_is_part_of_managed_compute(tmp_path, catalogue):
    code = (
        "from torch.distributed import init_process_group\n"
        "from torch.nn.parallel import DistributedDataParallel as DDP\n"
        "init_process_group(backend='nccl')\n"
    )
    got = scan(tmp_path, {"train.py": code}, catalogue)
    assert got["managed-training-compute"] == ("partial", None)

"""Rules added for issue 14 from the agreement corpus's disagreements (stop 27), each on a small
fixture tree: a pipeline step that only prepares data a person put in place is part of an
automated data pipeline, a step that extracts it is the practice; a config module read from the
environment is configuration management; tests of a model loaded from its store and smoke tests
of a freshly trained model are part of model integration testing, even when CI runs them.
"""

from __future__ import annotations

import pytest
from scan_repos import notebook, scanned, verdicts

from cmlops_kg.scanner import load_catalogue


@pytest.fixture(scope="module")
def catalogue(ontology_store):
    return load_catalogue(ontology_store)


scan = verdicts


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


# One file each, and the practice it shows in part.
PARTIAL_BY_ONE_FILE = {
    "feature importances": (
        "src/evaluate.py",
        "def evaluate(model, names):\n    return dict(zip(names, model.feature_importances_))\n",
        "model-explainability",
    ),
    "a drift gate step": (
        "steps/data_quality/gate.py",
        "def drift_quality_gate(report, tolerance=0.1):\n"
        "    if report['na_drift'] > tolerance:\n"
        "        raise RuntimeError('drift')\n",
        "drift-monitoring",
    ),
    "a conda file named env.yml": (
        "nlp/env.yml",
        "name: tutorial\nchannels: [conda-forge]\ndependencies:\n  - python=3.11\n",
        "managed-ml-environments",
    ),
    "an evaluation report kept per execution": (
        "pipelines/abalone/pipeline.py",
        "from sagemaker.workflow.properties import PropertyFile\n"
        "report = PropertyFile(name='EvaluationReport', output_name='evaluation', path='e.json')\n",
        "experiment-tracking",
    ),
    "training written for several machines": (
        "train.py",
        "from torch.distributed import init_process_group\n"
        "from torch.nn.parallel import DistributedDataParallel as DDP\n"
        "init_process_group(backend='nccl')\n",
        "managed-training-compute",
    ),
    "a flow smoke-testing its fresh model": ("nlp/flow.py", FLOW, "model-integration-tests"),
    "run inputs in MLflow": (
        "src/jobs/train.py",
        "import mlflow\nmlflow.log_input(dataset=lineage, context='training')\n",
        "ml-metadata-store",
    ),
    "trials recorded in MLflow": (
        "src/jobs/tune.py",
        "from ray.air.integrations.mlflow import MLflowLoggerCallback\ncb = MLflowLoggerCallback()",
        "ml-metadata-store",
    ),
    "a gate flag computed from the metrics, then exit 1": (
        "src/release.py",
        "import sys\n\ndef gate(candidate, production, rules):\n"
        "    passed = candidate >= rules['min_accuracy']\n"
        "    if production is not None:\n"
        "        passed = passed and candidate >= production\n"
        "    if not passed:\n        sys.exit(1)\n",
        "model-validation-gate",
    ),
    "a population stability index of its own": (
        "src/monitor.py",
        "import numpy as np\n\ndef psi(expected, actual):\n"
        "    return float(np.sum((actual - expected) * np.log(actual / expected)))\n",
        "drift-monitoring",
    ),
    "a pip-compile lock alone": (
        "requirements.txt",
        "#\n# This file is autogenerated by pip-compile with Python 3.11\n#\nnumpy==2.4.6\n"
        "    # via -r requirements.in\n",
        "dependency-management",
    ),
}

# ... and files that look alike but do not show it.
NO_CLAIM_BY_ONE_FILE = {
    "a smoke test of a CLI": (
        "tools/check.py",
        "def run():\n    print('smoke test: the CLI starts')\n    main(['--help'])\n",
        "model-integration-tests",
    ),
    "parameters and metrics alone": (
        "src/jobs/train.py",
        "import mlflow\nwith mlflow.start_run():\n    mlflow.log_metric('rmse', 1.0)\n",
        "ml-metadata-store",
    ),
    "a flag from a comparison that is not a metric": (
        "src/sync.py",
        "import sys\n\ndef sync(files, limit):\n    ok = len(files) <= limit\n"
        "    if not ok:\n        sys.exit(1)\n",
        "model-validation-gate",
    ),
    "tests of NaN handling on arrays": (
        "tests/test_estimator.py",
        "import numpy as np\n\ndef test_nan_input():\n    assert np.isnan(np.nan)\n",
        "data-validation",
    ),
}


@pytest.mark.parametrize("case", PARTIAL_BY_ONE_FILE)
def test_one_file_shows_part_of_a_practice(tmp_path, catalogue, case):
    path, content, practice = PARTIAL_BY_ONE_FILE[case]
    assert scan(tmp_path, {path: content}, catalogue)[practice] == ("partial", None)


@pytest.mark.parametrize("case", NO_CLAIM_BY_ONE_FILE)
def test_a_look_alike_file_shows_nothing_of_the_practice(tmp_path, catalogue, case):
    path, content, practice = NO_CLAIM_BY_ONE_FILE[case]
    assert practice not in scan(tmp_path, {path: content}, catalogue)


# -- what a repository says about its folders (pyproject.toml [tool.cmlops-kg.scan]) ---------


TRACKING = "import mlflow\nwith mlflow.start_run():\n    mlflow.log_metric('rmse', 1.0)\n"


def test_folders_a_repository_calls_examples_show_only_tests_and_docs(tmp_path, catalogue):
    files = {
        "systems/train.py": TRACKING,
        "systems/tests/test_train.py": "def test_it():\n    assert True\n",
        "pyproject.toml": '[tool.cmlops-kg.scan]\nexamples = ["systems/**"]\n',
    }
    result = scanned(tmp_path, files, catalogue)
    claims = {v.key for v in result.verdicts}
    assert "experiment-tracking" not in claims and "automated-testing" in claims
    assert any("examples systems/**" in w for w in result.warnings)


def test_folders_a_repository_excludes_are_not_scanned(tmp_path, catalogue):
    files = {
        "copy/train.py": TRACKING,
        "pyproject.toml": '[tool.cmlops-kg.scan]\nexclude = ["copy/**"]\n',
    }
    assert "experiment-tracking" not in {
        v.key for v in scanned(tmp_path, files, catalogue).verdicts
    }


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        ("[tool.cmlops-kg.scan\n", "could not be read"),
        ('[tool.cmlops-kg.scan]\nexamples = "systems/**"\n', "must be a list of globs"),
        ('[tool.cmlops-kg.scan]\nexampels = ["systems/**"]\n', "unknown key 'exampels'"),
    ],
)
def test_a_scan_table_that_cannot_be_used_is_ignored_with_a_warning(
    tmp_path, catalogue, text, warning
):
    files = {"systems/train.py": TRACKING, "pyproject.toml": text}
    result = scanned(tmp_path, files, catalogue)
    assert any(warning in w for w in result.warnings), result.warnings
    assert "experiment-tracking" in {v.key for v in result.verdicts}


def test_ci_syncing_to_a_pip_compile_lock_is_dependency_management(tmp_path, catalogue):
    lock = "#\n# This file is autogenerated by pip-compile with Python 3.11\n#\nnumpy==2.4.6\n"
    files = {
        "requirements.txt": lock,
        **ci("push", "pip install pip-tools", "pip-sync requirements.txt"),
    }
    assert scan(tmp_path, files, catalogue)["dependency-management"] == ("implemented", "automatic")


def test_pip_sync_of_hand_pinned_requirements_is_not_a_lock(tmp_path, catalogue):
    files = {"requirements.txt": "numpy==2.4.6\n", **ci("push", "pip-sync requirements.txt")}
    assert scan(tmp_path, files, catalogue)["dependency-management"] != ("implemented", "automatic")


# Monitoring, release and rollback as a platform's files configure them (Prometheus rules,
# Argo Rollouts, CI started by an alert): what the validation lab's level-3/4 repositories use.
RULES = """\
groups:
  - name: service
    rules:
      - alert: {name}
        expr: {expr}
"""


@pytest.mark.parametrize(
    ("expr", "practice"),
    [
        ("model_accuracy_reference - model_accuracy > 0.08", "model-performance-monitoring"),
        ("count(feature_psi > 0.25) >= 4", "drift-monitoring"),
        (
            "time() - feature_table_last_updated_timestamp_seconds > 7200",
            "feature-freshness-monitoring",
        ),
    ],
)
def test_a_prometheus_alert_rule_is_the_monitoring_practice(tmp_path, catalogue, expr, practice):
    files = {"monitoring/alerts.yml": RULES.format(name="Check", expr=expr)}
    assert scan(tmp_path, files, catalogue)[practice] == ("implemented", "manual")


def test_an_alert_on_latency_is_none_of_the_model_monitoring_practices(tmp_path, catalogue):
    rule = RULES.format(name="SlowRequests", expr="histogram_quantile(0.99, latency) > 0.5")
    got = scan(tmp_path, {"monitoring/alerts.yml": rule}, catalogue)
    for practice in (
        "model-performance-monitoring",
        "drift-monitoring",
        "feature-freshness-monitoring",
    ):
        assert got.get(practice, ("none", None))[0] != "implemented", practice


ARGO_ROLLOUT = """\
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: svc}
spec:
  strategy:
    canary:
ANALYSIS      steps:
        - setWeight: 20
        - pause: {duration: 2h}
"""


def test_an_argo_canary_with_analysis_is_a_canary_deployment(tmp_path, catalogue):
    rollout = ARGO_ROLLOUT.replace(
        "ANALYSIS", "      analysis:\n        templates: [{templateName: health}]\n"
    )
    got = scan(tmp_path, {"deploy/rollout.yaml": rollout}, catalogue)
    assert got["canary-model-deployment"] == ("implemented", "manual")


def test_an_argo_canary_without_analysis_is_not(tmp_path, catalogue):
    got = scan(tmp_path, {"deploy/rollout.yaml": ARGO_ROLLOUT.replace("ANALYSIS", "")}, catalogue)
    assert got.get("canary-model-deployment", ("none", None))[0] != "implemented"


def rollback_workflow(on: str) -> dict[str, str]:
    return {
        ".github/workflows/rollback.yml": f"on: {on}\njobs:\n  undo:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: kubectl argo rollouts undo svc\n",
        "src/serve.py": 'MODEL_URI = "models:/classifier@champion"\n',
    }


def test_a_rollback_an_alert_starts_is_automated_model_rollback(tmp_path, catalogue):
    got = scan(tmp_path, rollback_workflow("{repository_dispatch: {types: [rollback]}}"), catalogue)
    assert got["automated-model-rollback"] == ("implemented", "automatic")
    assert got["model-rollback"][0] == "implemented"


def test_a_rollback_a_person_starts_is_model_rollback_only(tmp_path, catalogue):
    got = scan(tmp_path, rollback_workflow("workflow_dispatch"), catalogue)
    assert got["model-rollback"][0] == "implemented"
    assert got.get("automated-model-rollback", ("none", None))[0] != "implemented"


JOIN = """\
import csv, json

def join_ground_truth(outcomes_path, prediction_log):
    logged = {json.loads(l)["request_id"]: json.loads(l) for l in open(prediction_log)}
    return [logged[o["request_id"]] | o for o in csv.DictReader(open(outcomes_path))]
"""

RECORD = """\
import logging
log = logging.getLogger("predictions")

def predict(model, row, version):
    prediction = model.predict([row])[0]
    log.info({"prediction": prediction, "request_id": row["id"], "model_version": version})
    return prediction
"""


def test_outcomes_joined_to_logged_predictions_are_ground_truth_collection(tmp_path, catalogue):
    got = scan(tmp_path, {"src/collect.py": JOIN}, catalogue)
    assert got["ground-truth-collection"] == ("implemented", "manual")


def test_prediction_records_with_id_and_model_version_are_prediction_logging(tmp_path, catalogue):
    got = scan(tmp_path, {"src/serve.py": RECORD}, catalogue)
    assert got["prediction-logging"] == ("implemented", "manual")


def test_a_prediction_logged_without_its_model_version_is_only_a_start(tmp_path, catalogue):
    got = scan(
        tmp_path, {"src/serve.py": RECORD.replace(', "model_version": version', "")}, catalogue
    )
    assert got["prediction-logging"] == ("partial", None)


# -- issue 14, false positives: course material, lesson notebooks, an aliased registry class ---
SEARCH = """\
import optuna

study = optuna.create_study(direction="minimize")
study.optimize(objective, n_trials=50)
"""


@pytest.mark.parametrize(
    "rel",
    [
        "week2/homework/hpo.py",
        "cohorts/2023/02-tracking/solution-mlflow/hpo.py",
        "lesson3/homework_solution.py",
    ],
)
def test_homework_and_solutions_show_a_practice_only_as_present(tmp_path, catalogue, rel):
    got = scan(tmp_path, {rel: SEARCH, "src/app/serve.py": "import flask\n"}, catalogue)
    assert got["hyperparameter-tuning"] == ("partial", None)


@pytest.mark.parametrize("rel", ["src/tuning/hpo.py", "src/homeworks_api/hpo.py"])
def test_a_search_in_the_projects_own_code_is_tuning(tmp_path, catalogue, rel):
    got = scan(tmp_path, {rel: SEARCH}, catalogue)
    assert got["hyperparameter-tuning"] == ("implemented", "manual")


def test_a_test_in_course_material_stays_a_test(tmp_path, catalogue):
    # the test scope decides first: a search in test code evidences no tuning at all (course
    # material would have shown it as present)
    got = scan(tmp_path, {"homework/tests/test_hpo.py": SEARCH}, catalogue)
    assert "hyperparameter-tuning" not in got


STAGES = """\
from mlflow.tracking import MlflowClient

MlflowClient().transition_model_version_stage(name="taxi", version=3, stage="Staging")
"""


def test_a_folder_of_notebooks_without_code_shows_a_practice_only_as_present(tmp_path, catalogue):
    files = {
        "02-experiment-tracking/model-registry.ipynb": notebook(STAGES),
        "02-experiment-tracking/requirements.txt": "mlflow\n",
        "06-best-practices/code/batch.py": "import pandas as pd\n",
    }
    got = scan(tmp_path, files, catalogue)
    assert got["model-registry"] == ("partial", None)


@pytest.mark.parametrize(
    "files",
    [
        # next to the code it drives (a notebook in the root of a repository with code)
        {"02-registry.ipynb": notebook(STAGES), "src/pipeline/train.py": "import pandas\n"},
        # in a folder with a script of its own
        {"deploy/registry.ipynb": notebook(STAGES), "deploy/predict.py": "import pandas\n"},
    ],
)
def test_a_notebook_next_to_code_counts_as_configured(tmp_path, catalogue, files):
    got = scan(tmp_path, files, catalogue)
    assert got["model-registry"] == ("implemented", "manual")


def test_a_model_registered_through_an_aliased_class_is_versioned(tmp_path, catalogue):
    body = (
        "from azureml.core import Model as AMLModel\n\n"
        "AMLModel.register(workspace=ws, model_name=name, model_path=path, tags=tags)\n"
    )
    got = scan(tmp_path, {"src/register/register_model.py": body}, catalogue)
    assert got["model-versioning"] == ("implemented", "manual")


def test_a_class_registered_with_an_admin_site_is_no_model_version(tmp_path, catalogue):
    body = "from django.contrib import admin\n\nadmin.site.register(CustomerModel)\n"
    got = scan(tmp_path, {"src/shop/admin.py": body}, catalogue)
    assert "model-versioning" not in got


@pytest.mark.parametrize(
    "body",
    [
        "from google.cloud import bigquery\n\nrows = bigquery.Client().query(sql).result()\n",
        "import apache_beam as beam\n\nsource = beam.io.BigQuerySource(table=args.table)\n",
    ],
)
def test_a_table_read_through_a_warehouse_client_is_only_a_start(tmp_path, catalogue, body):
    got = scan(tmp_path, {"src/etl/extract.py": body}, catalogue)
    assert got["shared-data-access"] == ("partial", None)


@pytest.mark.parametrize(
    "body",
    [
        'from feast import BigQuerySource\n\nstats = BigQuerySource(table="p.ds.stats")\n',
        "from google.cloud import aiplatform as vertex_ai\n\n"
        'ds = vertex_ai.TabularDataset.create(display_name="taxi", bq_source=uri)\n',
    ],
)
def test_a_data_set_declared_in_a_managed_store_is_shared_data_access(tmp_path, catalogue, body):
    got = scan(tmp_path, {"src/data/sources.py": body}, catalogue)
    assert got["shared-data-access"] == ("implemented", "manual")

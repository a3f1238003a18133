"""Signals added for issue 14 from the agreement corpus's disagreements, each on a small fixture
tree: managed-platform services (Vertex monitoring, skew detection, explanations), Feast online
reads, manifests written by shell heredocs, and the partial evidence a reviewer credits (pipeline
CI started by hand, but not a scheduled retraining; tests of the split step; per-environment
configuration; versioned Kedro datasets and Delta tables; request telemetry and log groups; data
READMEs; secret scanning).
"""

from __future__ import annotations

import pytest
from scan_repos import verdicts

from cmlops_kg.scanner import load_catalogue


@pytest.fixture(scope="module")
def catalogue(ontology_store):
    return load_catalogue(ontology_store)


scan = verdicts


def workflow(on: str, command: str) -> dict[str, str]:
    """A GitHub workflow of one job with one step, started by ``on``."""
    return {
        ".github/workflows/ci.yml": (
            f"on: {on}\njobs:\n  job:\n    runs-on: ubuntu-latest\n"
            f"    steps:\n      - run: {command}\n"
        )
    }


VERTEX_MONITORING = """\
    from google.cloud.aiplatform import model_monitoring as mm

    skew_thresholds = {"age": mm.ThresholdConfig(value=0.3)}
    skew = mm.TrainingPredictionSkewDetectionConfig(skew_thresholds=skew_thresholds)
    drift = mm.PredictionDriftDetectionConfig(drift_thresholds=skew_thresholds)
    job = vertex_ai.ModelDeploymentMonitoringJob(display_name="m", endpoint=endpoint)
    meta = vertex_ai.explain.ExplanationMetadata(inputs={}, outputs={})
"""


def test_managed_monitoring_skew_and_explanations_are_configured(tmp_path, catalogue):
    got = scan(tmp_path, {"monitoring/create_job.py": VERTEX_MONITORING}, catalogue)
    assert got["drift-monitoring"] == ("implemented", "manual")
    assert got["training-serving-skew-detection"] == ("implemented", "manual")
    assert got["model-explainability"] == ("implemented", "manual")


def test_feast_online_reads_and_heredoc_manifests_serve(tmp_path, catalogue):
    deploy = """\
        #!/bin/sh
        cat > seldon.yaml <<EOF
        apiVersion: machinelearning.seldon.io/v1alpha1
        kind: SeldonDeployment
        EOF
    """
    predict = "features = store.get_online_features(features=fs, entity_rows=rows)\n"
    got = scan(tmp_path, {"deploy.sh": deploy, "predict.py": predict}, catalogue)
    assert got["model-serving"] == ("implemented", "manual")
    assert got["online-feature-serving"] == ("implemented", "manual")


def test_pipeline_ci_by_hand_is_partial_but_a_scheduled_retraining_is_not_pipeline_ci(
    tmp_path, catalogue
):
    by_hand = workflow("workflow_dispatch", "python -m pipelines.compile_pipeline")
    assert scan(tmp_path / "a", by_hand, catalogue)["pipeline-ci"] == ("partial", None)
    scheduled = workflow('\n  schedule: [{cron: "0 3 * * 1"}]', "dvc repro")
    assert "pipeline-ci" not in scan(tmp_path / "b", scheduled, catalogue)


def test_tests_of_the_split_step_stay_partial_even_when_ci_runs_them(tmp_path, catalogue):
    files = {
        **workflow("[push]", "pytest tests"),
        "tests/test_split.py": (
            "import pandas as pd\n\n\ndef test_split_data():\n    assert len(pd.DataFrame()) == 0\n"
        ),
    }
    assert scan(tmp_path, files, catalogue)["feature-engineering-tests"] == ("partial", None)


def test_per_environment_configuration_is_partial_delivery(tmp_path, catalogue):
    files = {"config-infra-prod.yml": "location: westeurope\n", "product.yaml": "name: x\n"}
    assert scan(tmp_path, files, catalogue)["continuous-delivery"] == ("partial", None)
    alone = scan(tmp_path / "b", {"product.yaml": "name: x\n"}, catalogue)
    assert "continuous-delivery" not in alone  # a product is no production environment


def test_versioned_kedro_datasets_and_delta_tables_are_partial_data_versioning(tmp_path, catalogue):
    kedro = {"conf/base/catalog.yml": "model:\n  type: pickle.PickleDataset\n  versioned: true\n"}
    assert scan(tmp_path / "a", kedro, catalogue)["data-versioning"] == ("partial", None)
    delta = {"train.py": 'df = spark.read.format("delta").load(path)\n'}
    assert scan(tmp_path / "b", delta, catalogue)["data-versioning"] == ("partial", None)


def test_request_telemetry_and_log_groups_are_partial_logging(tmp_path, catalogue):
    aks = {"scoring/deployment_config_aks.yml": "computeType: AKS\nappInsightsEnabled: True\n"}
    got = scan(tmp_path / "a", aks, catalogue)
    assert got["logging"] == ("partial", None)
    assert got["serving-performance-monitoring"] == ("partial", None)
    cfn = {
        "stack.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
        "  Logs:\n    Type: AWS::Logs::LogGroup\n"
    }
    assert scan(tmp_path / "b", cfn, catalogue)["logging"] == ("partial", None)


def test_data_readmes_that_describe_the_data_are_partial_datasheets(tmp_path, catalogue):
    described = {
        "data/shakespeare/readme.md": "# tiny shakespeare\n\n- train.bin has 1,003,854 tokens\n"
    }
    assert scan(tmp_path / "a", described, catalogue)["datasheets"] == ("partial", None)
    placeholder = {"data/README.md": "This is where data files will be downloaded.\n"}
    assert "datasheets" not in scan(tmp_path / "b", placeholder, catalogue)


def test_secret_scanning_in_ci_is_automated_secrets_management(tmp_path, catalogue):
    files = workflow("[push]", "gitleaks detect --source .")
    assert scan(tmp_path / "a", files, catalogue)["secrets-management"] == (
        "implemented",
        "automatic",
    )
    hook = {".pre-commit-config.yaml": "repos:\n  - repo: x\n    hooks:\n      - id: gitleaks\n"}
    assert scan(tmp_path / "b", hook, catalogue)["secrets-management"] == ("implemented", "manual")


def test_responsible_ai_components_and_kedro_viz_are_partial(tmp_path, catalogue):
    files = {
        "mlops/train/pipeline.yml": (
            "jobs:\n  rai:\n    component: azureml:rai_insights_constructor@latest\n"
        ),
        "requirements.txt": "kedro~=0.19\nkedro-viz>=6.7.0\n",
    }
    got = scan(tmp_path, files, catalogue)
    assert got["model-explainability"] == ("partial", None)
    assert got["fairness-testing"] == ("partial", None)
    assert got["model-debuggability"] == ("partial", None)


def test_zenml_data_validator_steps_validate_data(tmp_path, catalogue):
    pipeline = """\
        from zenml.integrations.evidently.steps import evidently_report_step

        report = evidently_report_step(reference_dataset=ref, comparison_dataset=new)
    """
    got = scan(tmp_path, {"pipelines/batch_inference.py": pipeline}, catalogue)
    assert got["data-validation"] == ("implemented", "manual")


def test_metaflow_artefacts_live_in_its_datastore(tmp_path, catalogue):
    flow = """\
        from metaflow import FlowSpec, step


        class Train(FlowSpec):
            @step
            def start(self):
                self.model = fit()
                self.next(self.end)
    """
    got = scan(tmp_path, {"flows/train.py": flow}, catalogue)
    assert got["artifact-repository"] == ("partial", None)


def test_a_ci_step_calling_a_deployed_endpoint_is_a_partial_service_test(tmp_path, catalogue):
    files = workflow("[push]", "az ml $(endpoint_type)-endpoint invoke -n churn --request-file x")
    assert scan(tmp_path, files, catalogue)["prediction-service-tests"] == ("partial", None)


def test_conditional_scopes_decide_as_a_check_of_every_file_would(catalogue):
    """holds() skips files without its globs' literals and stops once nothing can change
    its answer; on random trees it must answer as the plain check of every file does."""
    import random
    import re as regex

    from cmlops_kg.scanner.globs import expand_braces, glob_regex
    from cmlops_kg.scanner.paths import PathRoles, condition_files

    def full(globs):
        parts = [glob_regex(g) for raw in globs for g in expand_braces(raw)]
        return regex.compile("|".join(f"(?:{p})" for p in parts) or r"(?!)")

    def brute(scope, files, plain) -> bool:
        need, unless = full(scope.requires_file), full(scope.unless_file)
        ignored, found = full(scope.ignores_file), not scope.requires_file
        for rel in files:
            low = rel.lower()
            is_need, is_unless = bool(need.match(low)), bool(unless.match(low))
            if not (is_need or is_unless) or ignored.match(low) or plain.restriction(rel):
                continue
            if is_unless:
                return False
            found = True
        return found

    plain = PathRoles([s for s in catalogue.scopes if not s.conditional])
    conditional = [s for s in catalogue.scopes if s.conditional]
    assert conditional, "the catalogue has conditional scopes"
    names = ["a.ipynb", "b.py", "conf.py", "setup.py", "mkdocs.yml", "x.PY", "r.md", "Dockerfile"]
    names += ["data.csv", "model.R", "book.Rmd", "img.png"]  # most files meet no condition
    folders = ["", "src/", "docs/", "tests/", "notebooks/", ".github/"]
    rnd = random.Random(14)
    for _ in range(300):
        files = [rnd.choice(folders) + rnd.choice(names) for _ in range(rnd.randint(0, 6))]
        meeting = condition_files(conditional, files)  # what detect() passes
        for scope in conditional:
            assert scope.holds(files, plain) == brute(scope, files, plain), (scope.name, files)
            assert scope.holds(meeting, plain) == brute(scope, files, plain), (scope.name, files)

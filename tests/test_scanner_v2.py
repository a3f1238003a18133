"""Issue 14's causes, each on a small fixture tree: CI found and followed, monorepo scope, what
counts as evidence, git refs, vocabulary, unknown versus missing, and secrets.

Each test writes the few files that show one cause (tests/scan_repos.py has the helpers) and
scans them, so that a regression names the cause it brings back.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from scan_repos import git_index, git_refs, write

from cmlops_kg.cli import main
from cmlops_kg.rdf.profiles import profile_turtle
from cmlops_kg.scanner import load_catalogue, scan_repository
from cmlops_kg.scanner.ci import parse_ci
from cmlops_kg.scanner.evidence import build_profile, model_knows_unknown
from cmlops_kg.scanner.explain import document, explanation
from cmlops_kg.validation import validate_profile


@pytest.fixture(scope="module")
def catalogue(ontology_store):
    return load_catalogue(ontology_store)


def repo(root: Path, files: dict[str, str]) -> Path:
    files = {k: textwrap.dedent(v) for k, v in files.items()}
    write(root, files)
    git_index(root, list(files))
    return root


def verdicts(result) -> dict[str, tuple[str, str | None]]:
    return {v.key: (v.status, v.mode) for v in result.verdicts}


def ci(files: dict[str, str], catalogue):
    texts = {k: textwrap.dedent(v) for k, v in files.items()}
    return parse_ci(list(texts), texts.get, catalogue.mappings, lambda r: texts[r].encode())


def job(result, name: str):
    (found,) = [j for j in result.jobs if j.name.endswith(name)]
    return found


def texts(j) -> list[str]:
    return [c.text for c in j.commands]


# -- CI found by content, templates expanded, tasks as commands ------------------------------
AZURE_CI = """\
    trigger:
      branches: {include: [main]}
    pool: {vmImage: ubuntu-latest}
    stages:
      - stage: Test
        jobs:
          - job: quality
            steps:
              - template: quality-template.yml
                parameters:
                  testDir: tests/unit
"""
AZURE_TEMPLATE = """\
    parameters:
      - name: testDir
        default: tests
    steps:
      - script: flake8 .
      - script: python -m pytest ${{ parameters.testDir }}
"""
AZURE_IAC = """\
    trigger:
      paths: {include: [environment_setup/tf]}
    pool: {vmImage: ubuntu-latest}
    steps:
      - task: TerraformCLI@0
        inputs:
          command: apply
          workingDirectory: environment_setup/tf
      - task: Docker@2
        inputs:
          command: buildAndPush
          repository: scoring
      - task: AzureCLI@1
        inputs:
          scriptLocation: inlineScript
          inlineScript: |
            set -e
            python -m ml_service.build_train_pipeline
"""


def test_azure_pipelines_anywhere_templates_expanded_and_tasks_mapped(catalogue):
    result = ci(
        {
            ".pipelines/ci.yml": AZURE_CI,
            ".pipelines/quality-template.yml": AZURE_TEMPLATE,
            "environment_setup/iac-pipeline.yml": AZURE_IAC,
            "environment_setup/unused-steps.yml": "steps:\n  - script: pytest\n",
        },
        catalogue,
    )
    quality = job(result, "quality")
    assert quality.triggers == {"change"} and quality.runs_here
    assert "python -m pytest tests/unit" in texts(quality)  # the caller's parameter
    assert ".pipelines/quality-template.yml" in result.templates
    assert not [j for j in result.jobs if j.file == ".pipelines/quality-template.yml"]
    unused = [j for j in result.jobs if j.file == "environment_setup/unused-steps.yml"]
    assert unused and not unused[0].runs_here, "a template nobody includes runs nowhere here"
    iac = next(j for j in result.jobs if j.file == "environment_setup/iac-pipeline.yml")
    commands = texts(iac)
    assert {"terraform apply", "docker build", "docker push"} <= set(commands)
    assert "python -m ml_service.build_train_pipeline" in commands  # AzureCLI inline script
    assert iac.paths == ["environment_setup/tf"]


def test_azure_ci_in_a_repository_is_run_by_ci(tmp_path, catalogue):
    root = repo(
        tmp_path,
        {
            ".pipelines/ci.yml": AZURE_CI,
            ".pipelines/quality-template.yml": AZURE_TEMPLATE,
            "src/churn/model.py": "def fit(x):\n    return x\n",
            "tests/unit/test_model.py": "def test_fit():\n    assert True\n",
        },
    )
    got = verdicts(scan_repository(root, catalogue))
    assert got["continuous-integration"] == ("implemented", "automatic")
    assert got["automated-testing"] == ("implemented", "automatic")
    assert got["static-analysis"] == ("implemented", "automatic")


def test_job_specs_scripts_and_task_runners_are_followed(tmp_path, catalogue):
    result = ci(
        {
            ".github/workflows/w.yml": """\
            on: [push]
            jobs:
              work:
                steps:
                  - run: anyscale jobs submit deploy/jobs/workloads.yaml --wait
                  - run: mise run check
                  - run: tox -e lint
            """,
            "deploy/jobs/workloads.yaml": "name: w\nentrypoint: bash deploy/jobs/workloads.sh\n",
            "deploy/jobs/workloads.sh": "pytest tests/data > out.txt\npython train.py\n",
            "mise.toml": '[tasks.check]\ndepends = ["lint"]\nrun = "uv run pytest"\n'
            '[tasks.lint]\nrun = "uv run ruff check ."\n',
            "tox.ini": "[tox]\nenvlist = lint\n[testenv:lint]\ncommands =\n    flake8 src\n",
        },
        catalogue,
    )
    work = job(result, "work")
    by_text = {c.text: c for c in work.commands}
    assert by_text["pytest tests/data > out.txt"].file == "deploy/jobs/workloads.sh"
    assert not by_text["pytest tests/data > out.txt"].blocking, "no set -e, not the last line"
    assert by_text["python train.py"].blocking
    assert {"uv run pytest", "uv run ruff check .", "flake8 src"} <= set(by_text)
    assert "deploy/jobs/workloads.sh" in result.runs and "train.py" not in result.runs


def test_tests_that_cannot_fail_the_job_are_partial(tmp_path, catalogue):
    root = repo(
        tmp_path,
        {
            ".github/workflows/w.yml": "on: [push]\njobs:\n  t:\n    steps:\n"
            "      - run: bash ci.sh\n",
            "ci.sh": "pytest tests || true\necho done\n",
            "tests/test_a.py": "def test_a():\n    assert True\n",
        },
    )
    assert verdicts(scan_repository(root, catalogue))["automated-testing"] == ("partial", None)


# -- monorepo scope --------------------------------------------------------------------------
MONOREPO_CI = """\
    on:
      pull_request:
        paths: ["proj-a/**"]
    jobs:
      test:
        defaults:
          run:
            working-directory: proj-a
        steps:
          - run: pytest tests
"""


def monorepo(root: Path) -> Path:
    return repo(
        root,
        {
            ".github/workflows/ci.yml": MONOREPO_CI,
            "proj-a/src/a.py": "def a():\n    return 1\n",
            "proj-a/tests/test_a.py": "def test_a():\n    assert True\n",
            "proj-b/src/b.py": "def b():\n    return 2\n",
            "proj-b/tests/test_b.py": "def test_b():\n    assert True\n",
        },
    )


def test_path_filters_and_working_directory_scope_ci(tmp_path, catalogue):
    root = monorepo(tmp_path)
    whole = verdicts(scan_repository(root, catalogue))
    assert whole["automated-testing"] == ("partial", None), "CI of one folder of a monorepo"
    a = scan_repository(root, catalogue, scope="proj-a")
    assert verdicts(a)["automated-testing"] == ("implemented", "automatic")
    assert [j.file for j in a.detection.ci.jobs] == [".github/workflows/ci.yml"]
    b = scan_repository(root, catalogue, scope="proj-b")
    assert b.detection.ci.jobs == [] and verdicts(b)["automated-testing"] == ("partial", None)


GO_TEMPLATE_CI = """\
    name: Bundle CI for {{ .input_project_name }}
    on:
      pull_request:
        paths: ['{{template `project_dir` .}}/**']
    env:
      {{ if (eq .input_cloud `azure`) -}}
      TOKEN: {{`${{ secrets.AZURE_TOKEN }}`}}
      {{- end }}
    jobs:
      validate:
        steps:
          - name: Check workflow files
            {{`run: ${{ steps.lint.outputs.executable }} -color`}}
          - run: databricks bundle deploy -t staging
"""


def test_project_template_ci_named_by_placeholders_is_read_as_the_generated_ci(tmp_path, catalogue):
    from cmlops_kg.scanner.paths import logical_path

    name = "template/{{.root}}/.github/workflows/{{.input_project_name}}-ci.yml.tmpl"
    assert logical_path(name) == ".github/workflows/project-ci.yml"
    assert logical_path("t/{{.root}}/src/train.py.tmpl") == "src/train.py"
    result = scan_repository(repo(tmp_path, {name: GO_TEMPLATE_CI}), catalogue)
    (parsed,) = result.detection.ci.jobs
    assert parsed.not_run.startswith("project template")
    # Go raw strings ({{`...`}}) are their text, so the step is YAML and keeps its command
    assert "${{ steps.lint.outputs.executable }} -color" in texts(parsed)
    assert not result.detection.ci.problems
    # the generated project's CI deploys on change; its path filter names the project itself,
    # not one folder of a monorepo, so it is configured (runs only in a generated project)
    assert verdicts(result)["deployment-automation"] == ("implemented", "manual")


def test_a_library_of_ci_building_blocks_shows_what_it_offers_as_partial(tmp_path, catalogue):
    block = """\
        on:
          workflow_call:
            inputs: {name: {type: string}}
        jobs:
          deploy:
            steps:
              - run: az ml online-deployment create --file deploy.yml
        """
    files = {
        ".github/workflows/deploy.yml": block,
        ".github/workflows/try.yml": block.replace("workflow_call:", "workflow_dispatch:"),
        "src/register_model.py": (
            "from azureml.core import Model\nModel.register(model_path='m', model_name='x')\n"
        ),
    }
    library = verdicts(scan_repository(repo(tmp_path / "library", files), catalogue))
    assert library["deployment-automation"] == ("partial", None)
    assert library["model-versioning"] == ("partial", None)
    assert library["version-control"] == ("implemented", "manual")  # its own git data
    files[".github/workflows/ci.yml"] = "on: [push]\njobs:\n  t:\n    steps:\n      - run: ls\n"
    project = verdicts(scan_repository(repo(tmp_path / "project", files), catalogue))
    assert project["model-versioning"] == ("implemented", "manual")


def test_scanning_a_folder_finds_the_repository_root_and_its_ci(tmp_path, catalogue):
    root = monorepo(tmp_path)
    result = scan_repository(root / "proj-a", catalogue)
    assert result.scope == "proj-a" and result.repository
    assert verdicts(result)["version-control"] == ("implemented", "manual")
    assert verdicts(result)["automated-testing"] == ("implemented", "automatic")
    assert all(not f.path.startswith("proj-b/") for v in result.verdicts for f in v.findings)


def test_scope_outside_or_missing_is_an_input_error(tmp_path, capsys):
    monorepo(tmp_path)
    assert main(["scan", str(tmp_path), "--scope", "../.."]) == 2
    assert main(["scan", str(tmp_path), "--scope", "no-such-folder"]) == 2
    err = capsys.readouterr().err
    assert "outside the repository" in err and "is not a folder" in err
    assert "Traceback" not in err


# -- what counts -----------------------------------------------------------------------------
def test_fixtures_vendored_code_docs_and_examples_show_only_testing_and_docs(tmp_path, catalogue):
    root = repo(
        tmp_path,
        {
            "tests/fixtures/dag.py": "from airflow import DAG\ndag = DAG('x')\n",
            "tests/test_dag.py": "def test_dag():\n    assert True\n",
            "vendor/lib/monitor.py": (
                "from evidently.metric_preset import DataDriftPreset\nDataDriftPreset()\n"
            ),
            "docs/serve.py": "@app.post('/predict')\ndef predict():\n    pass\n",
            "examples/track.py": "import mlflow\nmlflow.log_metric('auc', 0.9)\n",
            "tests/scan_fixtures.py": (
                'PIPELINE = """\nimport mlflow\nmlflow.log_metric("a", 1)\n"""\n'
            ),
            "src/app.py": "# from airflow import DAG\nprint('hello')\n",
        },
    )
    got = verdicts(scan_repository(root, catalogue))
    for practice in (
        "ml-pipeline-orchestration",
        "drift-monitoring",
        "model-serving",
        "experiment-tracking",
    ):
        assert practice not in got, practice
    assert got["automated-testing"] == ("partial", None)
    counted = verdicts(scan_repository(root, catalogue, count_paths=["**"]))
    assert counted["experiment-tracking"][0] == "implemented"  # examples/track.py
    assert "ml-pipeline-orchestration" in counted  # tests/fixtures/dag.py


def test_a_test_named_after_training_or_features_counts_only_if_it_touches_that_code(
    tmp_path, catalogue
):
    name_only = "def test_retraining_is_triggered_by_drift_words():\n    assert 'x'\n"
    got = verdicts(scan_repository(repo(tmp_path / "a", {"tests/test_t.py": name_only}), catalogue))
    assert "model-unit-tests" not in got
    touching = "import torch\n\n\n" + name_only
    got = verdicts(scan_repository(repo(tmp_path / "b", {"tests/test_t.py": touching}), catalogue))
    assert got["model-unit-tests"] == ("partial", None)
    docs = "from dataclasses import dataclass\n\n\ndef test_a_requirement_encodes_it():\n    ...\n"
    got = verdicts(scan_repository(repo(tmp_path / "c", {"tests/test_d.py": docs}), catalogue))
    assert "feature-engineering-tests" not in got
    features = "from shop.features import encode\n\n\n" + docs
    got = verdicts(scan_repository(repo(tmp_path / "d", {"tests/test_d.py": features}), catalogue))
    assert got["feature-engineering-tests"] == ("partial", None)


def test_demos_are_examples_and_prow_workflows_are_partial_ci(tmp_path, catalogue):
    files = {
        "demos/cd/app.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Application\n",
        "prow_config.yaml": "workflows:\n  - name: e2e\n    job_types:\n    - presubmit\n",
    }
    got = verdicts(scan_repository(repo(tmp_path, files), catalogue))
    assert "continuous-delivery" not in got and "deployment-automation" not in got
    assert got["continuous-integration"] == ("partial", None)


def test_slices_need_slicing_and_rollouts_are_part_of_progressive_delivery(tmp_path, catalogue):
    overall = "import tensorflow_model_analysis as tfma\nspecs = [tfma.SlicingSpec()]\n"
    sliced = overall + "by_region = tfma.SlicingSpec(feature_keys=['region'])\n"
    files = {"eval/overall.py": overall, "service.yaml": "rollout_strategy: ROLLOUT\n"}
    got = verdicts(scan_repository(repo(tmp_path / "a", files), catalogue))
    assert "slice-based-evaluation" not in got
    assert got["progressive-delivery"] == ("partial", None)
    got = verdicts(scan_repository(repo(tmp_path / "b", {"eval/s.py": sliced}), catalogue))
    assert got["slice-based-evaluation"] == ("implemented", "manual")
    snorkel = "from snorkel.slicing import slicing_function\n"
    got = verdicts(scan_repository(repo(tmp_path / "c", {"eval/s.py": snorkel}), catalogue))
    assert got["slice-based-evaluation"] == ("partial", None)


def test_a_gate_comparing_named_metrics_that_cancels_the_run_a_few_lines_on(tmp_path, catalogue):
    gate = """\
        if new_model_mse < production_model_mse:
            print("new model is better")
            register(model)
        else:
            print("new model is worse")
            print("not registering it")
            run.parent.cancel()
        """
    got = verdicts(scan_repository(repo(tmp_path, {"evaluate/evaluate_model.py": gate}), catalogue))
    assert got["model-validation-gate"] == ("partial", None)
    far = gate.replace('print("not registering it")', "\n".join(["pass"] * 12))
    got = verdicts(scan_repository(repo(tmp_path / "far", {"evaluate/e.py": far}), catalogue))
    assert "model-validation-gate" not in got


WORKFLOW = ".github/workflows/w.yml"


def test_a_job_named_lint_is_no_linter_and_formatting_alone_is_partial(tmp_path, catalogue):
    named = "on: [push]\njobs:\n  lint:\n    steps:\n      - run: echo hello\n"
    got = verdicts(scan_repository(repo(tmp_path / "a", {WORKFLOW: named}), catalogue))
    assert "static-analysis" not in got
    black = named.replace("echo hello", "pytest tests --black")
    got = verdicts(scan_repository(repo(tmp_path / "b", {WORKFLOW: black}), catalogue))
    assert got["static-analysis"] == ("partial", None)
    ruff = named.replace("echo hello", "ruff check .")
    got = verdicts(scan_repository(repo(tmp_path / "c", {WORKFLOW: ruff}), catalogue))
    assert got["static-analysis"] == ("implemented", "automatic")


def test_importing_a_metric_is_not_measuring_it(tmp_path, catalogue):
    imported = "from sklearn.metrics import confusion_matrix\n\n\ndef balance(x_test):\n    ...\n"
    got = verdicts(scan_repository(repo(tmp_path / "a", {"lib/balance.py": imported}), catalogue))
    assert "training-objective-metric" not in got and "model-evaluation-baseline" not in got
    called = imported + "score = f1_score(y_test, model.predict(x_test))\n"
    got = verdicts(scan_repository(repo(tmp_path / "b", {"src/evaluate.py": called}), catalogue))
    assert got["training-objective-metric"] == ("partial", None)
    assert got["model-evaluation-baseline"] == ("partial", None)


def test_naming_a_file_is_not_running_it(tmp_path, catalogue):
    files = {
        ".github/workflows/w.yml": "on: [push]\njobs:\n  r:\n    steps:\n"
        "      - run: git checkout $PREVIOUS_REF -- dvc.lock\n"
        "      - run: cat data/raw.csv.dvc\n",
        "dvc.lock": "schema: '2.0'\nstages:\n  train:\n    outs:\n    - path: model.pkl\n"
        "      md5: 0cc175b9c0f1b6a831c399e269772661\n",
        "data/raw.csv.dvc": "outs:\n- md5: 0cc175b9c0f1b6a831c399e269772661\n  path: raw.csv\n",
    }
    named = verdicts(scan_repository(repo(tmp_path / "named", files), catalogue))
    assert named["data-versioning"] == ("implemented", "manual")
    files[".github/workflows/w.yml"] += "      - run: dvc pull\n"
    pulled = verdicts(scan_repository(repo(tmp_path / "pulled", files), catalogue))
    assert pulled["data-versioning"] == ("implemented", "automatic")


def test_a_tree_that_is_not_a_repository_warns_and_says_unknown(tmp_path, catalogue, capsys):
    write(tmp_path / "one", {"README.md": "# one\n", "train.py": "model.fit(x)\n"})
    (tmp_path / "two" / ".git").mkdir(parents=True)
    (tmp_path / "three" / ".git").mkdir(parents=True)
    result = scan_repository(tmp_path, catalogue)
    assert not result.repository and "version-control" not in verdicts(result)
    assert any("not in a Git repository" in w for w in result.warnings)
    assert any("2 separate repositories" in w for w in result.warnings)
    data = document(result)
    (vc,) = [c for c in data["coverage"] if c["practice"].endswith("#version-control")]
    assert (vc["state"], vc["reason"]) == ("unknown", "the scanned tree is not a Git repository")
    assert main(["scan", str(tmp_path)]) == 0
    assert "warning: " in capsys.readouterr().err


# -- git refs --------------------------------------------------------------------------------
def test_registry_and_release_tags_are_read_from_git(tmp_path, catalogue):
    root = repo(tmp_path, {"README.md": "# churn\n", "dvc.yaml": "artifacts:\n  churn:\n"})
    git_refs(
        root,
        packed=["refs/tags/churn@v1.0.0", "refs/tags/v2.3.0", "refs/heads/main"],
        loose=["refs/tags/churn#prod#1", "refs/exps/06/ab/exp-1"],
    )
    result = scan_repository(root, catalogue)
    assert result.detection.refs == 5
    got = verdicts(result)
    assert got["model-registry"] == ("implemented", "manual")  # GTO stage tag
    assert got["model-versioning"] == ("partial", None)
    assert got["build-automation"] == ("partial", None)  # release tag v2.3.0
    assert got["hyperparameter-tuning"] == ("partial", None)  # DVC experiment refs
    registry = next(v for v in result.verdicts if v.key == "model-registry")
    assert registry.findings[0].path == ".git/refs/tags/churn#prod#1"


def test_a_worktree_reads_the_shared_git_directory(tmp_path, catalogue):
    main_repo = repo(tmp_path / "main", {"README.md": "# x\n"})
    git_refs(main_repo, packed=["refs/tags/v1.0.0"])
    worktree_git = main_repo / ".git" / "worktrees" / "wt"
    worktree_git.mkdir(parents=True)
    (worktree_git / "commondir").write_text("../..\n")
    wt = tmp_path / "wt"
    write(wt, {".git": f"gitdir: {worktree_git}\n", "README.md": "# x\n"})
    result = scan_repository(wt, catalogue)
    assert result.repository and result.detection.refs == 1
    assert verdicts(result)["version-control"] == ("implemented", "manual")


# -- vocabulary ------------------------------------------------------------------------------
GATE = """\
    import json
    import sys

    metrics = json.load(open("metrics.json"))
    if metrics["auc"] < 0.8:
        sys.exit(1)
"""


def test_a_hand_written_gate_run_by_ci_is_an_automated_gate(tmp_path, catalogue):
    files = {"src/evaluate.py": GATE, "README.md": "# x\n"}
    alone = verdicts(scan_repository(repo(tmp_path / "alone", files), catalogue))
    assert alone["model-validation-gate"] == ("partial", None)
    files[".github/workflows/w.yml"] = (
        "on: [push]\njobs:\n  e:\n    steps:\n      - run: python src/evaluate.py\n"
    )
    run = verdicts(scan_repository(repo(tmp_path / "run", files), catalogue))
    assert run["model-validation-gate"] == ("implemented", "automatic")


def test_environment_lock_and_serving_vocabulary(tmp_path, catalogue):
    root = repo(
        tmp_path,
        {
            ".github/workflows/ci.yml": "on: [push]\njobs:\n  t:\n    steps:\n"
            "      - run: pipenv install --dev\n      - run: pipenv run pytest\n",
            "Pipfile": "[packages]\nscikit-learn = '*'\n",
            "Pipfile.lock": '{"_meta": {}}\n',
            "Dockerfile": "FROM python:3.11.4-slim\nCOPY requirements.txt .\n"
            "RUN pip install -r requirements.txt\n",
            "requirements.txt": "scikit-learn==1.4.0\n",
            "environment_setup/conda_dependencies.yml": "dependencies:\n  - python=3.8\n"
            "  - pip:\n    - azureml-sdk==1.27.*\n",
            "lambda_function.py": "def lambda_handler(event, context):\n"
            "    return {'prediction': model.predict(event['x'])}\n",
            "charts/model/templates/vs.yaml": "apiVersion: networking.istio.io/v1\n"
            "kind: VirtualService\nspec:\n  http:\n  - route:\n"
            "    - weight: {{ .Values.weight.blue }}\n",
            "tests/test_x.py": "def test_x():\n    assert True\n",
        },
    )
    got = verdicts(scan_repository(root, catalogue))
    assert got["dependency-management"] == ("implemented", "automatic")  # pipenv install
    assert got["reproducible-training"] == ("partial", None)  # image + pinned requirements
    assert got["managed-ml-environments"][0] in ("partial", "implemented")
    assert got["model-serving"] == ("implemented", "manual")  # serverless handler
    assert got["progressive-delivery"] == ("partial", None)  # Helm-templated weight


# -- secrets ---------------------------------------------------------------------------------
SECRET_AWS = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SECRET_GH = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def test_job_bundles_declare_monitoring_and_retraining_on_violation(tmp_path, catalogue):
    bundle = """\
        resources:
          quality_monitors:
            churn_monitor:
              table_name: main.churn.inference
              inference_log:
                prediction_col: prediction
                label_col: churned
          jobs:
            retraining_job:
              job_clusters:
                - job_cluster_key: train
                  new_cluster: {spark_version: 15.3.x-cpu-ml-scala2.12, num_workers: 2}
              tasks:
                - task_key: check
                  notebook_task:
                    notebook_path: ../monitoring/Check.py
                    base_parameters: {metric_to_monitor: rmse, metric_violation_threshold: 100}
                - task_key: is_metric_violated
                  condition_task: {op: EQUAL_TO, left: "{{tasks.check.values.violated}}"}
                - task_key: retrain
                  run_job_task: {job_id: 42}
        """
    got = verdicts(scan_repository(repo(tmp_path, {"resources/monitoring.yml": bundle}), catalogue))
    for practice in (
        "drift-monitoring",
        "model-performance-monitoring",
        "drift-triggered-retraining",
        "managed-training-compute",
    ):
        assert got[practice] == ("implemented", "manual"), practice
    calm = bundle.replace("run_job_task: {job_id: 42}", "notebook_task: {notebook_path: a.py}")
    got = verdicts(scan_repository(repo(tmp_path / "calm", {"resources/m.yml": calm}), catalogue))
    assert "drift-triggered-retraining" not in got


def test_flow_tags_grids_images_dbt_tests_and_serverless_resources(tmp_path, catalogue):
    flow = """\
        from metaflow import FlowSpec, Flow, batch, card, current, step

        class TrainFlow(FlowSpec):
            @step
            def start(self):
                self.param_sets = [{"lr": 0.1}, {"lr": 0.01}]
                self.next(self.train, foreach="param_sets")

            @card
            @batch(gpu=1, image="public.ecr.aws/org/train:1")
            @step
            def train(self):
                self.next(self.end)

            @step
            def end(self):
                Flow(current.flow_name)[current.run_id].add_tag("deployment_candidate")
        """
    schema = """\
        version: 2
        models:
          - name: orders
            columns:
              - name: order_id
                tests:
                  - unique
                  - not_null
        """
    service = """\
        service: recs
        provider:
          name: aws
          iamRoleStatements:
            - {Effect: Allow, Action: ["dynamodb:GetItem"], Resource: "*"}
        functions:
          recs: {handler: handler.handler}
        resources:
          Resources:
            table: {Type: "AWS::DynamoDB::Table"}
        """
    files = {"flow.py": flow, "dbt/models/schema.yml": schema, "serverless.yml": service}
    got = verdicts(scan_repository(repo(tmp_path, files), catalogue))
    assert got["hyperparameter-tuning"] == ("implemented", "manual")
    assert got["managed-training-compute"] == ("implemented", "manual")  # @batch(gpu=1)
    deploy = "from sagemaker.huggingface import HuggingFaceModel\nHuggingFaceModel(m).deploy()\n"
    deployed = verdicts(scan_repository(repo(tmp_path / "d", {"deploy.py": deploy}), catalogue))
    assert "managed-training-compute" not in deployed  # a model class for serving, not training
    for practice in (
        "model-registry",
        "containerisation",
        "model-debuggability",
        "data-validation",
        "infrastructure-as-code",
    ):
        assert got[practice] == ("partial", None), practice


def test_secrets_never_leave_the_scan(tmp_path, catalogue, capsys):
    root = repo(
        tmp_path,
        {
            ".github/workflows/w.yml": textwrap.dedent(
                f"""\
                on: [push]
                jobs:
                  deploy:
                    name: deploy token={SECRET_GH}
                    steps:
                      - run: AWS_SECRET_ACCESS_KEY={SECRET_AWS} kubectl apply -f k8s/
                      - run: docker login -p AKIAIOSFODNN7EXAMPLE && docker push x/y
                """
            ),
            "k8s/d.yaml": "apiVersion: apps/v1\nkind: Deployment\n",
            "train.py": f'import mlflow\nmlflow.set_tracking_uri("https://u:{SECRET_AWS}@h")\n'
            "mlflow.log_param('a', 1)\n",
        },
    )
    result = scan_repository(root, catalogue)
    profile = build_profile(result.verdicts, "urn:cmlops:repo:x", "x", dt.date(2026, 1, 1), "t")
    turtle = profile_turtle(profile)
    outputs = [
        json.dumps(document(result, explain=True)),
        explanation(result),
        turtle.decode() if isinstance(turtle, bytes) else turtle,
    ]
    assert main(["scan", str(root), "--format", "json"]) == 0
    outputs.append(capsys.readouterr().out)
    for text in outputs:
        for secret in (SECRET_AWS, SECRET_GH, "AKIAIOSFODNN7EXAMPLE", "K7MDENG/bPxRfiCY"):
            assert secret not in text
    assert "kubectl apply" in outputs[1], "redaction keeps the command readable"


# -- this project's own repository ---------------------------------------------------------
# What a scan of cmlops-kg may claim, and why the code shows it. Nothing here trains, serves
# or monitors a model: the ML vocabulary in tests/scan_repos.py, the corpus under benchmarks/
# and the signal data in ontology/signals.ttl is fixture and vocabulary data, not practice.
SELF_CLAIMS = {
    # the repository is a Git repository (a .git directory, or a worktree's .git file)
    "version-control": ("implemented", "manual"),
    # pytest suites under tests/; .ci/run is run by a CI service configured outside the
    # repository, so no CI job is seen running them: partial
    "automated-testing": ("partial", None),
    # ruff is configured in pyproject.toml and run by the Makefile, not by a CI job seen here
    "static-analysis": ("partial", None),
    # pyproject.toml has a [build-system]; no CI job builds or publishes packages
    "build-automation": ("partial", None),
    # a README (and docs/), but no changelog or release notes
    "documentation": ("partial", None),
    # settings of the app live in .streamlit/config.toml
    "configuration-management": ("partial", None),
    # requirements-dev.lock pins every dependency (the Makefile installs with -c from it);
    # no CI job is seen installing from it, so only its presence shows
    "dependency-management": ("partial", None),
    # the [lab] extra declares MLflow and Pandera, the tools of the lab's example ML system
    # (its code under cmlops_kg/lab/ is declared examples): a dependency alone is presence,
    # stated as unknown
    "experiment-tracking": ("partial", None),
    "data-validation": ("partial", None),
}


def test_the_scan_of_this_repository_claims_only_what_its_code_does(catalogue):
    from cmlops_kg.resources import ROOT

    result = scan_repository(ROOT, catalogue)
    claims = {v.key: (v.status, v.mode) for v in result.verdicts}
    assert claims == SELF_CLAIMS, {
        k: (claims.get(k), SELF_CLAIMS.get(k))
        for k in set(claims) | set(SELF_CLAIMS)
        if claims.get(k) != SELF_CLAIMS.get(k)
    }


# -- model v2's answers: presence is unknown, a part run by CI is partial ----------------------
def test_presence_is_stated_unknown_and_a_part_run_by_ci_partial(tmp_path, catalogue):
    files = {
        WORKFLOW: "on: [push]\njobs:\n  t:\n    steps:\n      - run: bash ci.sh\n",
        "ci.sh": "pytest tests || true\necho done\n",
        "tests/test_app.py": "def test_app():\n    assert 1 + 1 == 2\n",
        "requirements.txt": "requests==2.31.0\n",
    }
    result = scan_repository(repo(tmp_path, files), catalogue)
    by_key = {v.key: v for v in result.verdicts}
    testing, deps = by_key["automated-testing"], by_key["dependency-management"]
    assert (testing.status, testing.evidence_status) == ("partial", "partial")  # CI runs it
    assert (deps.status, deps.evidence_status) == ("partial", "unknown")  # a file exists
    profile = build_profile(result.verdicts, "urn:cmlops:repo:x", "x", dt.date(2026, 1, 1), "t")
    stated = {
        t.subject.value.rsplit("/", 1)[-1]: t.object.value.rsplit("#", 1)[-1]
        for t in profile.triples
        if t.predicate.value.endswith("#status")
    }
    assert stated["automated-testing"] == "status-partial"
    # model v2 has the answer "unknown"; an earlier model gets "partial", which it accepts
    expected = "status-unknown" if model_knows_unknown() else "status-partial"
    assert stated["dependency-management"] == expected
    assert validate_profile(profile).conforms
    data = document(result)
    (entry,) = [p for p in data["practices"] if p["practice"].endswith("#dependency-management")]
    assert entry["evidence_status"] == "unknown"
    assert "(stated as unknown)" in explanation(result)


def test_a_ci_job_around_a_practice_is_presence_not_a_known_partial(tmp_path, catalogue):
    # a job on pull requests says nothing of required approvals, a stored secret handed to a
    # job nothing of how secrets are kept: both read partial, stated as unknown, so a scan of a
    # well-run repository keeps its potential instead of reading "known not met"
    files = {
        WORKFLOW: (
            "on: [pull_request]\njobs:\n  t:\n    steps:\n      - uses: actions/checkout@v4\n"
            "      - run: pytest tests\n        env:\n          TOKEN: ${{ secrets.API_TOKEN }}\n"
        ),
        "tests/test_app.py": "def test_app():\n    assert 1 + 1 == 2\n",
    }
    result = scan_repository(repo(tmp_path, files), catalogue)
    by_key = {v.key: v for v in result.verdicts}
    review = by_key["code-review"]
    assert review.status == "partial" and review.evidence_status == "unknown"
    assert any(f.runs_here for f in review.findings)  # CI runs around it, not the practice
    if "secrets-management" in by_key and by_key["secrets-management"].status == "partial":
        assert by_key["secrets-management"].evidence_status == "unknown"
    assert by_key["automated-testing"].evidence_status == by_key["automated-testing"].status


def test_requests_to_any_server_are_not_prediction_service_tests(tmp_path, catalogue):
    """A test that calls a database's or a SPARQL server's endpoint tests no prediction
    service; one that posts a sample to a scoring endpoint does."""
    other = {
        "tests/test_store.py": (
            "import urllib.request\n"
            "def test_store(endpoint):\n"
            "    urllib.request.urlopen(f'{endpoint.url}/query?query=ASK{}')\n"
        )
    }
    scoring = {
        "tests/test_service.py": (
            "import requests\n"
            "def test_service(online_endpoint):\n"
            "    url = online_endpoint.uri\n"
            "    assert requests.post(url, json={'data': [[1, 2]]}).ok\n"
        )
    }
    for files, expected in ((other, None), (scoring, "partial")):
        result = scan_repository(repo(tmp_path / str(len(files) + id(files)), files), catalogue)
        by_key = {v.key: v.status for v in result.verdicts}
        assert by_key.get("prediction-service-tests") == expected, files


def test_a_building_block_library_s_workflow_files_are_payload_too(tmp_path, catalogue):
    # .github/workflows/... is not the library's own git data (.git/...): a reusable workflow
    # that provisions compute or registers data offers that to callers, it is not practised
    block = """\
        on:
          workflow_call:
            inputs: {name: {type: string}}
        jobs:
          compute:
            steps:
              - run: az ml compute create --name cpu --type AmlCompute --min-instances 0
        """
    files = {".github/workflows/create-compute.yml": block}
    library = verdicts(scan_repository(repo(tmp_path / "library", files), catalogue))
    assert library["managed-training-compute"] == ("partial", None)
    assert library["version-control"] == ("implemented", "manual")


def _notebook(code: str) -> str:
    return json.dumps(
        {"cells": [{"cell_type": "code", "source": code.splitlines(True)}], "nbformat": 4}
    )


def test_a_notebook_collection_shows_no_product_practices(tmp_path, catalogue):
    # a book's companion: only notebooks (and a Jupyter config), a Dockerfile for readers
    files = {
        "01_search.ipynb": _notebook(
            "from sklearn.model_selection import GridSearchCV\n"
            "grid_search = GridSearchCV(clf, param_grid, cv=5)\ngrid_search.fit(X, y)\n"
        ),
        "02_deploy.ipynb": _notebook("import tensorflow as tf\ntf.saved_model.save(model, p)\n"),
        "docker/Dockerfile": "FROM python:3.11\nCOPY requirements.txt .\n",
        "docker/jupyter_notebook_config.py": "c.NotebookApp.ip = '0.0.0.0'\n",
        "requirements.txt": "scikit-learn~=1.3\n",
    }
    book = verdicts(scan_repository(repo(tmp_path / "book", files), catalogue))
    assert "hyperparameter-tuning" not in book and "model-packaging" not in book
    assert "build-automation" not in book
    assert book["version-control"] == ("implemented", "manual")
    assert "dependency-management" in book
    # the same notebooks next to code modules of a project are that project's procedure
    files["src/train.py"] = "import pandas as pd\n"
    project = verdicts(scan_repository(repo(tmp_path / "project", files), catalogue))
    assert project["hyperparameter-tuning"][0] == "implemented"
    assert "model-packaging" in project


def test_syncing_a_data_folder_to_a_bucket_publishes_no_artefacts(tmp_path, catalogue):
    # copying data/ to or from object storage shares data sets; it publishes no build outputs
    makefile = (
        "sync_data_down:\n\taws s3 sync s3://bucket/data/ data/\n"
        "sync_data_up:\n\tgsutil -m rsync -r data/ gs://bucket/data/\n"
    )
    data = verdicts(scan_repository(repo(tmp_path / "data", {"Makefile": makefile}), catalogue))
    assert "artifact-repository" not in data
    makefile += "publish:\n\taws s3 cp dist/model.tar.gz s3://bucket/models/\n"
    models = verdicts(scan_repository(repo(tmp_path / "models", {"Makefile": makefile}), catalogue))
    assert models["artifact-repository"] == ("partial", None)


def test_a_pickle_round_trip_in_a_test_loads_no_delivered_model(tmp_path, catalogue):
    round_trip = """\
        import joblib
        def test_pickling(tmp_path):
            pipe = make_pipeline().fit(X, y)
            joblib.dump(pipe, tmp_path / "p.pkl")
            assert joblib.load(tmp_path / "p.pkl").predict(X) is not None
        """
    delivered = """\
        import joblib
        def test_model():
            model = joblib.load("models/model.pkl")
            assert model.predict(X).shape == (3,)
        """
    ci = "on: [push]\njobs:\n  t:\n    steps:\n      - run: pytest\n"
    files = {".github/workflows/ci.yml": ci, "tests/test_pickling.py": round_trip}
    lib = verdicts(scan_repository(repo(tmp_path / "lib", files), catalogue))
    assert "model-integration-tests" not in lib
    files["tests/test_model.py"] = delivered
    app = verdicts(scan_repository(repo(tmp_path / "app", files), catalogue))
    assert app["model-integration-tests"] == ("implemented", "automatic")


def test_a_tracker_behind_a_flag_off_by_default_is_optional_tracking(tmp_path, catalogue):
    train = """\
        wandb_log = False  # disabled by default
        wandb_project = "owt"
        if wandb_log:
            import wandb
            wandb.init(project=wandb_project)
        """
    optional = verdicts(scan_repository(repo(tmp_path / "opt", {"train.py": train}), catalogue))
    assert optional["experiment-tracking"] == ("partial", None)
    always = train.replace("wandb_log = False", "wandb_log = True")
    tracked = verdicts(scan_repository(repo(tmp_path / "on", {"train.py": always}), catalogue))
    assert tracked["experiment-tracking"] == ("implemented", "manual")


def test_getting_an_azure_ml_run_context_without_logging_tracks_nothing(tmp_path, catalogue):
    register = "from azureml.core import Run\nrun = Run.get_context()\nws = run.experiment\n"
    files = {"src/register_model.py": register}
    handle = verdicts(scan_repository(repo(tmp_path / "handle", files), catalogue))
    assert "experiment-tracking" not in handle
    files["src/train.py"] = (
        "run = Run.get_context()\nfor k, v in metrics.items():\n    run.log(k, v)\n"
    )
    logged = verdicts(scan_repository(repo(tmp_path / "logged", files), catalogue))
    assert logged["experiment-tracking"] == ("implemented", "manual")


def test_a_bucket_uri_naming_a_model_file_is_no_shared_data(tmp_path, catalogue):
    models = "artifacts:\n  seg:\n    type: model\n    path: s3://corp/ml/segm-model-2022.pt\n"
    only = verdicts(scan_repository(repo(tmp_path / "m", {"dvc.yaml": models}), catalogue))
    assert "shared-data-access" not in only
    data = models + "  train:\n    type: dataset\n    path: s3://corp/ml/train/\n"
    both = verdicts(scan_repository(repo(tmp_path / "d", {"dvc.yaml": data}), catalogue))
    assert both["shared-data-access"] == ("partial", None)


def test_data_validation_in_test_code_shows_the_practice_only_in_part(tmp_path, catalogue):
    # expectations in tests check a sample in a test run, not the data entering training
    check = "import great_expectations as ge\ndf = ge.from_pandas(frame)\n"
    ci = "on: [push]\njobs:\n  t:\n    steps:\n      - run: pytest tests\n"
    files = {".github/workflows/ci.yml": ci, "tests/data/test_dataset.py": check}
    tests = verdicts(scan_repository(repo(tmp_path / "tests", files), catalogue))
    assert tests["data-validation"] == ("partial", None)
    files["src/pipeline/validate.py"] = check
    pipeline = verdicts(scan_repository(repo(tmp_path / "pipeline", files), catalogue))
    assert pipeline["data-validation"][0] == "implemented"


def test_mlflow_s_model_version_class_is_not_the_zenml_control_plane(tmp_path, catalogue):
    mlflow_code = (
        "import mlflow\nVersion = mlflow.entities.model_registry.ModelVersion\n"
        "def register(name, uri):\n    return mlflow.register_model(name=name, model_uri=uri)\n"
    )
    files = {"src/registries.py": mlflow_code}
    mlflow_only = verdicts(scan_repository(repo(tmp_path / "mlflow", files), catalogue))
    assert mlflow_only["model-registry"] == ("partial", None)
    files["steps/promote.py"] = "from zenml import Model\nfrom zenml.enums import ModelStages\n"
    zenml = verdicts(scan_repository(repo(tmp_path / "zenml", files), catalogue))
    assert zenml["model-registry"] == ("implemented", "manual")


def test_a_baseline_scored_on_the_same_data_is_a_baseline_comparison(tmp_path, catalogue):
    metrics = "from sklearn.metrics import accuracy_score\nacc = accuracy_score(y_val, preds)\n"
    files = {"flows/evaluate.py": metrics}
    alone = verdicts(scan_repository(repo(tmp_path / "alone", files), catalogue))
    assert alone["model-evaluation-baseline"] == ("partial", None)
    files["flows/evaluate.py"] = metrics + (
        "baseline_predictions = [1] * len(y_val)\n"
        "base_acc = accuracy_score(\n    y_val, baseline_predictions)\n"
    )
    both = verdicts(scan_repository(repo(tmp_path / "both", files), catalogue))
    assert both["model-evaluation-baseline"] == ("implemented", "manual")


def test_a_test_deployment_step_template_invokes_the_endpoint(tmp_path, catalogue):
    pipeline = """\
        trigger: none
        resources:
          repositories:
            - repository: mlops-templates
              type: github
              name: org/mlops-templates
        stages:
          - stage: Deploy
            jobs:
              - job: DeployOnlineEndpoint
                steps:
                  - template: templates/${{ variables.v }}/create-deployment.yml@mlops-templates
                  - template: templates/${{ variables.v }}/test-deployment.yml@mlops-templates
                    parameters:
                      sample_request: data/request.json
        """
    files = {"mlops/devops-pipelines/deploy-online-endpoint-pipeline.yml": pipeline}
    found = verdicts(scan_repository(repo(tmp_path / "p", files), catalogue))
    assert found["model-integration-tests"] == ("partial", None)


def test_a_docs_site_config_next_to_code_is_documentation_tooling(tmp_path, catalogue):
    site = {
        "mkdocs.yaml": "site_name: Guide\nnav:\n  - Home: index.md\n",
        "docs/index.md": "# Hi\n",
    }
    only_site = verdicts(scan_repository(repo(tmp_path / "site", site), catalogue))
    assert only_site["configuration-management"] == ("partial", None)
    library = {**site, "pkg/estimators.py": "def fit(X, y):\n    return X\n"}
    lib = verdicts(scan_repository(repo(tmp_path / "lib", library), catalogue))
    assert "configuration-management" not in lib


def test_a_dockerfile_of_a_repository_without_code_is_no_training_environment(tmp_path, catalogue):
    files = {
        "Dockerfile": "FROM python:3.13\nCOPY requirements-freeze.txt .\n"
        "RUN pip install -r requirements-freeze.txt\n",
        "requirements-freeze.txt": "mkdocs==1.6.1\n",
        "docs/index.md": "# Guide\n",
    }
    site = verdicts(scan_repository(repo(tmp_path / "site", files), catalogue))
    assert "reproducible-training" not in site
    assert "containerisation" in site
    files["src/train.py"] = "model.fit(X, y)\n"
    project = verdicts(scan_repository(repo(tmp_path / "project", files), catalogue))
    assert project["reproducible-training"] == ("partial", None)


def test_seeding_from_a_caller_s_optional_parameter_is_no_fixed_seed(tmp_path, catalogue):
    offered = (
        "import numpy as np\ndef make_series(n, seed=None):\n"
        "    if seed:\n        np.random.seed(seed)\n"
    )
    lib = verdicts(scan_repository(repo(tmp_path / "lib", {"pkg/data.py": offered}), catalogue))
    assert "reproducible-training" not in lib
    fixed = "import numpy as np\ndef set_seeds(seed: int = 42):\n    np.random.seed(seed)\n"
    run = verdicts(scan_repository(repo(tmp_path / "run", {"src/utils.py": fixed}), catalogue))
    assert run["reproducible-training"] == ("partial", None)


def test_loaders_of_data_bundled_with_a_package_are_no_data_preparation(tmp_path, catalogue):
    loader = (
        "import importlib.resources as importlib_resources\nimport pandas as pd\n"
        "def load_penguins():\n"
        "    return pd.read_csv(importlib_resources.files('pkg') / 'data' / 'penguins.zip')\n"
    )
    lib = verdicts(scan_repository(repo(tmp_path / "lib", {"pkg/datasets.py": loader}), catalogue))
    assert "automated-data-pipeline" not in lib
    prepare = "import pandas as pd\ndf = pd.read_csv('data/raw.csv').dropna()\n"
    own = verdicts(scan_repository(repo(tmp_path / "own", {"src/prepare.py": prepare}), catalogue))
    assert own["automated-data-pipeline"] == ("partial", None)


def _cloudbuild_repo(root: Path, submitted: bool, catalogue):
    build = """\
        steps:
          - name: gcr.io/cloud-builders/docker
            args: [build, -t, $_IMAGE, .]
          - name: gcr.io/cloud-builders/docker
            args: [push, $_IMAGE]
        """
    files = {"build/pipeline-deployment.yaml": build, "Dockerfile": "FROM python:3.11\n"}
    if submitted:
        files["01-run.ipynb"] = _notebook(
            "!gcloud builds submit --config build/pipeline-deployment.yaml --substitutions x=y\n"
        )
    return verdicts(scan_repository(repo(root, files), catalogue))


def test_a_cloud_build_config_the_repository_submits_by_hand_is_a_manual_build(tmp_path, catalogue):
    # without a submit command the config runs on a trigger of the cloud project
    triggered = _cloudbuild_repo(tmp_path / "triggered", False, catalogue)
    assert triggered["build-automation"] == ("implemented", "manual")
    assert triggered["artifact-repository"] == ("implemented", "manual")
    # a notebook submitting it with gcloud builds submit --config: a build started by hand
    by_hand = _cloudbuild_repo(tmp_path / "by-hand", True, catalogue)
    assert by_hand["build-automation"] == ("partial", None)
    assert by_hand["artifact-repository"] == ("partial", None)


def test_a_dvc_remote_keeps_outputs_out_of_git(tmp_path, catalogue):
    config = "[core]\n    remote = store\n['remote \"store\"']\n    url = s3://bucket/dvc\n"
    found = verdicts(scan_repository(repo(tmp_path / "r", {".dvc/config": config}), catalogue))
    assert found["artifact-repository"] == ("partial", None)
    assert found["shared-data-access"] == ("implemented", "manual")


def test_dvc_stages_with_outputs_are_a_scripted_build_of_them(tmp_path, catalogue):
    dvc = (
        "stages:\n  train:\n    cmd: python train.py\n    deps: [train.py]\n    outs: [model.pkl]\n"
    )
    found = verdicts(scan_repository(repo(tmp_path / "r", {"dvc.yaml": dvc}), catalogue))
    assert found["build-automation"] == ("partial", None)


def test_logical_paths_of_a_tree_are_those_of_each_path():
    """detect() asks once for all paths (most trees hold no template); the answer is the one
    logical_path gives each of them."""
    from cmlops_kg.scanner.paths import logical_path, logical_paths

    names = ["src/train.py", "a/{{.root}}/ci.yml", "x.J2", "README.md", "t/b.yml.tmpl", "{x}"]
    for n in range(len(names) + 1):
        some = [*names[:n], "plain.txt"]
        expected = {p: lp for p in some if (lp := logical_path(p)) is not None}
        assert logical_paths(some) == expected
    assert logical_paths(["src/a.py", "docs/b.md"]) == {}

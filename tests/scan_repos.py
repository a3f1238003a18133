"""Small repositories for the scanner tests, generated into temporary directories.

Each case is a builder plus what a scan of it must say: the evidence per practice (status,
mode), the practices that must stay unknown (no evidence), and the overall level the
assessment engine computes from the scan's profile. A new case is data here, not a new test.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Files = dict[str, str | bytes]


def write(root: Path, files: Files) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def git_index(root: Path, tracked: list[str], version: int = 2) -> None:
    """A .git directory whose index (format v2) lists ``tracked``, as `git add` would."""
    git = root / ".git"
    git.mkdir(exist_ok=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    entries = b""
    for rel in sorted(tracked):
        name = rel.encode("utf-8")
        fixed = struct.pack(">10I", 0, 0, 0, 0, 0, 0, 0o100644, 0, 0, 0) + b"\x00" * 20
        entry = fixed + struct.pack(">H", min(len(name), 0xFFF)) + name
        entries += entry + b"\x00" * (8 - len(entry) % 8)
    body = b"DIRC" + struct.pack(">II", version, len(tracked)) + entries
    (git / "index").write_bytes(body + hashlib.sha1(body).digest())


def git_refs(root: Path, packed: list[str] = (), loose: list[str] = ()) -> None:  # type: ignore[assignment]
    """Refs as git keeps them: a packed-refs file (with a peeled line, as annotated tags have)
    and loose ref files under .git/refs/."""
    git = root / ".git"
    git.mkdir(exist_ok=True)
    lines = ["# pack-refs with: peeled fully-peeled sorted"]
    for i, name in enumerate(packed):
        lines += [f"{i:040x} {name}", f"^{i + 1000:040x}"]
    (git / "packed-refs").write_text("\n".join(lines) + "\n")
    for name in loose:
        path = git / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("f" * 40 + "\n")


def notebook(*cells: str) -> str:
    return json.dumps(
        {
            "cells": [
                {"cell_type": "code", "source": c.splitlines(keepends=True), "metadata": {}}
                for c in cells
            ]
            + [{"cell_type": "markdown", "source": ["import mlflow  # prose, not code"]}],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def committed(root: Path, files: Files, untracked: Files | None = None) -> None:
    write(root, files)
    write(root, untracked or {})
    git_index(root, list(files))


def scanned(root: Path, files: dict[str, str], catalogue):
    """Commit these files (dedented) and scan them."""
    import textwrap

    from cmlops_kg.scanner import scan_repository

    committed(root, {k: textwrap.dedent(v) for k, v in files.items()})
    return scan_repository(root, catalogue)


def verdicts(root: Path, files: dict[str, str], catalogue) -> dict[str, tuple[str, str | None]]:
    """Commit these files (dedented) and scan them: status and mode per practice."""
    return {v.key: (v.status, v.mode) for v in scanned(root, files, catalogue).verdicts}


# -- the repositories -------------------------------------------------------------------------
def notebooks_only(root: Path) -> None:
    committed(
        root,
        {
            "README.md": "# Churn analysis\n\nNotebooks for the churn model.\n",
            "requirements.txt": "pandas\nscikit-learn\njupyter\n",
            "notebooks/explore.ipynb": notebook("import pandas as pd\ndf = pd.read_csv('x.csv')"),
            "notebooks/train.ipynb": notebook(
                "from sklearn.ensemble import RandomForestClassifier",
                "model = RandomForestClassifier(random_state=42)\nmodel.fit(X, y)",
                "import pickle\npickle.dump(model, open('../models/model.pkl', 'wb'))",
            ),
            "models/model.pkl": b"\x80\x04\x95" + bytes(range(256)),
            "data/customers.csv": "id,churned\n1,0\n",
        },
    )


DVC_YAML = """\
stages:
  prepare:
    cmd: python src/prepare.py data/raw.csv data/prepared
    deps: [src/prepare.py, data/raw.csv]
    outs: [data/prepared]
  train:
    cmd: python src/train.py data/prepared models/model.pkl
    deps: [src/train.py, data/prepared]
    params: [train.n_estimators]
    outs: [models/model.pkl]
  evaluate:
    cmd: python src/evaluate.py models/model.pkl
    deps: [models/model.pkl]
    metrics:
      - metrics.json:
          cache: false
"""
DVC_LOCK = """\
schema: '2.0'
stages:
  train:
    cmd: python src/train.py data/prepared models/model.pkl
    deps:
    - path: data/prepared
      md5: 3f2a9c1e5b7d4f6a8c0e2b4d6f8a0c2e.dir
    outs:
    - path: models/model.pkl
      md5: 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d
"""
TRAIN_PY = """\
import sys

import pandas as pd
from sklearn.ensemble import RandomForestClassifier


def train(path):
    data = pd.read_csv(path)
    model = RandomForestClassifier(n_estimators=100, random_state=0)
    model.fit(data.drop(columns="y"), data["y"])
    return model


if __name__ == "__main__":
    train(sys.argv[1])
"""


def dvc_pipeline(root: Path) -> None:
    committed(
        root,
        {
            "README.md": "# Churn\n",
            "dvc.yaml": DVC_YAML,
            "dvc.lock": DVC_LOCK,
            "params.yaml": "train:\n  n_estimators: 100\n",
            ".dvc/config": "[core]\n    remote = storage\n['remote \"storage\"']\n    url = s3://acme-ml/dvc\n",
            ".dvcignore": "",
            "data/raw.csv.dvc": "outs:\n- md5: 0cc175b9c0f1b6a831c399e269772661\n  path: raw.csv\n",
            "src/prepare.py": "import pandas as pd\n",
            "src/train.py": TRAIN_PY,
            "src/evaluate.py": "import json\n",
            "requirements.txt": "pandas==2.2.0\nscikit-learn==1.4.0\ndvc[s3]==3.48.0\n",
            ".gitignore": "/models\n/data/raw.csv\n",
        },
        untracked={"models/model.pkl": b"\x80\x04" + bytes(64), "data/raw.csv": "a,b\n"},
    )


CI_WORKFLOW = """\
name: CI
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install uv && uv sync --frozen
      - run: ruff check .
      - name: tests
        run: |
          # unit and model tests
          pytest --cov=src -q
"""


def github_actions_tests(root: Path) -> None:
    committed(
        root,
        {
            "README.md": "# Churn service\n",
            ".github/workflows/ci.yml": CI_WORKFLOW,
            ".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: pip\n",
            "pyproject.toml": (
                '[build-system]\nrequires = ["hatchling"]\n\n[project]\nname = "churn"\n'
                'dependencies = ["scikit-learn>=1.4"]\n\n[tool.ruff]\nline-length = 100\n\n'
                '[tool.pytest.ini_options]\naddopts = "-q"\n'
            ),
            "uv.lock": "version = 1\n",
            "Dockerfile": "FROM python:3.11-slim\nCOPY . /app\n",
            "src/churn/__init__.py": "",
            "src/churn/features.py": "def scale(x):\n    return x / 10\n",
            "src/churn/model.py": TRAIN_PY,
            "tests/test_features.py": (
                "from churn.features import scale\n\n\n"
                "def test_feature_scaling():\n    assert True\n"
            ),
            "tests/test_model.py": (
                "from churn.model import train\n\n\n"
                "def test_training_loss_decreases():\n    assert True\n\n\n"
                "def test_predictions_have_no_nan():\n    assert True\n"
            ),
        },
    )


GITLAB_CI = """\
stages: [test, train]
default:
  image: python:3.11
.python:
  before_script:
    - pip install -r requirements.txt
test:
  extends: .python
  stage: test
  script:
    - pytest tests/
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
retrain:
  extends: .python
  stage: train
  script:
    - dvc pull
    - dvc repro
    - python src/train.py --register
  rules:
    - if: $CI_PIPELINE_SOURCE == "schedule"
"""
TRACKED_TRAIN_PY = """\
import mlflow
import mlflow.sklearn
from sklearn.linear_model import LogisticRegression


def main():
    mlflow.set_experiment("churn")
    with mlflow.start_run():
        model = LogisticRegression().fit(X, y)
        mlflow.log_metric("auc", 0.91)
        mlflow.sklearn.log_model(model, "model", registered_model_name="churn")
"""


def gitlab_scheduled_retraining(root: Path) -> None:
    committed(
        root,
        {
            "README.md": "# Churn\n",
            ".gitlab-ci.yml": GITLAB_CI,
            "dvc.yaml": DVC_YAML,
            "dvc.lock": DVC_LOCK,
            "src/train.py": TRACKED_TRAIN_PY,
            "tests/test_train.py": (
                "from train import fit\n\n\ndef test_train_converges():\n    assert True\n"
            ),
            "requirements.txt": "mlflow==2.11.0\nscikit-learn==1.4.0\ndvc==3.48.0\n",
        },
    )


FULL_CI = """\
name: ci
on: [push, pull_request]
jobs:
  checks:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pre-commit run --all-files
      - run: make test
      - uses: github/codeql-action/analyze@v3
  image:
    runs-on: ubuntu-latest
    needs: checks
    steps:
      - uses: actions/checkout@v4
      - uses: docker/login-action@v3
        with:
          password: ${{ secrets.REGISTRY_TOKEN }}
      - uses: docker/build-push-action@v5
        with:
          push: true
          tags: ghcr.io/acme/churn:${{ github.sha }}
"""
FULL_DEPLOY = """\
name: deploy
on:
  push:
    branches: [main]
jobs:
  production:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
      - run: helm upgrade --install churn-model deploy/chart --set image.tag=${{ github.sha }}
      - run: kubectl apply -f deploy/k8s/inference-service.yaml
"""
FULL_RETRAIN = """\
name: retrain
on:
  schedule:
    - cron: "0 3 * * 1"
  repository_dispatch:
    types: [drift-detected]
jobs:
  train:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: dvc pull
      - run: dvc repro
      - run: python src/churn/train.py
"""
FULL_MONITOR = """\
name: monitor
on:
  schedule:
    - cron: "0 * * * *"
jobs:
  drift:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: python monitoring/drift.py
"""
DRIFT_PY = """\
import os

import requests
from evidently.metric_preset import DataDriftPreset
from evidently.report import Report


def check(reference, current):
    report = Report(metrics=[DataDriftPreset()])
    report.run(reference_data=reference, current_data=current)
    if report.as_dict()["metrics"][0]["result"]["dataset_drift"]:
        requests.post(
            "https://api.github.com/repos/acme/churn/dispatches",
            json={"event_type": "drift-detected"},
            headers={"Authorization": f"token {os.environ['GH_TOKEN']}"},
        )
"""
FULL_TRAIN = """\
import mlflow
import mlflow.sklearn
import shap
import optuna
from sklearn.dummy import DummyClassifier


def objective(trial):
    return trial.suggest_float("c", 0.01, 10)


def main():
    mlflow.set_tracking_uri("https://mlflow.acme.example")
    study = optuna.create_study()
    study.optimize(objective, n_trials=20)
    baseline = DummyClassifier().fit(X, y)
    with mlflow.start_run():
        mlflow.log_params(study.best_params)
        mlflow.sklearn.log_model(model, "model", registered_model_name="churn")
    shap.TreeExplainer(model)
"""
FULL_SERVE = """\
from fastapi import FastAPI
from prometheus_client import Histogram, make_asgi_app

app = FastAPI()
LATENCY = Histogram("predict_latency_seconds", "prediction latency")


@app.post("/predict")
def predict(payload: dict):
    with LATENCY.time():
        return {"score": 0.5}
"""
INFERENCE_SERVICE = """\
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: churn
spec:
  predictor:
    canaryTrafficPercent: 10
    logger:
      mode: all
    model:
      modelFormat:
        name: sklearn
      storageUri: s3://acme-ml/models/churn
"""


def full_mlops(root: Path) -> None:
    committed(
        root,
        {
            "README.md": "# Churn platform\n",
            "CHANGELOG.md": "## 1.0.0\n",
            "mkdocs.yml": "site_name: churn\n",
            "docs/adr/0001-use-kserve.md": "# Use KServe\n",
            "MODEL_CARD.md": "# Churn\n\n## Intended use\n\n## Limitations\n\n## Evaluation\n",
            "DATASHEET.md": "# Customer data\n\n## Motivation\n\n## Composition\n",
            "CODEOWNERS": "* @acme/ml-team\n",
            ".github/ISSUE_TEMPLATE/bug.md": "---\nname: Bug\n---\n",
            ".github/pull_request_template.md": "## What changed\n",
            ".github/workflows/ci.yml": FULL_CI,
            ".github/workflows/deploy.yml": FULL_DEPLOY,
            ".github/workflows/retrain.yml": FULL_RETRAIN,
            ".github/workflows/monitor.yml": FULL_MONITOR,
            ".github/dependabot.yml": "version: 2\n",
            ".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n",
            "Makefile": "test:\n\tpytest --cov=src tests\n\nlint:\n\truff check .\n",
            "pyproject.toml": '[build-system]\nrequires = ["hatchling"]\n\n[tool.ruff]\n',
            "poetry.lock": "# lock\n",
            "params.yaml": "train:\n  c: 1.0\n",
            "dvc.yaml": DVC_YAML,
            "dvc.lock": DVC_LOCK,
            ".dvc/config": "['remote \"storage\"']\n    url = s3://acme-ml/dvc\n",
            "Dockerfile": "FROM python:3.11-slim\n",
            "src/churn/__init__.py": "",
            "src/churn/train.py": FULL_TRAIN,
            "src/churn/serve.py": FULL_SERVE,
            "src/churn/validate.py": "import pandera as pa\n\nschema = pa.DataFrameSchema({})\n",
            "monitoring/drift.py": DRIFT_PY,
            "monitoring/prometheus.yml": "scrape_configs:\n  - job_name: churn\n",
            "monitoring/alerts.yml": "groups:\n  - name: churn\n    rules:\n      - alert: Drift\n",
            "monitoring/dashboards/churn.json": '{"title": "churn", "panels": []}',
            "feature_repo/feature_store.yaml": "project: churn\nonline_store:\n  type: redis\n",
            "feature_repo/features.py": "from feast import Entity, FeatureView\n",
            "great_expectations/great_expectations.yml": "config_version: 3\n",
            "deploy/chart/Chart.yaml": "apiVersion: v2\nname: churn\n",
            "deploy/k8s/inference-service.yaml": INFERENCE_SERVICE,
            "infra/main.tf": 'resource "aws_s3_bucket" "models" {\n  bucket = "acme-ml"\n}\n',
            "tests/test_model.py": (
                "import joblib\n\n\ndef test_model_artifact_predicts():\n"
                "    model = joblib.load('model.joblib')\n    assert model\n\n\n"
                "def test_training_converges():\n    assert True\n"
            ),
            "tests/test_features.py": (
                "import pandas as pd\n\n\ndef test_feature_encoding():\n    assert True\n"
            ),
        },
    )


AIRFLOW_DAG = """\
from datetime import datetime

from airflow import DAG
from airflow.operators.python import PythonOperator

from churn.train import train_model

with DAG("churn_retrain", schedule_interval="@daily", start_date=datetime(2026, 1, 1)) as dag:
    extract = PythonOperator(task_id="extract", python_callable=print)
    train = PythonOperator(task_id="train", python_callable=train_model)
    extract >> train
"""
KFP_PIPELINE = """\
from kfp import compiler, dsl
from kfp.client import Client


@dsl.component
def preprocess() -> str:
    return "data"


@dsl.pipeline(name="churn-training")
def pipeline():
    preprocess()


compiler.Compiler().compile(pipeline, "pipeline.yaml")
Client().create_recurring_run(
    experiment_id="churn", job_name="nightly", cron_expression="0 0 2 * * *",
    pipeline_package_path="pipeline.yaml",
)
"""


def orchestrated_pipelines(root: Path) -> None:
    committed(
        root,
        {
            "README.md": "# Churn pipelines\n",
            "dags/retrain_dag.py": AIRFLOW_DAG,
            "pipelines/kfp_pipeline.py": KFP_PIPELINE,
            "src/churn/__init__.py": "",
            "src/churn/train.py": "def train_model():\n    pass\n",
        },
    )


BUILD_ONLY = """\
name: build
on:
  push:
    branches: [main]
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo "${{ secrets.REGISTRY_PASSWORD }}" | docker login -u bot --password-stdin
      - run: docker build -t registry.example.com/churn:latest .
      - run: docker push registry.example.com/churn:latest
"""


def ci_without_tests(root: Path) -> None:
    committed(
        root,
        {
            "README.md": "# Churn\n",
            ".github/workflows/build.yml": BUILD_ONLY,
            "Dockerfile": "FROM python:3.11-slim\n",
            "app.py": "print('hello')\n",
            "tests/test_app.py": "def test_app():\n    assert True\n",
        },
    )


HOSTILE_SECRET_LINE = 'mlflow.set_tracking_uri("https://admin:hunter2@mlflow.internal")\n'
UNREADABLE = "src/unreadable_drift.py"


def hostile(root: Path) -> None:
    """Symlink loops, a symlink to /etc, a 50 MB sparse file, an unreadable file, a FIFO."""
    write(
        root,
        {
            "README.md": "# Hostile\n",
            "src/track.py": "import mlflow\n"
            + HOSTILE_SECRET_LINE
            + 'mlflow.log_param("lr", 0.1)\n',
            UNREADABLE: "from evidently.metric_preset import DataDriftPreset\nDataDriftPreset()\n",
            ".env": "API_TOKEN=abcd1234efgh5678\n",
        },
    )
    os.chmod(root / UNREADABLE, 0)
    os.symlink(".", root / "loop")
    os.symlink("b", root / "a")
    os.symlink("a", root / "b")
    os.symlink("/etc", root / "etc")
    os.symlink("/etc/hostname", root / "Dockerfile")
    big = root / "huge" / "model_server.py"
    big.parent.mkdir()
    with open(big, "wb") as handle:
        handle.write(b"import bentoml\n@bentoml.service\nclass Svc: ...\n")
        handle.truncate(50 * 1024 * 1024)
    os.mkfifo(root / "dvc.yaml")
    (root / os.fsdecode(b"weird-\xff-name.yaml")).write_text("kind: Deployment\n")


# -- cases -----------------------------------------------------------------------------------
A, M = "automatic", "manual"


@dataclass
class RepoCase:
    name: str
    build: Callable[[Path], None]
    evidence: dict[str, tuple[str, str | None]]
    unknown: set[str]
    overall: int
    dimensions: dict[str, int] = field(default_factory=dict)  # dimension notation -> level
    external: dict[str, int] = field(default_factory=dict)  # google / azure -> level


CASES = [
    RepoCase(
        "notebooks-only",
        notebooks_only,
        {
            "version-control": ("implemented", M),
            "training-code-review": ("not-implemented", None),
            "artifact-repository": ("not-implemented", None),
            "model-registry": ("not-implemented", None),
            "documentation": ("partial", None),
        },
        # unpinned requirements and seeds set only in notebooks show nothing
        {
            "continuous-integration",
            "automated-testing",
            "experiment-tracking",
            "data-versioning",
            "dependency-management",
            "reproducible-training",
        },
        overall=0,
    ),
    RepoCase(
        "dvc-pipeline",
        dvc_pipeline,
        {
            "data-versioning": ("implemented", M),
            # a declared pipeline without a lock file of the environment: part of it
            "reproducible-training": ("partial", None),
            "shared-data-access": ("implemented", M),
            "data-lineage": ("implemented", M),
            "automated-data-pipeline": ("implemented", M),
            "model-versioning": ("implemented", M),
            "configuration-management": ("implemented", M),
            # pinned requirements without a lock file or update automation
            "dependency-management": ("partial", None),
            "ml-pipeline-orchestration": ("implemented", M),
            "training-objective-metric": ("partial", None),
            # the outputs DVC tracks go to the remote, not into Git: part of an artefact store
            "artifact-repository": ("partial", None),
        },
        # the model file is DVC's untracked output: it is not a committed binary
        # no checks on pull requests: nothing shows that the training code is reviewed
        {
            "continuous-integration",
            "continuous-training",
            "model-registry",
            "training-code-review",
        },
        overall=0,
        dimensions={"DATA": 1},
    ),
    RepoCase(
        "github-actions-tests",
        github_actions_tests,
        {
            "continuous-integration": ("implemented", A),
            "automated-testing": ("implemented", A),
            "static-analysis": ("implemented", A),
            "model-unit-tests": ("implemented", A),
            "feature-engineering-tests": ("implemented", A),
            # CI installs from the lock file (uv sync --frozen)
            "dependency-management": ("implemented", A),
            # a Dockerfile and a build-system that nothing runs show part of the practices
            "containerisation": ("partial", None),
            "build-automation": ("partial", None),
            "version-control": ("implemented", M),
            "code-review": ("partial", None),
        },
        {"continuous-training", "deployment-automation", "experiment-tracking", "data-versioning"},
        overall=0,
    ),
    RepoCase(
        "gitlab-scheduled-retraining",
        gitlab_scheduled_retraining,
        {
            "continuous-integration": ("implemented", A),
            "automated-testing": ("implemented", A),
            "continuous-training": ("implemented", A),
            "reproducible-training": ("implemented", A),
            "data-versioning": ("implemented", A),
            "experiment-tracking": ("implemented", A),
            # registered without lifecycle stages: part of a model registry
            "model-registry": ("partial", None),
            "model-versioning": ("implemented", A),
            "model-unit-tests": ("implemented", A),
        },
        {"drift-triggered-retraining", "drift-monitoring", "pipeline-ci", "deployment-automation"},
        overall=0,
    ),
    RepoCase(
        "full-mlops",
        full_mlops,
        {
            "continuous-integration": ("implemented", A),
            "automated-testing": ("implemented", A),
            "static-analysis": ("implemented", A),
            "security-scanning": ("implemented", A),
            "build-automation": ("implemented", A),
            "artifact-repository": ("implemented", A),
            "containerisation": ("implemented", A),
            "deployment-automation": ("implemented", A),
            # deployed on every push, but not promoted through a test or staging environment
            "continuous-delivery": ("partial", None),
            "continuous-delivery-of-models": ("partial", None),
            "continuous-training": ("implemented", A),
            "drift-triggered-retraining": ("implemented", A),
            "drift-monitoring": ("implemented", A),
            "experiment-tracking": ("implemented", A),
            "model-registry": ("partial", None),
            "hyperparameter-tuning": ("implemented", A),
            "model-explainability": ("implemented", A),
            "data-versioning": ("implemented", A),
            "reproducible-training": ("implemented", A),
            "model-integration-tests": ("implemented", A),
            # stored CI secrets keep credentials out of the code, but no secrets manager
            "secrets-management": ("partial", None),
            "feature-store": ("implemented", M),
            "online-feature-serving": ("implemented", M),
            "data-validation": ("implemented", M),
            "model-serving": ("implemented", A),
            "canary-model-deployment": ("implemented", A),
            "prediction-logging": ("implemented", A),
            "application-monitoring": ("implemented", M),
            "serving-performance-monitoring": ("implemented", M),
            "alerting-incident-response": ("implemented", M),
            # Terraform for one environment: part of infrastructure as code
            "infrastructure-as-code": ("partial", None),
            "model-cards": ("implemented", M),
            "datasheets": ("implemented", M),
            "documentation": ("implemented", M),
            "code-review": ("partial", None),
            "model-evaluation-baseline": ("partial", None),
        },
        # organisational practices leave no trace in a repository
        {"shared-ownership", "cross-functional-team", "audit-trails", "ground-truth-collection"},
        overall=0,
        # CI cannot reach 2 from a repository: trunk-based development needs the Git history
        # INFRA 0: the lock file is never installed from and secrets come from CI settings
        dimensions={"DATA": 1, "MODEL": 0, "CI": 1, "CD": 0, "INFRA": 0, "GOV": 0},
        external={"azure": 1, "google": 0},
    ),
    RepoCase(
        "orchestrated-pipelines",
        orchestrated_pipelines,
        {
            "ml-pipeline-orchestration": ("implemented", M),
            "continuous-training": ("implemented", M),
            "automated-data-pipeline": ("implemented", M),
            "ml-metadata-store": ("partial", None),
        },
        {"continuous-integration", "automated-testing", "drift-triggered-retraining"},
        overall=0,
    ),
    RepoCase(
        "ci-without-tests",
        ci_without_tests,
        {
            "continuous-integration": ("partial", None),
            "automated-testing": ("partial", None),
            "build-automation": ("implemented", A),
            "containerisation": ("implemented", A),
            "artifact-repository": ("implemented", A),
            "secrets-management": ("partial", None),
        },
        {"static-analysis", "deployment-automation", "continuous-delivery"},
        overall=0,
    ),
    RepoCase(
        "hostile",
        hostile,
        {
            "experiment-tracking": ("implemented", M),
            "secrets-management": ("not-implemented", None),
            "documentation": ("partial", None),
        },
        # the Dockerfile links to /etc, the drift code is unreadable, the serving code is too
        # large and binary, dvc.yaml is a FIFO: none of them may count
        {
            "containerisation",
            "drift-monitoring",
            "model-serving",
            "reproducible-training",
            "version-control",
            "infrastructure-as-code",
        },
        overall=0,
    ),
]

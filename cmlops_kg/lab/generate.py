"""One repository per maturity level, built from the layered example files in ``examples/<n>/``
(an example ML system: a scan of cmlops-kg reads the folder as examples, not as its practice).

A configuration at level L has the files of layers 0..L (a later layer's file replaces an
earlier one). From level 1 on it is a git repository with one commit per layer, as a team
that grew into the level would have; level 0 is a folder of hand-run scripts without version
control (what level 1 adds). ``_github`` and ``_gitignore`` in the example files become
``.github`` and ``.gitignore`` (the package data globs skip dot-files).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cmlops_kg.errors import CmlopsError
from cmlops_kg.lab.dataset import Split, write_csv

EXAMPLES = Path(__file__).resolve().parent / "examples"


@dataclass(frozen=True)
class Configuration:
    level: int
    key: str
    label: str
    adds: str
    # practices the repository itself implements (the ground truth the scanner should find)
    practices: tuple[str, ...]

    @property
    def has_git(self) -> bool:
        return self.level >= 1


CONFIGURATIONS = (
    Configuration(0, "level-0", "Level 0: hand-run scripts", "train and copy by hand", ()),
    Configuration(
        1,
        "level-1",
        "Level 1: version control, tests, CI",
        "git, unit tests, CI on every push, pinned dependencies, a Makefile",
        (
            "version-control",
            "automated-testing",
            "continuous-integration",
            "dependency-management",
            "build-automation",
        ),
    ),
    Configuration(
        2,
        "level-2",
        "Level 2: declared training pipeline",
        "DVC pipeline on a schedule, data validation, MLflow-style tracking, comparison with "
        "production on a versioned evaluation set, prediction logging",
        (
            "ml-pipeline-orchestration",
            "continuous-training",
            "data-validation",
            "experiment-tracking",
            "model-evaluation-baseline",
            "prediction-logging",
            "reproducible-training",
        ),
    ),
    Configuration(
        3,
        "level-3",
        "Level 3: gated release with canary, monitoring",
        "model registry, validation gate, health-gated canary release of models and serving "
        "changes with automatic abort, drift and "
        "performance monitoring that pages a person",
        (
            "model-registry",
            "model-validation-gate",
            "canary-model-deployment",
            "progressive-delivery",
            "continuous-delivery-of-models",
            "model-rollback",
            "drift-monitoring",
            "model-performance-monitoring",
        ),
    ),
    Configuration(
        4,
        "level-4",
        "Level 4: self-healing",
        "drift-triggered retraining on recent labelled traffic, automatic rollback, feature "
        "freshness monitoring",
        (
            "drift-triggered-retraining",
            "automated-model-rollback",
            "feature-freshness-monitoring",
            "ground-truth-collection",
        ),
    ),
)


def implemented(config: Configuration) -> tuple[str, ...]:
    """Every practice the repository of ``config`` implements (its layers' and earlier)."""
    return tuple(p for c in CONFIGURATIONS if c.level <= config.level for p in c.practices)


def _target_name(rel: Path) -> Path:
    parts = [{"_github": ".github", "_gitignore": ".gitignore"}.get(p, p) for p in rel.parts]
    return Path(*parts)


def _copy_layer(layer: int, repo: Path) -> None:
    source = EXAMPLES / str(layer)
    for path in sorted(source.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            target = repo / _target_name(path.relative_to(source))
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


GIT_ENV = {
    "GIT_AUTHOR_NAME": "Lab Team",
    "GIT_AUTHOR_EMAIL": "team@lab.example",
    "GIT_COMMITTER_NAME": "Lab Team",
    "GIT_COMMITTER_EMAIL": "team@lab.example",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str, date: str = "2026-01-05T09:00:00+00:00") -> str:
    env = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    try:
        done = subprocess.run(
            ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, check=True
        )
    except FileNotFoundError as exc:
        raise CmlopsError("the lab needs git", fix="install git (apt-get install git)") from exc
    except subprocess.CalledProcessError as exc:
        raise CmlopsError(f"git {' '.join(args)} failed in {repo}: {exc.stderr.strip()}") from exc
    return done.stdout


LAYER_MESSAGES = {
    0: "Training script, feature code and prediction service",
    1: "Unit tests, CI on every push, pinned dependencies",
    2: "DVC training pipeline with data validation, tracking and evaluation",
    3: "Model registry, validation gate, canary release, monitoring",
    4: "Drift-triggered retraining, automatic rollback, feature freshness",
}


def generate(config: Configuration, repo: Path, split: Split) -> Path:
    """Write the repository of ``config`` into ``repo`` (which must not exist)."""
    repo.mkdir(parents=True)
    if config.has_git:
        git(repo, "init", "-q", "-b", "main")
    for layer in range(config.level + 1):
        _copy_layer(layer, repo)
        if layer == 2:  # the versioned evaluation set arrives with the pipeline
            write_csv(repo / "data" / "holdout.csv", split.holdout)
        if config.has_git and layer >= 1:
            git(repo, "add", "-A")
            day = f"2026-01-{5 + layer:02d}T09:00:00+00:00"
            message = LAYER_MESSAGES[layer] if layer > 1 else "Level 0 and 1: " + LAYER_MESSAGES[1]
            git(repo, "commit", "-q", "-m", message, date=day)
    return repo

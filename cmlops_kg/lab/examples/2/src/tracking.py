"""Experiment tracking with MLflow: every pipeline run's parameters and metrics.

The tracking server is the platform's (MLFLOW_TRACKING_URI); without one, a local SQLite
store beside the repository.
"""

import logging
import os

import mlflow

logging.getLogger("mlflow").setLevel(logging.ERROR)
EXPERIMENT = "tumour-classifier"


def log_run(params, metrics):
    mlflow.set_tracking_uri(os.environ.get("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db"))
    mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run() as run:
        mlflow.log_params(params)
        mlflow.log_metrics({k: v for k, v in metrics.items() if v is not None})
    return run.info.run_id

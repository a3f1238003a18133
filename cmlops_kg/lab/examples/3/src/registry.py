"""The model registry is MLflow's. The gate registers every candidate it judged (its files as
run artifacts, its metrics and verdict as tags); one that passed becomes the 'challenger'.
Releases deploy the registered challenger, a completed rollout promotes it to 'champion', and
a rollback points 'champion' back at the version it replaced."""

import argparse
import logging
import os

import mlflow
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException

logging.getLogger("mlflow").setLevel(logging.ERROR)
MODEL = "tumour-classifier"


def client():
    uri = os.environ.get("MLFLOW_TRACKING_URI", "sqlite:///mlflow.db")
    mlflow.set_tracking_uri(uri)
    return MlflowClient(uri)


def register(metrics, stage, model_dir="models/candidate"):
    registry = client()
    try:
        registry.create_registered_model(MODEL)
    except MlflowException:
        pass  # registered by an earlier run
    mlflow.set_experiment("tumour-classifier-releases")
    with mlflow.start_run() as run:
        mlflow.log_artifacts(model_dir, "model")
        source = f"{run.info.artifact_uri}/model"
    tags = {"validation_status": stage, **{k: str(v) for k, v in metrics.items()}}
    version = registry.create_model_version(MODEL, source, run.info.run_id, tags=tags).version
    if stage == "staging":
        registry.set_registered_model_alias(MODEL, "challenger", version)
    return int(version)


def export(alias, out):
    """The files of the version an alias names, for the release to ship."""
    version = client().get_model_version_by_alias(MODEL, alias)
    os.makedirs(out, exist_ok=True)
    mlflow.artifacts.download_artifacts(artifact_uri=version.source, dst_path=out)
    for name in os.listdir(os.path.join(out, "model")):
        os.replace(os.path.join(out, "model", name), os.path.join(out, name))
    os.rmdir(os.path.join(out, "model"))
    print(f"registry: {MODEL} version {version.version} ({alias}) exported to {out}")


def promote():
    registry = client()
    challenger = registry.get_model_version_by_alias(MODEL, "challenger").version
    try:
        champion = registry.get_model_version_by_alias(MODEL, "champion").version
        registry.set_registered_model_alias(MODEL, "previous", champion)
    except MlflowException:
        pass  # the first release
    registry.set_registered_model_alias(MODEL, "champion", challenger)
    print(f"registry: version {challenger} is the champion")


def rollback():
    registry = client()
    try:
        previous = registry.get_model_version_by_alias(MODEL, "previous").version
    except MlflowException:
        print("registry: no earlier champion to go back to")
        return
    registry.set_registered_model_alias(MODEL, "champion", previous)
    print(f"registry: champion back to version {previous}")


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["export", "promote", "rollback"])
    parser.add_argument("alias", nargs="?", default="challenger")
    parser.add_argument("--out", default="models/release")
    args = parser.parse_args(argv)
    if args.step == "export":
        export(args.alias, args.out)
    elif args.step == "promote":
        promote()
    else:
        rollback()


if __name__ == "__main__":
    main()

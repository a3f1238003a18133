"""Evaluate the candidate on the versioned evaluation set against a simple baseline (the
majority class) and the production model; exit 1 if it is worse than production."""

import argparse
import json
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from data import read_rows
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score
from features import make_features
from tracking import log_run
from train import load_params


def accuracy(model_dir, features, labels):
    path = os.path.join(model_dir, "model.pkl")
    if not os.path.exists(path):
        return None
    with open(path, "rb") as handle:
        return float(pickle.load(handle).score(features, labels))


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--candidate", required=True)
    parser.add_argument("--production", required=True)
    parser.add_argument("--holdout", required=True)
    parser.add_argument("--params")
    args = parser.parse_args(argv)
    params = load_params(args.params)
    tolerance = 0.01
    if args.params:
        import yaml

        with open(args.params, encoding="utf-8") as handle:
            tolerance = (yaml.safe_load(handle) or {}).get("evaluate", {}).get("tolerance", 0.01)
    rows, labels = read_rows(args.holdout)
    features = make_features(rows)
    candidate = accuracy(args.candidate, features, labels)
    production = accuracy(args.production, features, labels)
    # the simplest model worth beating: always the most frequent class
    baseline = DummyClassifier(strategy="most_frequent").fit(features, labels)
    baseline_accuracy = accuracy_score(labels, baseline.predict(features))
    result = {
        "candidate": candidate,
        "production": production,
        "baseline": baseline_accuracy,
        "tolerance": tolerance,
    }
    beats_baseline = candidate > baseline_accuracy
    result["passed"] = beats_baseline and (production is None or candidate >= production - tolerance)
    with open(os.path.join(args.candidate, "evaluation.json"), "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    log_run(params, {"holdout_accuracy": candidate, "baseline_accuracy": baseline_accuracy})
    print(f"evaluation: candidate {candidate:.3f}, production {production}")
    if not result["passed"]:
        print("evaluation: the candidate is worse than production or the baseline", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

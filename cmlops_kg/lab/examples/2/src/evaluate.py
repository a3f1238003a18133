"""Compare the candidate with the production model on the evaluation set; exit 1 if worse."""

import argparse
import json
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from data import read_rows
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
    result = {"candidate": candidate, "production": production, "tolerance": tolerance}
    result["passed"] = production is None or candidate >= production - tolerance
    with open(os.path.join(args.candidate, "evaluation.json"), "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    log_run(params, {"holdout_accuracy": candidate})
    print(f"evaluation: candidate {candidate:.3f}, production {production}")
    if not result["passed"]:
        print("evaluation: the candidate is worse than production", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()

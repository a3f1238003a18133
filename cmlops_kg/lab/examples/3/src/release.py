"""The model validation gate: a candidate is registered with its verdict, and the release stops
unless it is accurate enough and no worse than production."""

import argparse
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import registry
import yaml
from data import read_rows
from features import make_features


def accuracy(model_dir, holdout):
    path = os.path.join(model_dir, "model.pkl")
    if not os.path.exists(path):
        return None
    rows, labels = read_rows(holdout)
    with open(path, "rb") as handle:
        return float(pickle.load(handle).score(make_features(rows), labels))


def gate(args, config):
    candidate = accuracy(args.candidate, args.holdout)
    production = accuracy(args.production, args.holdout)
    rules = config["gate"]
    passed = candidate is not None and candidate >= rules["min_accuracy"]
    if production is not None and candidate is not None:
        passed = passed and candidate >= production - rules["max_regression"]
    stage = "staging" if passed else "rejected"
    registry.register(
        {"holdout_accuracy": candidate, "production": production}, stage, args.candidate
    )
    print(f"gate: candidate {candidate}, production {production}: {stage}")
    if not passed:
        sys.exit(1)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["gate"])
    parser.add_argument("--config", required=True)
    parser.add_argument("--candidate")
    parser.add_argument("--production")
    parser.add_argument("--holdout")
    args = parser.parse_args(argv)
    with open(args.config, encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    gate(args, config)


if __name__ == "__main__":
    main()

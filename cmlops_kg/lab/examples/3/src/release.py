"""Release steps: gate (model validation), canary and promote (the deploy tool acts on them)."""

import argparse
import json
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
    registry.register({"holdout_accuracy": candidate, "production": production}, stage)
    print(f"gate: candidate {candidate}, production {production}: {stage}")
    if not passed:
        sys.exit(1)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["gate", "canary", "promote", "rollback"])
    parser.add_argument("--config", required=True)
    parser.add_argument("--candidate")
    parser.add_argument("--production")
    parser.add_argument("--holdout")
    args = parser.parse_args(argv)
    with open(args.config, encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    if args.step == "gate":
        gate(args, config)
    else:
        # the deploy tool reads this request and routes traffic accordingly
        print(json.dumps({"release": args.step, **config.get(args.step, {})}))


if __name__ == "__main__":
    main()

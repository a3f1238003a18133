"""Train the classifier: python src/train.py --data training.csv --out DIR [--params params.yaml]"""

import argparse
import json
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from data import read_rows
from features import make_features
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

PARAMS = {"C": 1.0, "max_iter": 500, "seed": 0}


def load_params(path):
    params = dict(PARAMS)
    if path and os.path.exists(path):
        import yaml

        with open(path, encoding="utf-8") as handle:
            params.update((yaml.safe_load(handle) or {}).get("train", {}))
    return params


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--params")
    args = parser.parse_args(argv)
    params = load_params(args.params)
    rows, labels = read_rows(args.data)
    features = make_features(rows)
    x_train, x_test, y_train, y_test = train_test_split(
        features, labels, test_size=0.25, random_state=params["seed"], stratify=labels
    )
    model = make_pipeline(
        StandardScaler(), LogisticRegression(C=float(params["C"]), max_iter=int(params["max_iter"]))
    )
    model.fit(x_train, y_train)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "model.pkl"), "wb") as handle:
        pickle.dump(model, handle)
    metrics = {"accuracy": float(model.score(x_test, y_test)), "rows": len(rows)}
    with open(os.path.join(args.out, "metrics.json"), "w", encoding="utf-8") as handle:
        json.dump(metrics, handle)
    print(f"trained on {len(rows)} rows, holdout accuracy {metrics['accuracy']:.3f}")


if __name__ == "__main__":
    main()

"""Production monitoring: reference statistics at training time, checks on served traffic."""

import argparse
import json
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
from data import read_rows
from features import make_features

BINS = 10


def reference(features, predictions, accuracy):
    edges = [np.unique(np.quantile(column, np.linspace(0, 1, BINS + 1))) for column in features.T]
    shares = [_shares(column, e).tolist() for column, e in zip(features.T, edges)]
    return {
        "edges": [e.tolist() for e in edges],
        "shares": shares,
        "positive_rate": float(np.mean(predictions)),
        "accuracy": accuracy,
    }


def _shares(column, edges):
    inner = edges[1:-1]
    counts = np.bincount(np.searchsorted(inner, column, side="right"), minlength=len(edges) - 1)
    return counts / max(len(column), 1)


def psi(expected, actual):
    expected, actual = np.clip(expected, 1e-4, None), np.clip(actual, 1e-4, None)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def check(features, predictions, labels, errors, served, ref, checks):
    """The alerts one window of traffic raises: a list of (check, detail)."""
    alerts = []
    if served and errors / served > checks["service_errors"]["max_error_rate"]:
        alerts.append(("service_errors", f"{errors}/{served} requests failed"))
    if len(predictions) == 0:
        return alerts
    rule = checks["feature_drift"]
    drifted = [
        i
        for i, column in enumerate(np.asarray(features).T)
        if psi(np.asarray(ref["shares"][i]), _shares(column, np.asarray(ref["edges"][i])))
        > rule["psi"]
    ]
    if len(drifted) >= rule["min_features"]:
        alerts.append(("feature_drift", f"{len(drifted)} features drifted"))
    shift = abs(float(np.mean(predictions)) - ref["positive_rate"])
    if shift > checks["prediction_drift"]["max_rate_shift"]:
        alerts.append(("prediction_drift", f"positive rate moved by {shift:.2f}"))
    if labels is not None and len(labels):
        quality = float(np.mean(np.asarray(predictions) == np.asarray(labels)))
        drop = ref["accuracy"] - quality
        if drop > checks["performance_regression"]["max_accuracy_drop"]:
            alerts.append(("performance_regression", f"accuracy {quality:.2f}"))
    return alerts


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["reference"])
    parser.add_argument("--data", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    rows, labels = read_rows(args.data)
    features = make_features(rows)
    with open(os.path.join(args.model, "model.pkl"), "rb") as handle:
        model = pickle.load(handle)
    predictions = model.predict(features)
    stats = reference(features, predictions, float(np.mean(predictions == np.asarray(labels))))
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(stats, handle)


if __name__ == "__main__":
    main()

"""Production monitoring: reference statistics at training time, and each window of served
traffic as Prometheus metrics (drift, errors, accuracy on labelled outcomes)."""

import argparse
import json
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np
from data import read_rows
from features import make_features
from prometheus_client import CollectorRegistry, Gauge, push_to_gateway

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


def observe(features, predictions, labels, errors, served, ref):
    """One window of served traffic as Prometheus metrics: what the monitoring job pushes
    (monitoring/alerts.yml alerts on them)."""
    registry = CollectorRegistry()

    def gauge(name, text, value):
        Gauge(name, text, registry=registry).set(value)

    gauge("prediction_error_ratio", "Share of failed requests", errors / served if served else 0)
    if len(predictions) == 0:
        return registry
    feature_psi = Gauge(
        "feature_psi", "Population stability index against training", ["feature"], registry=registry
    )
    for i, column in enumerate(np.asarray(features).T):
        value = psi(np.asarray(ref["shares"][i]), _shares(column, np.asarray(ref["edges"][i])))
        feature_psi.labels(feature=str(i)).set(value)
    gauge("prediction_positive_rate", "Share of positive predictions", float(np.mean(predictions)))
    gauge("prediction_positive_rate_reference", "The share at training", ref["positive_rate"])
    if labels is not None and len(labels):
        quality = float(np.mean(np.asarray(predictions) == np.asarray(labels)))
        gauge("model_accuracy", "Accuracy on labelled outcomes", quality)
        gauge("model_accuracy_reference", "Accuracy at training", ref["accuracy"])
    return registry


def _observe_command(args):
    """The CronJob's entry point: a window of traffic exported by the service, pushed to the
    Pushgateway that Prometheus scrapes."""
    with open(args.reference, encoding="utf-8") as handle:
        ref = json.load(handle)
    with open(args.traffic, encoding="utf-8") as handle:
        window = json.load(handle)
    registry = observe(
        np.asarray(window["features"]),
        window["predictions"],
        window.get("labels"),
        window["errors"],
        window["served"],
        ref,
    )
    push_to_gateway(args.pushgateway, job="tumour-classifier-monitor", registry=registry)


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["reference", "observe"])
    parser.add_argument("--data")
    parser.add_argument("--model")
    parser.add_argument("--out")
    parser.add_argument("--traffic", help="observe: the window of traffic (JSON)")
    parser.add_argument("--reference", help="observe: the model's reference.json")
    parser.add_argument("--window-hours", type=int, default=6)
    parser.add_argument("--pushgateway")
    args = parser.parse_args(argv)
    if args.step == "observe":
        _observe_command(args)
        return
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

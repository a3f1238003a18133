"""A model registry kept as JSON: every registered version with its metrics and stage."""

import json
import os
import time

PATH = os.path.join("models", "registry.json")


def read(path=PATH):
    if not os.path.exists(path):
        return {"versions": []}
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def register(metrics, stage, path=PATH):
    registry = read(path)
    version = len(registry["versions"]) + 1
    registry["versions"].append(
        {"version": version, "metrics": metrics, "stage": stage, "at": time.time()}
    )
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(registry, handle, indent=1)
    return version

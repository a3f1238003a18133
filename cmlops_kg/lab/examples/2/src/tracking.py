"""Experiment tracking in MLflow's file-store layout (mlruns/<experiment>/<run>/...)."""

import os
import time
import uuid


def log_run(params, metrics, root="mlruns", experiment="0"):
    run = uuid.uuid4().hex
    base = os.path.join(root, experiment, run)
    for kind, values in (("params", params), ("metrics", metrics)):
        os.makedirs(os.path.join(base, kind), exist_ok=True)
        for name, value in values.items():
            with open(os.path.join(base, kind, name), "w", encoding="utf-8") as handle:
                stamp = int(time.time() * 1000)
                handle.write(str(value) if kind == "params" else f"{stamp} {value} 0\n")
    return run

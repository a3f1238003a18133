"""Benchmark: scanning a generated 10,000-file ML repository against a plain directory walk.

Generates a tree shaped like an ML monorepo (Python packages and tests, notebooks, configs,
docs, data files, images, CI workflows), then times, in the same process and on a warm file
cache, (a) ``os.walk`` plus ``os.stat`` of every file and (b) a scan as a new ``cmlops-kg scan``
process does it: the signal catalogue built from its cached query rows (the process's memory
cache is cleared before every run; the disk cache is what a second run of the CLI finds), the
scanner's walk, git refs, signal matching, content checks, CI parsing and judgement. The two
alternate, so that both see the same machine load. Prints the medians (and the range) of the
interleaved runs and their ratio (the target is at most 3x the walk), and, apart, the first
scan on a machine (no cache at all: the ontology loaded and queried).

    .venv/bin/python benchmarks/scan.py [--files 10000] [--repeat 9] [--keep DIR]

Not a test: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from cmlops_kg.scanner import load_catalogue, scan_repository
from cmlops_kg.scanner.ci import shell
from cmlops_kg.scanner.literals import finder
from cmlops_kg.store import cache

PY = """\
import json
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class Record{n}:
    key: str
    value: float


def load_{n}(path: str) -> list[Record{n}]:
    with open(path) as handle:
        rows = json.load(handle)
    return [Record{n}(r["key"], float(r["value"])) for r in rows]


def summarise_{n}(records: list[Record{n}]) -> dict[str, float]:
    total = sum(r.value for r in records)
    log.info("summarised %d records", len(records))
    return {{"count": len(records), "total": total, "mean": total / max(len(records), 1)}}
"""
ML_LINES = [
    "import mlflow\nmlflow.log_metric('auc', 0.9)\n",
    "from evidently.metric_preset import DataDriftPreset\n",
    "import pandera as pa\n",
    "from sklearn.model_selection import GridSearchCV\nGridSearchCV(model, grid)\n",
    "import shap\n",
]
TEST = (
    "from pkg.module import summarise_{n}\n\n\n"
    "def test_summarise_{n}():\n    assert summarise_{n}([])['count'] == 0\n"
)
YAML = "model:\n  name: churn-{n}\n  layers: [64, 32]\ntraining:\n  epochs: 10\n  lr: 0.001\n"
WORKFLOW = """\
name: ci
on: [push, pull_request]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install -r requirements.txt
      - run: ruff check .
      - run: pytest -q
"""
NOTEBOOK = json.dumps(
    {
        "cells": [
            {"cell_type": "code", "source": ["import pandas as pd\n", "df = pd.read_csv('x')"]}
        ],
        "nbformat": 4,
    }
)


def generate(root: Path, files: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    shares = [
        ("py", 0.30),
        ("test", 0.10),
        ("csv", 0.25),
        ("json", 0.10),
        ("md", 0.08),
        ("yaml", 0.07),
        ("png", 0.05),
        ("ipynb", 0.03),
        ("txt", 0.02),
    ]
    fixed = {
        ".github/workflows/ci.yml": WORKFLOW,
        "Dockerfile": "FROM python:3.11-slim\n",
        "requirements.txt": "pandas==2.2.0\nmlflow==2.11.0\n",
        "dvc.yaml": "stages:\n  train:\n    cmd: python src/train.py\n",
        "README.md": "# Benchmark repository\n",
    }
    for rel, text in fixed.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    n = len(fixed)
    for kind, share in shares:
        for i in range(int(files * share)):
            if n >= files:
                return
            package = f"pkg{i % 40}"
            if kind == "py":
                rel = f"src/{package}/module_{i}.py"
                text = PY.format(n=i) + (rng.choice(ML_LINES) if i % 20 == 0 else "")
            elif kind == "test":
                rel, text = f"tests/{package}/test_module_{i}.py", TEST.format(n=i)
            elif kind == "csv":
                rel = f"data/raw/part{i % 50}/rows_{i}.csv"
                text = "id,value\n" + "".join(f"{j},{rng.random():.4f}\n" for j in range(20))
            elif kind == "json":
                rel, text = f"data/labels/{i % 30}/label_{i}.json", f'{{"id": {i}, "label": "cat"}}'
            elif kind == "md":
                rel, text = f"docs/section{i % 20}/page_{i}.md", f"# Page {i}\n\nSome text.\n"
            elif kind == "yaml":
                rel, text = f"conf/experiment{i % 25}/config_{i}.yaml", YAML.format(n=i)
            elif kind == "png":
                rel = f"assets/img{i % 20}/image_{i}.png"
                text = None
            elif kind == "ipynb":
                rel, text = f"notebooks/{i % 10}/analysis_{i}.ipynb", NOTEBOOK
            else:
                rel, text = f"misc/notes_{i}.txt", "notes\n"
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if text is None:
                path.write_bytes(b"\x89PNG\r\n\x1a\n" + rng.randbytes(512))
            else:
                path.write_text(text)
            n += 1


def plain_walk(root: Path) -> int:
    count = 0
    for directory, _dirs, names in os.walk(root):
        for name in names:
            os.stat(os.path.join(directory, name))
            count += 1
    return count


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _spread(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    return f"median {statistics.median(ms):8.1f} ms   (range {ms[0]:.1f} to {ms[-1]:.1f} ms)"


def interleaved(first, second, repeat: int) -> tuple[list[float], list[float]]:
    """Alternate the two contenders so that both see the same machine load."""
    a, b = [], []
    for _ in range(repeat):
        a.append(timed(first))
        b.append(timed(second))
    return a, b


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--keep", type=Path, help="generate into (and keep) this directory")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="cmlops-scan-bench-"))
    cache_folder = tempfile.mkdtemp(prefix="cmlops-scan-cache-")  # a machine's first run
    try:
        if not any(root.iterdir()) if root.exists() else True:
            root.mkdir(parents=True, exist_ok=True)
            generate(root, args.files)
        files = plain_walk(root)  # warm the file cache for both contenders
        os.environ[cache.CACHE_ENV] = cache_folder
        cache.clear_memory()
        started = time.perf_counter()
        catalogue = load_catalogue()  # nothing cached: what the very first scan pays
        load = time.perf_counter() - started
        first = timed(lambda: scan_repository(root, catalogue)) + load

        def new_process_scan() -> None:
            # as a new process: only the disk cache is there; no compiled regex (nor split
            # command line) is kept
            cache.clear_memory()
            re.purge()
            finder.cache_clear()
            shell.split_cache_clear()
            scan_repository(root, load_catalogue())

        walks, scans = interleaved(lambda: plain_walk(root), new_process_scan, args.repeat)
        result = scan_repository(root, catalogue)
        ratios = sorted(s / w for s, w in zip(scans, walks, strict=True))
        print(f"tree: {files:,} files under {root}; {args.repeat} interleaved runs")
        print(f"signal catalogue: {len(catalogue.signals)} signals, built in {load:.3f} s uncached")
        print(f"os.walk + stat:      {_spread(walks)}")
        print(f"scan (new process):  {_spread(scans)}")
        print(f"first scan on a machine (no cache): {first * 1000:.1f} ms")
        print(
            f"ratio of medians: {statistics.median(scans) / statistics.median(walks):.2f}x "
            f"(per run {ratios[0]:.2f}x to {ratios[-1]:.2f}x; target <= 3x)"
        )
        jobs = len(result.detection.ci.jobs)
        print(f"practices with evidence: {len(result.verdicts)}; CI jobs: {jobs}")
    finally:
        shutil.rmtree(cache_folder, ignore_errors=True)
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The data of the lab's ML system: the breast cancer data set bundled with scikit-learn."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Split:
    """Rows as dicts of text (as a CSV would give them), with an ``id``, and their labels."""

    columns: tuple[str, ...]
    training: list[dict[str, str]]
    holdout: list[dict[str, str]]
    traffic: list[dict[str, str]]


def column_name(name: str) -> str:
    """'mean radius' -> 'mean_radius', 'radius error' -> 'radius_error'."""
    return name.replace(" ", "_")


def load(seed: int = 0) -> Split:
    """Training feed 55 %, the team's evaluation set 15 %, production traffic 30 %."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer()
    columns = tuple(column_name(n) for n in bunch.feature_names)
    order = np.random.default_rng(seed).permutation(len(bunch.target))
    rows = []
    for index in order:
        row = {c: repr(float(v)) for c, v in zip(columns, bunch.data[index], strict=True)}
        rows.append({"id": str(int(index)), **row, "label": str(int(bunch.target[index]))})
    a, b = int(0.55 * len(rows)), int(0.70 * len(rows))
    return Split(columns, rows[:a], rows[a:b], rows[b:])


def write_csv(path: Path, rows: list[dict[str, str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

import csv
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

import train
from features import COLUMNS


def test_training_learns_a_separable_toy_problem(tmp_path):
    rng = random.Random(0)
    path = tmp_path / "toy.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, "label"])
        writer.writeheader()
        for i in range(80):
            label = i % 2
            writer.writerow({**{c: rng.gauss(label * 3 + 1, 0.5) for c in COLUMNS}, "label": label})
    train.main(["--data", str(path), "--out", str(tmp_path)])
    assert json.loads((tmp_path / "metrics.json").read_text())["accuracy"] > 0.9

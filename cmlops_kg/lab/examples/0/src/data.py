"""Reading the upstream training data (CSV with a header row and a 'label' column)."""

import csv


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    labels = [int(r.pop("label")) for r in rows] if rows and "label" in rows[0] else None
    return rows, labels

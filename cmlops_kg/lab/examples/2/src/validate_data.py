"""Validate upstream training data against schema.yaml; exit 1 stops the pipeline."""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import yaml
from data import read_rows


def problems(rows, labels, schema):
    spec = schema["columns"]
    found = []
    if not rows:
        return ["no rows"]
    missing = [c for c in spec["names"] if c not in rows[0]]
    if missing:
        found.append(f"missing columns: {', '.join(missing)}")
    for index, row in enumerate(rows):
        for name in spec["names"]:
            text = row.get(name)
            if text is None:
                continue
            try:
                number = float(text)
            except ValueError:
                found.append(f"row {index}: {name}={text!r} is not a number")
                continue
            if not spec["min"] <= number <= spec["max"]:
                found.append(f"row {index}: {name}={number} out of range")
    if labels is None or set(labels) - set(schema["label"]["values"]):
        found.append("labels missing or outside {0, 1}")
    return found


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--schema", required=True)
    args = parser.parse_args(argv)
    with open(args.schema, encoding="utf-8") as handle:
        schema = yaml.safe_load(handle)
    rows, labels = read_rows(args.data)
    found = problems(rows, labels, schema)
    for problem in found[:10]:
        print(f"data validation: {problem}", file=sys.stderr)
    if found:
        sys.exit(1)
    print(f"data validation: {len(rows)} rows conform")


if __name__ == "__main__":
    main()

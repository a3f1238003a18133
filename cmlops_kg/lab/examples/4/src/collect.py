"""Ground truth joined to the logged predictions: the outcomes of recent requests (from the
labelling service) with the features each prediction was made from (the prediction log), as
training data added to the upstream data and as the evaluation set of a retrained model."""

import argparse
import csv
import json
import os


def logged_features(path):
    """The features each request was served with, by request id (the latest if repeated)."""
    found = {}
    if not os.path.exists(path):
        return found
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            found[str(record["request_id"])] = record["row"]
    return found


def join_ground_truth(outcomes_path, predictions_path):
    if not os.path.exists(outcomes_path):
        return []
    features = logged_features(predictions_path)
    with open(outcomes_path, newline="", encoding="utf-8") as handle:
        outcomes = list(csv.DictReader(handle))
    rows = []
    for outcome in outcomes:
        row = features.get(outcome["request_id"])
        if row is not None:  # an outcome of a request nobody logged cannot be used
            rows.append({**{k: v for k, v in row.items() if k != "id"}, "label": outcome["label"]})
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--predictions", required=True)
    parser.add_argument("--outcomes", required=True)
    parser.add_argument("--out", required=True)
    # recent labelled traffic, the evaluation set of a model retrained after drift
    parser.add_argument("--recent", required=True)
    args = parser.parse_args(argv)
    with open(args.upstream, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    recent = join_ground_truth(args.outcomes, args.predictions)
    labelled_traffic = bool(recent)
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

"""Validate upstream training data with a Pandera schema built from schema.yaml; exit 1 stops
the pipeline before training."""

import argparse
import sys

import pandas as pd
import pandera.pandas as pa
import yaml


def data_schema(spec):
    columns = spec["columns"]
    in_range = pa.Check.in_range(columns["min"], columns["max"])
    return pa.DataFrameSchema(
        {
            **{name: pa.Column(float, in_range, nullable=False) for name in columns["names"]},
            "label": pa.Column(int, pa.Check.isin(spec["label"]["values"]), nullable=False),
        },
        coerce=False,
    )


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", required=True)
    parser.add_argument("--schema", required=True)
    args = parser.parse_args(argv)
    with open(args.schema, encoding="utf-8") as handle:
        schema = data_schema(yaml.safe_load(handle))
    frame = pd.read_csv(args.data)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        for line in errors.failure_cases.head(10).itertuples():
            print(f"data validation: {line.column}: {line.check} ({line.failure_case})", file=sys.stderr)
        sys.exit(1)
    print(f"data validation: {len(frame)} rows conform")


if __name__ == "__main__":
    main()

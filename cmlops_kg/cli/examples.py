"""``cmlops-kg examples``: the bundled case studies, listed or written out, so that an
installed package's users can assess one (``cmlops-kg assess --example NAME``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cmlops_kg.casestudies import case_studies, find_case_study
from cmlops_kg.cli.common import write_output
from cmlops_kg.errors import InputError


def add_examples_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", help="a case study to write out (default: list them)")
    parser.add_argument(
        "-o", "--out", type=Path, metavar="PATH", help="file or folder to write it to"
    )


def run_examples(args: argparse.Namespace) -> int:
    if args.name is None:
        for example in case_studies():
            level = example.expected_level
            suffix = f" (expected level {level})" if level is not None else ""
            print(f"{example.key:20} {example.title}{suffix}")
        return 0
    example = find_case_study(args.name)
    if args.out is None:
        print(example.read_bytes().decode("utf-8"), end="")
        return 0
    target = args.out / example.path.name if args.out.is_dir() else args.out
    if target.exists():
        raise InputError("the file exists already", where=str(target), fix="choose another path")
    write_output(target, example.read_bytes())
    print(f"wrote {target}; next: cmlops-kg assess {target}")
    return 0

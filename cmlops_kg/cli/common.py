"""What several commands share: input and store options, progress bars, writing outputs."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from cmlops_kg.errors import InputError
from cmlops_kg.files import atomic_write
from cmlops_kg.limits import positive_seconds
from cmlops_kg.rdf.profiles import FORMATS
from cmlops_kg.store.base import ENDPOINT_ENV, STORE_ENV

Progress = Callable[[int, int], None]


def add_input_format(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--input-format",
        choices=sorted(FORMATS),
        help="RDF syntax of the input (default: from the file extension)",
    )


def add_store_arguments(parser: argparse.ArgumentParser, timeout: bool = True) -> None:
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        help=f"a shared SPARQL 1.1 server (base or /query URL; default ${ENDPOINT_ENV}). "
        "Credentials come from CMLOPS_KG_ENDPOINT_USER/_PASSWORD or CMLOPS_KG_ENDPOINT_TOKEN",
    )
    add_preset_argument(parser)
    parser.add_argument(
        "--store",
        type=Path,
        metavar="DIR",
        help=f"an embedded store kept on disk in DIR (default ${STORE_ENV})",
    )
    if timeout:
        parser.add_argument(
            "--timeout",
            type=seconds_option,
            metavar="SECONDS",
            help="give up on a server that does not answer within this time (default 30)",
        )


def seconds_option(text: str) -> float:
    """An argparse type: a finite, positive number of seconds (nan, inf, 0, -1 refused)."""
    try:
        return positive_seconds(text, "--timeout")
    except InputError as exc:
        raise argparse.ArgumentTypeError(f"{exc.what}; {exc.fix}") from None


def add_endpoint_argument(parser: argparse.ArgumentParser) -> None:
    """``--endpoint`` for commands that otherwise build an in-memory store (e.g. query)."""
    parser.add_argument(
        "--endpoint",
        metavar="URL",
        help=f"query a shared SPARQL 1.1 server instead (default ${ENDPOINT_ENV})",
    )
    add_preset_argument(parser)


def add_preset_argument(parser: argparse.ArgumentParser) -> None:
    from cmlops_kg.store.presets import PRESET_ENV, presets

    parser.add_argument(
        "--preset",
        choices=sorted(presets()),
        help="the kind of SPARQL server behind --endpoint: where its update and Graph Store "
        f"endpoints are and how it takes credentials (default ${PRESET_ENV}, else the "
        "Oxigraph layout)",
    )


def endpoint_option(endpoint: str | None) -> str | None:
    """The endpoint asked for by --endpoint or $CMLOPS_KG_ENDPOINT, else None."""
    return endpoint or os.environ.get(ENDPOINT_ENV) or None


def write_output(path: Path, data: bytes) -> None:
    atomic_write(path, data)


def progress_bar(stream: TextIO, label: str, width: int = 30) -> Progress:
    """A one-line progress bar redrawn at most ten times a second (and at the end)."""
    last = [0.0]

    def show(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < 0.1:
            return
        last[0] = now
        filled = int(width * done / total) if total else width
        stream.write(f"\r{label} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


def show_progress(option: bool | None) -> bool:
    """--progress / --no-progress, by default when stderr is a terminal."""
    return option if option is not None else sys.stderr.isatty()

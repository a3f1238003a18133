"""``cmlops-kg app``: start the Streamlit explorer that ships in the package."""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
from pathlib import Path

from cmlops_kg.errors import InputError

APP_SCRIPT = Path(__file__).resolve().parent.parent / "app" / "main.py"
DEFAULT_OPTIONS = ["--server.maxUploadSize", "20", "--browser.gatherUsageStats", "false"]


def add_app_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "streamlit_args",
        nargs=argparse.REMAINDER,
        metavar="...",
        help="options for 'streamlit run' (e.g. --server.port 8502), then -- and the app's "
        "own (--endpoint URL, --store DIR)",
    )


def run_app(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("streamlit") is None:
        raise InputError(
            "the explorer needs Streamlit, which is not installed",
            fix="pip install 'cmlops-kg[app]'",
        )
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_SCRIPT),
        *DEFAULT_OPTIONS,  # what .streamlit/config.toml says in the source tree
        *args.streamlit_args,
    ]
    return subprocess.call(command)

"""CI configurations of a repository: providers' parsers and what their jobs run."""

from __future__ import annotations

from cmlops_kg.scanner.ci.model import CiCommand, CiJob, CiParse
from cmlops_kg.scanner.ci.parse import ci_files, job_covers, parse_ci, targets
from cmlops_kg.scanner.ci.steps import StepMapping

__all__ = [
    "CiCommand",
    "CiJob",
    "CiParse",
    "StepMapping",
    "ci_files",
    "job_covers",
    "parse_ci",
    "targets",
]

"""Shared fixtures: the real ontology store, and a mini catalogue for pinning semantics."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmlops_kg.assess import Assessor
from cmlops_kg.paths import EXAMPLES_DIR, ONTOLOGY_DIR
from cmlops_kg.store import EmbeddedStore

FIXTURES = Path(__file__).parent / "fixtures"
MINI_MODULES = ["cmlops.ttl", "core.ttl", "sources.ttl", "external-models.ttl", "metrics.ttl"]


@pytest.fixture(scope="session")
def ontology_store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.load_ontology()
    return store


@pytest.fixture
def mini_assessor() -> Assessor:
    """An assessor over the core modules plus tests/fixtures/mini_catalogue.ttl only."""
    store = EmbeddedStore()
    files = [ONTOLOGY_DIR / m for m in MINI_MODULES if (ONTOLOGY_DIR / m).exists()]
    store.load_ontology([*files, FIXTURES / "mini_catalogue.ttl"])
    return Assessor(store)


def example_profiles() -> list[Path]:
    return sorted(p for p in (EXAMPLES_DIR / "profiles").glob("*.ttl"))


def invalid_profiles() -> list[Path]:
    return sorted(p for p in (EXAMPLES_DIR / "invalid").glob("*.ttl"))

"""The prepared ontology is built once and kept on disk: keyed by its sources, written
atomically, rebuilt when damaged, optional when the disk cannot be written."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from cmlops_kg.rdf.ontology import ontology_files
from cmlops_kg.store import cache
from cmlops_kg.store.embedded import EmbeddedStore
from cmlops_kg.store.inference import prepared_ontology_ntriples
from cmlops_kg.vocab import ONTOLOGY_GRAPH

PROBE = "https://w3id.org/cmlops#cache-probe"


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    cache.clear_memory()
    yield tmp_path
    cache.clear_memory()


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("ontology-*.nt"))


def test_first_use_writes_the_cache_and_later_uses_read_it(cache_dir: Path) -> None:
    built = prepared_ontology_ntriples()
    (written,) = _files(cache_dir)
    cache.clear_memory()
    assert prepared_ontology_ntriples() == built
    assert _files(cache_dir) == [written]
    assert not list(cache_dir.glob(".ontology-*"))  # no temporary file left behind


def test_a_damaged_cache_file_is_rebuilt(cache_dir: Path) -> None:
    built = prepared_ontology_ntriples()
    (written,) = _files(cache_dir)
    written.write_bytes(written.read_bytes()[:-500])  # truncated, e.g. a full disk
    cache.clear_memory()
    rebuilt = prepared_ontology_ntriples()  # blank nodes get new labels: compare sizes
    assert rebuilt.count(b"\n") == built.count(b"\n")
    assert written.read_bytes().endswith(rebuilt)


def test_changed_sources_get_their_own_entry(cache_dir: Path, tmp_path_factory) -> None:
    copy = tmp_path_factory.mktemp("onto")
    files = []
    for path in ontology_files():
        target = copy / path.name
        target.write_bytes(path.read_bytes())
        files.append(target)
    prepared_ontology_ntriples(files)
    files[-1].write_text(
        files[-1].read_text(encoding="utf-8")
        + f'\n<{PROBE}> <http://www.w3.org/2000/01/rdf-schema#label> "probe" .\n',
        encoding="utf-8",
    )
    changed = prepared_ontology_ntriples(files)
    assert len(_files(cache_dir)) == 2
    assert b"cache-probe" in changed


def test_concurrent_first_uses_agree(cache_dir: Path) -> None:
    results: list[bytes] = []

    def build() -> None:
        results.append(cache.cached_ntriples("k" * 32, lambda: b"<urn:a> <urn:b> <urn:c> .\n"))

    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(results) == {b"<urn:a> <urn:b> <urn:c> .\n"}
    assert len(_files(cache_dir)) == 1


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))
    cache.clear_memory()
    try:
        assert prepared_ontology_ntriples()
    finally:
        cache.clear_memory()


def test_the_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, "off")
    assert cache.cache_dir() is None


def test_a_store_loads_the_prepared_ontology_in_bulk(cache_dir: Path) -> None:
    store = EmbeddedStore()
    store.load_ontology()
    assert ONTOLOGY_GRAPH in store.graphs()
    # the derived index (queries/prepare) is part of what is loaded
    rows = store.select("questionnaire")
    assert rows


# -- the scanner's signal catalogue: its query rows cached the same way ------------------------
def test_the_signal_catalogue_from_the_cache_equals_the_one_read_from_a_store(cache_dir: Path):
    from cmlops_kg.scanner.signals import load_catalogue, scanner_store

    first = load_catalogue()  # builds and writes the cache
    (written,) = sorted(cache_dir.glob("signals-*.json"))
    cache.clear_memory()
    cached = load_catalogue()  # read back from disk
    fresh = load_catalogue(scanner_store())  # no cache involved
    for catalogue in (first, cached):
        assert catalogue.signals == fresh.signals
        assert catalogue.practice_labels == fresh.practice_labels
        assert catalogue.uncovered == fresh.uncovered
        assert catalogue.weights == fresh.weights
        assert catalogue.mappings == fresh.mappings
        assert catalogue.scopes == fresh.scopes
    written.write_bytes(written.read_bytes()[:-100])  # damaged: rebuilt, same catalogue
    cache.clear_memory()
    assert load_catalogue().signals == fresh.signals

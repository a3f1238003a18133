"""Store faults become exit 3 with what happened and what to do, never an OSError traceback:
a store locked by another process, a read-only or non-directory path, a full disk; close()
releases the lock; staging graphs of a load that died are dropped when the store is next opened."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import textwrap

import pyoxigraph as ox
import pytest

from cmlops_kg.cli import main
from cmlops_kg.errors import StoreError
from cmlops_kg.resources import EXAMPLES_DIR
from cmlops_kg.store.base import STAGING_PREFIX
from cmlops_kg.store.embedded import EmbeddedStore

PROFILE = str(EXAMPLES_DIR / "profiles" / "basketful-retail.ttl")


def _load(store_dir, capsys) -> tuple[int, str]:
    code = main(["load", PROFILE, "--store", str(store_dir)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_a_store_path_that_is_a_file(tmp_path, capsys):
    path = tmp_path / "store"
    path.write_text("not a store")
    code, err = _load(path, capsys)
    assert code == 3 and "not a directory" in err and "How to fix" in err


def _holder(path) -> subprocess.Popen:
    """Another process holding the store writable (its lock taken) until stdin closes."""
    code = textwrap.dedent(
        f"""
        import sys, pyoxigraph
        s = pyoxigraph.Store({str(path)!r})
        print("open", flush=True)
        sys.stdin.read()
        """
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "open"
    return holder


def test_a_store_locked_by_another_process(tmp_path, capsys):
    holder = _holder(tmp_path / "store")
    try:
        code, err = _load(tmp_path / "store", capsys)
        assert code == 3 and "in use" in err and "How to fix" in err
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through read-only permissions")
def test_a_read_only_store_directory(tmp_path, capsys):
    path = tmp_path / "store"
    path.mkdir()
    path.chmod(0o500)
    try:
        code, err = _load(path, capsys)
        assert code == 3 and "How to fix" in err
    finally:
        path.chmod(0o700)


def test_a_full_disk_while_opening(tmp_path, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ox, "Store", full)
    with pytest.raises(StoreError) as info:
        EmbeddedStore(tmp_path / "store")
    assert "No space left" in info.value.what and "free" in info.value.fix


def test_a_full_disk_while_writing(tmp_path):
    store = EmbeddedStore(tmp_path / "store")

    class Full:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise OSError(errno.ENOSPC, "No space left on device")

            return fail

    store._store = Full()  # every write hits a full disk
    with pytest.raises(StoreError) as info:
        store.add_triples("urn:g", [])
    assert "No space left" in info.value.what


def test_close_releases_the_lock(tmp_path):
    first = EmbeddedStore(tmp_path / "store")
    first.close()
    second = EmbeddedStore(tmp_path / "store")  # would fail with "lock" if still held
    second.close()


def test_staging_graphs_of_a_dead_load_are_dropped_on_the_next_open(tmp_path):
    store = EmbeddedStore(tmp_path / "store")
    stale = ox.NamedNode(f"{STAGING_PREFIX}1:deadbeef")
    store.oxigraph.add(
        ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"), stale)
    )
    store.close()
    reopened = EmbeddedStore(tmp_path / "store")
    assert stale.value not in reopened.graphs()


# -- reading without the lock (issue 15: "the store opened read-only where only reading") ------
PROFILES = sorted((EXAMPLES_DIR / "profiles").glob("*.ttl"))


def test_portfolio_and_query_read_a_store_another_process_holds(tmp_path, capsys):
    path = tmp_path / "store"
    assert main(["load", PROFILE, "--store", str(path)]) == 0
    capsys.readouterr()
    holder = _holder(path)
    try:
        assert main(["portfolio", "--store", str(path), "--format", "csv"]) == 0
        assert "Basketful" in capsys.readouterr().out
        assert main(["query", "organisations", "--store", str(path), "--format", "csv"]) == 0
        assert "basketful" in capsys.readouterr().out.lower()
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_a_load_goes_on_while_a_reader_has_the_store_open(tmp_path, capsys):
    path = tmp_path / "store"
    assert main(["load", PROFILES[0].as_posix(), "--store", str(path)]) == 0
    reader = EmbeddedStore(path, read_only=True)
    before = {e.organisation for e in reader.organisations()}
    assert main(["load", PROFILES[1].as_posix(), "--store", str(path)]) == 0  # was: "in use"
    assert {e.organisation for e in reader.organisations()} == before  # its snapshot
    reader.refresh()
    assert len({e.organisation for e in reader.organisations()}) == len(before) + 1
    reader.close()


def test_a_read_only_store_refuses_writes_with_a_clear_error(tmp_path):
    path = tmp_path / "store"
    EmbeddedStore(path).close()
    reader = EmbeddedStore(path, read_only=True)
    for write in (
        lambda: reader.add_triples("urn:g", []),
        lambda: reader.drop_graph("urn:g"),
        lambda: reader.update("CLEAR ALL"),
        reader.load_ontology,
    ):
        with pytest.raises(StoreError, match="opened read-only") as info:
            write()
        assert info.value.exit_code == 3
    reader.close()


def test_reading_a_store_that_does_not_exist(tmp_path, capsys):
    missing = tmp_path / "typo"
    assert main(["portfolio", "--store", str(missing)]) == 3
    err = capsys.readouterr().err
    assert "no store here" in err and f"cmlops-kg load FILE --store {missing}" in err
    assert "Traceback" not in err
    assert not missing.exists()  # reading never creates a store
    assert main(["query", "organisations", "--store", str(missing)]) == 3


def test_a_read_only_store_with_profiles_but_no_ontology(tmp_path, capsys):
    from cmlops_kg import api

    path = tmp_path / "store"
    writer = EmbeddedStore(path)
    writer.oxigraph.add(
        ox.Quad(
            ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal("o"), ox.NamedNode("urn:g")
        )
    )
    writer.close()
    with pytest.raises(StoreError, match="not the ontology"):
        api.open_store(location=path, read_only=True)
    assert main(["portfolio", "--store", str(path)]) == 3
    assert "cmlops-kg load" in capsys.readouterr().err

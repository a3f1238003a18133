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


def test_a_store_locked_by_another_process(tmp_path, capsys):
    path = tmp_path / "store"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, pyoxigraph
                s = pyoxigraph.Store({str(path)!r})
                print("open", flush=True)
                sys.stdin.read()
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        code, err = _load(path, capsys)
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

"""The analysts' snapshot: a complete, stamped copy that replaces the old one atomically."""

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from newsflow.errors import WarehouseError
from newsflow.warehouse import spool
from newsflow.warehouse.load import load_pending
from newsflow.warehouse.location import is_lake, locate
from newsflow.warehouse.snapshot import publish_snapshot, snapshot_published_at
from tests.locks import warehouse_locked
from tests.warehouse.test_spool import staged


def load(db, folder, run_id, articles, first):
    spool.stage(folder, staged(run_id, articles, first=first))
    assert load_pending(db, folder).error is None


def count_elsewhere(path):
    """Articles in the file, counted by another process (DuckDB shares one open database per
    path within a process, so a second connection here would see the old file)."""
    code = (
        "import duckdb, sys; "
        "print(duckdb.connect(sys.argv[1], read_only=True).sql('FROM articles').shape[0])"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True)
    return int(out.stdout)


def test_the_snapshot_holds_what_the_warehouse_held_and_says_when(warehouse, tmp_path):
    db, snap = warehouse, tmp_path / "w.analyst.duckdb"
    load(db, tmp_path / "spool", "run-a", 12, first=0)
    published = publish_snapshot(db, snap)
    assert published.articles == 12 and published.size_bytes == snap.stat().st_size
    with duckdb.connect(str(snap), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (12,)
        assert con.execute("SELECT count(*) FROM articles_unique").fetchone() == (12,)
        source = con.execute("SELECT warehouse FROM snapshot_info").fetchone()[0]
    assert source == (db if is_lake(db) else str(Path(db).resolve()))
    assert snapshot_published_at(snap) == published.published_at
    assert not list(tmp_path.glob(".*partial*"))  # no leftovers beside it


def test_an_open_analyst_connection_keeps_working_while_a_new_snapshot_lands(warehouse, tmp_path):
    db, snap, folder = warehouse, tmp_path / "snap.duckdb", tmp_path / "spool"
    load(db, folder, "run-a", 5, first=0)
    publish_snapshot(db, snap)
    analyst = duckdb.connect(str(snap), read_only=True)
    try:
        load(db, folder, "run-b", 7, first=1)  # the analyst does not block the load ...
        publish_snapshot(db, snap)  # ... nor the next snapshot
        assert analyst.execute("SELECT count(*) FROM articles").fetchone() == (5,)
        assert count_elsewhere(snap) == 12  # a new analyst (another process) sees the new one
    finally:
        analyst.close()


@pytest.mark.parametrize("backend", ["duckdb"])  # a lake has no lock
def test_a_locked_warehouse_leaves_the_previous_snapshot_in_place(tmp_path, backend):
    db, snap = tmp_path / "w.duckdb", tmp_path / "snap.duckdb"
    load(db, tmp_path / "spool", "run-a", 3, first=0)
    first = publish_snapshot(db, snap)
    with warehouse_locked(db), pytest.raises(WarehouseError, match="cannot open"):
        publish_snapshot(db, snap, wait=0.5)
    assert snapshot_published_at(snap) == first.published_at


def test_the_snapshot_cannot_overwrite_the_warehouse(warehouse, tmp_path):
    load(warehouse, tmp_path / "spool", "run-a", 1, first=0)
    itself = tmp_path / "." / locate(warehouse).file.name  # the file, or the lake's catalog
    with pytest.raises(WarehouseError, match="cannot be the warehouse"):
        publish_snapshot(warehouse, itself)

"""The spool: staged runs survive a locked warehouse and a killed load, and load once."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import duckdb
import pytest

from newsflow.warehouse import spool
from newsflow.warehouse.load import load_pending
from newsflow.warehouse.spool import StagedLoad
from tests.factories import NOW, make_article, make_fetch, make_run, make_state
from tests.locks import warehouse_locked
from tests.warehouse.backends import count as rows
from tests.warehouse.backends import query


def staged(run_id: str, articles: int, first: int = 0) -> StagedLoad:
    started = NOW + timedelta(minutes=first)
    return StagedLoad(
        run=make_run(run_id, started_at=started),
        sources=[make_state()],
        fetches=[make_fetch(fetched_at=started)],
        articles=[make_article(first * 100_000 + n) for n in range(articles)],
    )


def count(db, table="articles"):
    return rows(db, table)


def test_staged_runs_load_oldest_first_and_leave_the_spool_empty(warehouse, tmp_path):
    db, folder = warehouse, tmp_path / "spool"
    later = spool.stage(folder, staged("run-b", 3, first=1))
    earlier = spool.stage(folder, staged("run-a", 2))
    assert spool.pending(folder) == [earlier, later]
    result = load_pending(db, folder)
    assert [run.run_id for run, _ in result.loaded] == ["run-a", "run-b"]
    assert result.error is None and spool.pending(folder) == []
    assert (count(db), count(db, "runs")) == (5, 2)


@pytest.mark.parametrize("backend", ["duckdb"])  # a lake has no lock
def test_a_locked_warehouse_keeps_the_run_staged_until_it_is_free(tmp_path, backend):
    db, folder = tmp_path / "w.duckdb", tmp_path / "spool"
    duckdb.connect(str(db)).close()
    with warehouse_locked(db):
        spool.stage(folder, staged("run-a", 4))
        result = load_pending(db, folder, wait=0.5)
        assert result.loaded == () and "cannot open warehouse" in result.error
        assert result.waiting == 1
    result = load_pending(db, folder)
    assert [run.run_id for run, _ in result.loaded] == ["run-a"] and count(db) == 4


def test_an_unreadable_file_is_set_aside_not_deleted(warehouse, tmp_path):
    db, folder = warehouse, tmp_path / "spool"
    folder.mkdir()
    (folder / "20260101T000000000000-broken.load").write_bytes(b"not a pickle")
    spool.stage(folder, staged("run-a", 1))
    result = load_pending(db, folder)
    assert [run.run_id for run, _ in result.loaded] == ["run-a"]
    assert (folder / "failed" / "20260101T000000000000-broken.load").exists()


LOADER = """
import sys
from pathlib import Path
from newsflow.warehouse.load import load_pending
print("loading", flush=True)
load_pending(sys.argv[1], Path(sys.argv[2]))
print("loaded", flush=True)
"""


def test_kill_9_during_the_load_loses_and_doubles_nothing(warehouse, tmp_path):
    db, folder = warehouse, tmp_path / "spool"
    spool.stage(folder, staged("run-a", 10))
    load_pending(db, folder)  # the warehouse's previous content
    spool.stage(folder, staged("run-b", 20_000, first=1))
    loader = subprocess.Popen(
        [sys.executable, "-c", LOADER, str(db), str(folder)], stdout=subprocess.PIPE, text=True
    )
    assert loader.stdout.readline().strip() == "loading"
    time.sleep(0.5)  # into the load of 20,000 articles
    os.kill(loader.pid, signal.SIGKILL)
    loader.wait()
    loader.stdout.close()
    assert count(db) in (10, 20_010)  # the previous content, or all of it: never half a run
    result = load_pending(db, folder)  # the next run loads what is still staged
    assert result.error is None and spool.pending(folder) == []
    assert count(db) == 20_010
    runs = query(db, "SELECT run_id FROM runs ORDER BY 1")
    assert runs == [("run-a",), ("run-b",)]

"""The spool: staged runs survive a locked warehouse and a killed load, and load once."""

import os
import signal
import subprocess
import sys
import threading
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
import threading
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


def test_a_run_loaded_by_another_process_is_still_reported_to_the_run_that_staged_it(
    warehouse, tmp_path
):
    db, folder = warehouse, tmp_path / "spool"
    mine = staged("run-a", 3)
    spool.stage(folder, mine)
    first = load_pending(db, folder)  # the other process drains the shared spool first
    result = load_pending(db, folder, own=mine.run)
    assert result.loaded == first.loaded and result.of("run-a")[0].articles_new == 3
    assert load_pending(db, folder).loaded == ()  # only the caller's own run is looked up
    assert count(db) == 3


def _descriptors_open_on(path):
    fds = os.listdir("/proc/self/fd")
    return sum(1 for fd in fds if _target(fd) == str(path))


def _target(fd):
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return None


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs Linux's /proc")
def test_a_claimed_file_waits_and_is_read_even_after_its_holder_deleted_it(tmp_path):
    folder = tmp_path / "spool"
    path = spool.stage(folder, staged("run-a", 2))
    seen = []
    with spool.claim(path) as held:
        assert held is not None and held.run.run_id == "run-a"
        waiter = threading.Thread(target=lambda: seen.append(_claim_once(path)))
        waiter.start()
        deadline = time.monotonic() + 30
        while _descriptors_open_on(path) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)  # until the waiter has opened the file and waits for the claim
        assert _descriptors_open_on(path) == 2
        assert seen == []  # still waiting: the claim is held
        spool.done(path)  # the holder loaded it
    waiter.join(timeout=30)
    assert seen == ["run-a"] and not path.exists()


def _claim_once(path):
    with spool.claim(path) as load:
        return None if load is None else load.run.run_id


def test_a_file_gone_before_its_claim_is_skipped(tmp_path):
    path = spool.stage(tmp_path / "spool", staged("run-a", 1))
    spool.done(path)
    assert _claim_once(path) is None

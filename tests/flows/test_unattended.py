"""Unattended operation: analysts on the snapshot during an ingest, and two ingests at once."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb

from newsflow.flows.ingest import ingest

ANALYST = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print("open", flush=True)
ok = errors = 0
while sys.stdin.readline().strip() == "query":
    try:
        con.execute(
            "SELECT language, count(*) FROM articles_unique GROUP BY ALL ORDER BY 2 DESC"
        ).fetchall()
        ok += 1
        print(con.execute("SELECT count(*) FROM articles").fetchone()[0], flush=True)
    except Exception as exc:
        errors += 1
        print("error", exc, flush=True)
print("done", ok, errors, flush=True)
"""


def feeds_file(path: Path, urls: list[str]) -> Path:
    path.write_text("sources:\n" + "".join(f"  - url: {url}\n" for url in urls))
    return path


def articles(db: Path) -> tuple[int, int]:
    """Rows and distinct ids of `articles`."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT count(*), count(DISTINCT article_id) FROM articles").fetchone()


def test_an_analyst_on_the_snapshot_never_blocks_the_ingest(prefect_harness, demo_site, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    snapshot = tmp_path / "warehouse.analyst.duckdb"
    urls = demo_site.feed_urls()
    first = ingest(feeds=str(feeds_file(tmp_path / "some.yaml", urls[:2])), db=str(db))
    assert first.snapshot == str(snapshot) and first.snapshot_error is None
    before = first.run.articles_new
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(snapshot)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert analyst.stdout.readline().strip() == "open"
        analyst.stdin.write("query\n")
        analyst.stdin.flush()
        assert int(analyst.stdout.readline()) == before
        second = ingest(feeds=str(feeds_file(tmp_path / "all.yaml", urls)), db=str(db))
        assert second.load_error is None and second.snapshot_error is None
        assert second.run.articles_new > 0 and second.staged_runs == 0
        analyst.stdin.write("query\nstop\n")
        analyst.stdin.flush()
        assert int(analyst.stdout.readline()) == before  # still the snapshot it opened
        assert analyst.stdout.readline().split() == ["done", "2", "0"]
    finally:
        analyst.kill()
        analyst.communicate()  # waits, and closes its pipes
    total = before + second.run.articles_new
    assert articles(db) == (total, total)
    with duckdb.connect(str(snapshot), read_only=True) as con:  # a new analyst sees it all
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (total,)


def test_two_ingests_at_once_both_finish_and_load_each_article_once(demo_site, tmp_path):
    db = tmp_path / "warehouse.duckdb"
    feeds = feeds_file(tmp_path / "feeds.yaml", demo_site.feed_urls())
    env = {**os.environ, "NEWSFLOW_LOCK_WAIT": "300"}
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "newsflow", "ingest", "--all", "--feeds", str(feeds)]
    runs = [
        subprocess.Popen(
            [*command, "--db", str(db)],
            # each CLI run starts Prefect's embedded API on its own state: the contention under
            # test is the warehouse's, not that of two embedded APIs migrating one SQLite file
            env={**env, "PREFECT_HOME": str(tmp_path / f"prefect-{n}")},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n in range(2)
    ]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [out[-3000:] for out in outputs]
    rows, distinct = articles(db)
    assert rows == distinct and rows >= 40
    with duckdb.connect(str(db), read_only=True) as con:
        new = con.execute("SELECT sum(articles_new), count(*) FROM runs").fetchone()
        dedup = con.execute("SELECT count(*), count(DISTINCT article_id) FROM article_dedup")
        dedup_rows = dedup.fetchone()
        topics = con.execute(
            "SELECT count(*) - count(DISTINCT (article_id, code)) FROM article_topics"
        ).fetchone()
    assert new == (rows, 2)  # each article counted as new by exactly one of the two runs
    assert dedup_rows == (rows, rows) and topics == (0,)
    assert not list((tmp_path / "warehouse.duckdb.spool").glob("*.pickle"))

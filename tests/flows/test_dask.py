"""The ingest flow on a local Dask cluster of 2 workers equals the in-process run (one flow run
each: a cluster costs several seconds to start)."""

import math
import time
from dataclasses import replace

import duckdb
import psutil

from newsflow.flows import pipeline
from newsflow.flows.ingest import ingest
from newsflow.flows.runners import page_batch_size, task_runner
from newsflow.settings import Settings

DASK_WORKERS = 2


def rows(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def children() -> set[int]:
    """Our child processes, but multiprocessing's resource tracker (one per interpreter, kept)."""
    kids = psutil.Process().children(recursive=True)
    return {p.pid for p in kids if "resource_tracker" not in " ".join(_cmdline(p))}


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:  # it left meanwhile
        return []


def wait_for_children_to_leave(before: set[int], timeout: float = 30.0) -> set[int]:
    """Processes started since `before` that are still alive after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while (left := children() - before) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def test_dask_run_loads_what_the_in_process_run_loads(
    prefect_harness, demo_site, tmp_path, monkeypatch
):
    monkeypatch.setenv("NEWSFLOW_SNAPSHOT", "off")
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("sources:\n" + "".join(f"  - url: {u}\n" for u in demo_site.feed_urls()))
    local, dask = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"

    in_process = ingest(feeds=str(feeds), db=str(local))

    pipeline.shutdown_pool()  # so that we can tell that the Dask run starts none
    before = children()
    settings = replace(Settings.from_env(), dask="local", workers=DASK_WORKERS)
    on_dask = ingest.with_options(task_runner=task_runner(settings))(feeds=str(feeds), db=str(dask))
    assert wait_for_children_to_leave(before) == set()  # the cluster is gone, workers too
    assert pipeline._pool is None  # nothing was extracted in this process's pool

    assert in_process.run.articles_new == on_dask.run.articles_new > 40
    assert (on_dask.run.pages_fetched, on_dask.run.pages_failed) == (
        in_process.run.pages_fetched,
        in_process.run.pages_failed,
    )
    articles = (
        "SELECT article_id, canonical_url, text_hash, word_count, language, title,"
        " duplicate_of, duplicate_kind, round(similarity, 6), cluster_id"
        " FROM articles ORDER BY article_id"
    )
    assert rows(dask, articles) == rows(local, articles)
    assert rows(dask, "SELECT count(*) FROM articles WHERE duplicate_of IS NOT NULL") == [(2,)]
    tags = "SELECT article_id, scheme, code FROM article_topics ORDER BY ALL"
    assert rows(dask, tags) == rows(local, tags) != []
    captures = "SELECT count(*) FROM captures"
    assert rows(dask, captures) == rows(local, captures) != [(0,)]
    assert {s.feed for s in on_dask.sources} == {"ok"}

    # smaller batches spread over the workers (one WARC file each), one batch in-process
    pages = len(demo_site.articles)
    batches = "SELECT count(DISTINCT warc_path) FROM captures"
    assert rows(local, batches) == [(1,)]
    size = page_batch_size(pages, settings.page_batch_size, DASK_WORKERS)
    assert rows(dask, batches) == [(math.ceil(pages / size),)] != [(1,)]

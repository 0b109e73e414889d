"""Benchmark: extraction on a local Dask cluster versus newsflow's in-process pool, on the same
pages, and the overhead of one task on each.

    uv run python bench/dask_extraction.py [--copies 10] [--workers 2] [--tasks 400] [--no-flow]

Pages: the demo site's article pages (each article `--copies` times under other URLs), rendered
in memory as `ingest_vs_trafilatura.py` does, extracted and enriched by `extract_fetched` (the
code of the ingest's fetch-and-extract task, without the fetch):

- pool: one call in this process, the process pool of `--workers` processes (the default path);
- Dask: a LocalCluster of `--workers` processes with one thread each (as NEWSFLOW_DASK=local
  starts), one plain Dask task per batch, each extracting inline, for several batch sizes.
  The pages' bytes travel to the workers here; in a flow run each worker fetches its own.

Every configuration runs once untimed (lexicons and models load lazily in each process), then
`--repeat` times; the best time counts. Overhead: `--tasks` no-op tasks through a plain Dask
client, the process pool, and Prefect (ThreadPoolTaskRunner vs DaskTaskRunner on the same
cluster, under Prefect's temporary API). Unless `--no-flow`, the ingest flow itself runs against
the demo site (served by a separate process) in-process and with NEWSFLOW_DASK=local.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ["NEWSFLOW_ALLOW_PRIVATE_NETWORKS"] = "1"
os.environ.setdefault("NEWSFLOW_HOST_DELAY", "0")  # our own loopback site: no pacing
os.environ.setdefault("NEWSFLOW_SNAPSHOT", "off")

from distributed import Client, LocalCluster

from newsflow.flows.demo import DemoSite, serve_demo_site
from newsflow.flows.pipeline import INLINE, extract_fetched, extraction_pool, shutdown_pool
from newsflow.flows.runners import BATCHES_PER_SLOT, local_cluster_options
from newsflow.models import FeedEntry, FetchResult

Pages = tuple[list[FeedEntry], list[FetchResult]]


def demo_pages(copies: int) -> Pages:
    """Every ok article page of the demo site (`copies` times), as fetched."""
    site = DemoSite("http://127.0.0.1:1", copies=copies)  # rendered, never served
    now = datetime.now(UTC)
    entries, fetches = [], []
    for article in (a for a in site.articles if a.status == "ok"):
        url = site.base_url + article.path
        response = site.respond("GET", article.path, {})
        entries.append(FeedEntry("demo", url, title=article.title, published_at=article.published))
        fetches.append(
            FetchResult(
                url,
                "article",
                "demo",
                now,
                final_url=url,
                status=response.status,
                body=response.body,
                content_type=response.headers["Content-Type"],
            )
        )
    return entries, fetches


def extract_batch(entries: list[FeedEntry], fetches: list[FetchResult]) -> int:
    """Dask worker side: extract a batch inline; the number of articles."""
    outcomes = extract_fetched(entries, fetches, [None] * len(fetches), {}, INLINE)
    return sum(1 for o in outcomes if o.article is not None)


def best_of(repeat: int, run: Callable[[], int]) -> tuple[int, float]:
    """(articles, best seconds) of `repeat` timed runs after one untimed warm-up run."""
    run()
    times, articles = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        articles = run()
        times.append(time.perf_counter() - started)
    return articles, min(times)


def on_pool(pages: Pages, workers: int) -> int:
    """The default path: one call, the process pool."""
    entries, fetches = pages
    outcomes = extract_fetched(entries, fetches, [None] * len(fetches), {}, workers)
    return sum(1 for o in outcomes if o.article is not None)


def on_dask(client: Client, pages: Pages, size: int) -> int:
    """One plain Dask task per batch of `size` pages."""
    entries, fetches = pages
    futures = [
        client.submit(extract_batch, entries[i : i + size], fetches[i : i + size], pure=False)
        for i in range(0, len(entries), size)
    ]
    return sum(client.gather(futures))


def noop(n: int) -> int:
    return n


def per_task_ms(submit_all: Callable[[], Sequence[Any]], tasks: int) -> float:
    """Milliseconds per task of `tasks` no-op tasks submitted at once, after a warm-up."""
    submit_all()
    started = time.perf_counter()
    submit_all()
    return (time.perf_counter() - started) * 1000 / tasks


def prefect_overhead(address: str, tasks: int) -> dict[str, float]:
    """ms per no-op Prefect task mapped in a flow: threads, and Dask at `address`."""
    from prefect import flow, task
    from prefect.task_runners import ThreadPoolTaskRunner

    from newsflow.flows.dask_support import DaskTaskRunner

    @task(persist_result=False)
    def tiny(n: int) -> int:
        return n

    @flow(persist_result=False)
    def many(n: int) -> int:
        return sum(f.result() for f in tiny.map(range(n)))

    many.with_options(task_runner=ThreadPoolTaskRunner())(2)  # starts Prefect's temporary API
    results = {}
    for name, runner in (
        ("Prefect, ThreadPoolTaskRunner", ThreadPoolTaskRunner()),
        ("Prefect, DaskTaskRunner", DaskTaskRunner(address=address)),
    ):
        started = time.perf_counter()
        many.with_options(task_runner=runner)(tasks)
        results[name] = (time.perf_counter() - started) * 1000 / tasks
    return results


def serve_forever(copies: int, ready: Any) -> None:
    """Child process: serve the demo site until terminated."""
    with serve_demo_site(copies=copies) as site:
        ready.put(site.base_url)
        threading.Event().wait()


def flow_runs(copies: int, workers: int) -> list[tuple[str, float, float, float, int]]:
    """The ingest flow in-process and on NEWSFLOW_DASK=local against a served demo site:
    (name, run s, poll s (the local cluster starts then), fetch-and-extract s, articles)."""
    from newsflow.flows.ingest import ingest
    from newsflow.flows.runners import task_runner
    from newsflow.settings import Settings

    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    server = context.Process(target=serve_forever, args=(copies, ready), daemon=True)
    server.start()
    site = DemoSite(ready.get(timeout=120), copies=copies)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        feeds = Path(tmp) / "feeds.opml"
        feeds.write_bytes(site.opml())
        settings = replace(Settings.from_env(), workers=workers)
        for name, dask in (("ingest flow, in-process pool", None), ("ingest flow, Dask", "local")):
            shutdown_pool()  # each flow run on a worker is a new process: a cold pool
            runner = task_runner(replace(settings, dask=dask))
            report = ingest.with_options(task_runner=runner)(
                feeds=str(feeds), db=str(Path(tmp) / f"{dask or 'pool'}.duckdb")
            )
            run, seconds = report.run, dict(report.stage_seconds)
            total = (run.finished_at - run.started_at).total_seconds()
            polls, pages = seconds["poll feeds"], seconds["fetch and extract"]
            results.append((name, total, polls, pages, run.articles_new))
    server.terminate()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=10, help="copies of each demo article")
    parser.add_argument("--workers", type=int, default=2, help="pool processes / Dask workers")
    parser.add_argument("--tasks", type=int, default=400, help="no-op tasks for the overhead")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per configuration")
    parser.add_argument("--no-flow", action="store_true", help="skip the ingest flow runs")
    args = parser.parse_args()
    workers = args.workers
    print(
        f"cores: {os.cpu_count()}  python: {sys.version.split()[0]}  dask: {version('dask')}  "
        f"distributed: {version('distributed')}  prefect: {version('prefect')}  "
        f"prefect-dask: {version('prefect-dask')}  trafilatura: {version('trafilatura')}"
    )
    pages = demo_pages(args.copies)
    count = len(pages[0])
    print(f"{count} demo pages, {workers} worker processes, best of {args.repeat}\n")

    rows: list[tuple[str, int, float]] = []
    pool = extraction_pool(workers)
    rows.append(
        ("in-process pool (default)", *best_of(args.repeat, lambda: on_pool(pages, workers)))
    )
    started = time.perf_counter()
    with LocalCluster(**local_cluster_options(workers)) as cluster, Client(cluster) as client:
        cluster_start = time.perf_counter() - started
        sizes = {
            f"Dask, {n} batch(es) per worker ({math.ceil(count / (workers * n))} pages)"
            + ("; newsflow" if n == BATCHES_PER_SLOT else ""): math.ceil(count / (workers * n))
            for n in (1, 2, 4, 8)
        }
        sizes["Dask, batches of 200 pages (NEWSFLOW_PAGE_BATCH)"] = 200
        sizes["Dask, batches of 4 pages"] = 4
        for name, size in sizes.items():
            rows.append((name, *best_of(args.repeat, lambda s=size: on_dask(client, pages, s))))
        print(f"{'extraction':<68} {'articles':>8} {'seconds':>8} {'pages/s':>8}")
        for name, articles, seconds in rows:
            print(f"{name:<68} {articles:>8} {seconds:>8.2f} {count / seconds:>8.1f}")

        overhead = {
            "plain Dask client.submit": per_task_ms(
                lambda: client.gather(
                    [client.submit(noop, i, pure=False) for i in range(args.tasks)]
                ),
                args.tasks,
            ),
            "ProcessPoolExecutor.submit (newsflow's pool)": per_task_ms(
                lambda: [f.result() for f in [pool.submit(noop, i) for i in range(args.tasks)]],
                args.tasks,
            ),
        }
        overhead.update(prefect_overhead(cluster.scheduler_address, min(args.tasks, 100)))
        print(f"\nLocalCluster of {workers} workers (preloaded) started in {cluster_start:.1f} s")
        print(f"{'overhead of one no-op task':<68} {'ms':>8}")
        for name, ms in overhead.items():
            print(f"{name:<68} {ms:>8.2f}")
    if not args.no_flow:
        print(
            f"\n{'ingest flow over HTTP (site served by another process)':<56} {'run s':>7} "
            f"{'poll s':>7} {'fetch+extract s':>15} {'articles':>8}"
        )
        for name, total, polls, pages, articles in flow_runs(args.copies, workers):
            print(f"{name:<56} {total:>7.1f} {polls:>7.1f} {pages:>15.1f} {articles:>8}")


if __name__ == "__main__":
    main()

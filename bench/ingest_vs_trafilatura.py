"""Benchmark: pages/s of the newsflow ingest against a loopback news site versus plain
`trafilatura.extract` on the same pages, in the same run.

    uv run python bench/ingest_vs_trafilatura.py [--corpus real|demo] [--copies 10]
                                                 [--workers 1 2]

`--corpus real` (the default when ../shared/data/extraction is there) serves the 1,150 real
article pages of the shared extraction corpora behind RSS feeds of 50 items (`real_pages.py`);
`--corpus demo` serves the bundled demo site with `--copies` distinct copies of its 45 articles
(`DemoSite(distinct=True)`: other stories in the same templates and languages; short pages of
9 to 15 KB, so the fixed costs per page weigh more than on real pages).

The ingest is the real Prefect flow (embedded API) over real HTTP on 127.0.0.1: fetch feeds,
parse, fetch pages, extract (text + Markdown + metadata), detect language, tag topics, places
and keywords, dedup, load DuckDB. Two baselines run in one process on the same page bytes,
already in memory (no HTTP, no storage): `trafilatura.extract` with the options newsflow uses
(fast, no comments, formatting, tables, metadata; the feed gives a date, so no extensive date
search) and the lighter `extract(fast=True, include_comments=False)`. Also printed: the ingest's
wall time per stage (from its report) and the peak RSS of this process and its children. The
flow's time is taken from its own run record (start to load committed), so the one-off start of
Prefect's temporary API server is reported separately. The demo site runs in a separate process,
as a real web server would, so that its rendering and compression do not count as ingest time
(it still shares the machine's cores).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ["NEWSFLOW_ALLOW_PRIVATE_NETWORKS"] = "1"
os.environ.setdefault("NEWSFLOW_HOST_DELAY", "0")  # our own loopback site: no pacing

import real_pages
import trafilatura

from newsflow.flows.demo import DemoSite, serve_demo_site
from newsflow.flows.ingest import ingest
from newsflow.flows.pipeline import extraction_pool, process_page


def serve_forever(corpus: str, copies: int, ready: Any) -> None:
    """Child process: serve the site until terminated."""
    serving = (
        real_pages.serve(real_pages.load_pages())
        if corpus == "real"
        else serve_demo_site(copies=copies, distinct=True)
    )
    with serving as site:
        ready.put(site.base_url)
        threading.Event().wait()


def feeds_file(site, folder: Path) -> Path:
    """The list of the site's feeds, as the ingest reads it."""
    if isinstance(site, real_pages.RealSite):
        path = folder / "feeds.yaml"
        path.write_text(site.feeds_yaml())
        return path
    path = folder / "feeds.opml"
    path.write_bytes(site.opml())
    return path


SAME_OPTIONS = {
    "fast": True,
    "include_comments": False,
    "include_formatting": True,
    "include_tables": True,
    "with_metadata": True,
    "date_extraction_params": {"original_date": True, "extensive_search": False},
}
LIGHT_OPTIONS = {"fast": True, "include_comments": False}


def plain_trafilatura(site, options: dict[str, Any]) -> tuple[int, float]:
    """Extract every ok page with plain trafilatura in this process; (pages, seconds)."""
    pages = [
        (site.base_url + a.path, site.respond("GET", a.path, {}).body)
        for a in site.articles
        if a.status == "ok"
    ]
    started = time.perf_counter()
    extracted = sum(1 for url, html in pages if trafilatura.extract(html, url=url, **options))
    return extracted, time.perf_counter() - started


def run_ingest(site, folder: Path, workers: int, name: str) -> tuple[int, float, float, Any]:
    """One ingest of the whole site into a new warehouse; (articles, flow s, call s, report).
    The extraction pool is started and warmed before the clock starts."""
    os.environ["NEWSFLOW_WORKERS"] = str(workers)
    pool = extraction_pool(workers)
    for future in [pool.submit(process_page, None) for _ in range(workers)]:
        future.result()  # a None job fails fast, after the worker has warmed up
    feeds = feeds_file(site, folder)
    started = time.perf_counter()
    report = ingest(feeds=str(feeds), db=str(folder / f"{name}.duckdb"))
    called = time.perf_counter() - started
    run = report.run
    return run.articles_new, (run.finished_at - run.started_at).total_seconds(), called, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        choices=("real", "demo"),
        default="real" if real_pages.available() else "demo",
        help="real pages of ../shared/data/extraction, or the demo site",
    )
    parser.add_argument("--copies", type=int, default=10, help="copies of each demo article")
    parser.add_argument(
        "--workers", type=int, nargs="+", help="extraction workers of each ingest (1 and cores)"
    )
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    print(
        f"cores: {cores}  python: {sys.version.split()[0]}  trafilatura: {trafilatura.__version__}"
        f"  corpus: {args.corpus}"
    )
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    server = context.Process(
        target=serve_forever, args=(args.corpus, args.copies, ready), daemon=True
    )
    server.start()
    address = ready.get(timeout=60)
    if args.corpus == "real":  # the same pages as the server's
        site = real_pages.RealSite(address, real_pages.load_pages())
    else:
        site = DemoSite(address, copies=args.copies, distinct=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        warm = time.perf_counter()
        run_ingest(site, folder, 1, "warm-up")  # starts Prefect's API; not measured
        print(f"warm-up ingest (Prefect API start included): {time.perf_counter() - warm:.1f} s")
        pages, plain_s = plain_trafilatura(site, SAME_OPTIONS)
        light_pages, light_s = plain_trafilatura(site, LIGHT_OPTIONS)
        counts = sorted(set(args.workers or (1, cores)))
        results = {w: run_ingest(site, folder, w, f"workers-{w}") for w in counts}
    server.terminate()
    plain_rate, light_rate = pages / plain_s, light_pages / light_s
    print(
        f"plain trafilatura.extract, newsflow's options, 1 process: {pages} pages in "
        f"{plain_s:.2f} s = {plain_rate:.1f} pages/s"
    )
    print(
        f"plain trafilatura.extract(fast=True, include_comments=False), 1 process: "
        f"{light_pages} pages in {light_s:.2f} s = {light_rate:.1f} pages/s"
    )
    rates = {}
    for workers, (articles, flow_s, call_s, report) in results.items():
        rates[workers] = rate = articles / flow_s
        print(
            f"newsflow ingest, {workers} worker(s): {articles} articles in {flow_s:.2f} s "
            f"(call {call_s:.2f} s) = {rate:.1f} pages/s; ratio to plain (same options) = "
            f"{rate / plain_rate:.2f}, to the light options = {rate / light_rate:.2f}"
        )
        stages = ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in report.stage_seconds)
        print(f"  stages (wall s): {stages}")
    if 1 in rates and cores in rates and cores > 1:
        print(f"speed-up from 1 to {cores} workers: {rates[cores] / rates[1]:.2f}x")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS: this process {own:.0f} MB; largest child process {children:.0f} MB")


if __name__ == "__main__":
    main()

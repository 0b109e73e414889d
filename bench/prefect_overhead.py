"""Benchmark: what Prefect costs an ingest of 100 and 1,000 sources.

    uv run python bench/prefect_overhead.py [--sources 100 1000] [--items 2]

A separate process serves N RSS feeds on 127.0.0.1, each with `--items` entries linking to
article pages of about 250 words on the same server. For each N, the real ingest flow (Prefect's
embedded API) loads them into a new warehouse; then, in the same process:

- the task runs the ingest created are counted through Prefect's API (they should follow the
  number of feed batches and page batches, not the number of articles);
- Prefect's own cost is measured with the same number of task runs of an empty task inside an
  empty flow: the flow's start and end plus that many task-run round trips. Its share of the
  ingest's wall time is the overhead.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ["NEWSFLOW_ALLOW_PRIVATE_NETWORKS"] = "1"
os.environ["NEWSFLOW_HOST_DELAY"] = "0"  # one loopback host stands for many sites
os.environ["NEWSFLOW_PER_HOST_CONCURRENCY"] = "64"
os.environ["NEWSFLOW_SNAPSHOT"] = "off"

from prefect import flow, get_client, task
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

from newsflow.flows.ingest import ingest
from newsflow.flows.pipeline import warm_pool

WORDS = [
    "government",
    "minister",
    "council",
    "parliament",
    "vote",
    "budget",
    "city",
    "region",
    "police",
    "court",
    "school",
    "hospital",
    "market",
    "price",
    "energy",
    "climate",
    "river",
    "storm",
    "company",
    "workers",
    "union",
    "election",
    "party",
    "report",
    "study",
    "science",
    "museum",
    "festival",
    "football",
    "match",
    "season",
    "coach",
    "player",
    "team",
    "record",
]


def page(n: int, i: int) -> bytes:
    """An article page of about 250 words, its text seeded by its number."""
    rng = random.Random(n * 1000 + i)
    paragraphs = "".join(
        "<p>" + " ".join(rng.choices(WORDS, k=50)).capitalize() + ".</p>" for _ in range(5)
    )
    return (
        f"<html><head><title>Story {i} of outlet {n}</title></head><body><article>"
        f"<h1>Story {i} of outlet {n}</h1>{paragraphs}</article></body></html>"
    ).encode()


def feed(n: int, items: int, base: str) -> bytes:
    """An RSS feed whose entries link to this server's pages."""
    entries = "".join(
        f"<item><title>Story {i} of outlet {n}</title><link>{base}/a/{n}/{i}</link>"
        f"<guid>outlet-{n}-{i}</guid><pubDate>Fri, 20 Nov 2026 12:00:00 GMT</pubDate></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Outlet {n}</title><link>{base}/</link>{entries}</channel></rss>"
    ).encode()


def serve(items: int, ready: Any) -> None:
    """Child process: serve feeds and pages until terminated."""
    from aiohttp import web

    async def main() -> None:
        app = web.Application()
        base: list[str] = []

        async def feed_handler(request: web.Request) -> web.Response:
            body = feed(int(request.match_info["n"]), items, base[0])
            return web.Response(body=body, content_type="application/rss+xml")

        async def page_handler(request: web.Request) -> web.Response:
            body = page(int(request.match_info["n"]), int(request.match_info["i"]))
            return web.Response(body=body, content_type="text/html")

        app.router.add_get("/feed/{n}.xml", feed_handler)
        app.router.add_get("/a/{n}/{i}", page_handler)
        app.router.add_get("/robots.txt", lambda _: web.Response(status=404))
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        base.append(f"http://127.0.0.1:{runner.addresses[0][1]}")
        ready.put(base[0])
        await asyncio.Event().wait()

    asyncio.run(main())


@task
def empty_task() -> None:
    """A task that does nothing: what remains is Prefect's cost of one task run."""


@flow
def empty_flow(task_runs: int) -> None:
    """A flow of `task_runs` empty task runs, called one after another like the ingest's."""
    for _ in range(task_runs):
        empty_task()


async def count_task_runs(flow_run_id: str) -> int:
    """Task runs recorded by Prefect's API for one flow run."""
    async with get_client() as client:
        runs = await client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id]))
        )
    return len(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--items", type=int, default=2, help="entries per feed")
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    server = context.Process(target=serve, args=(args.items, ready), daemon=True)
    server.start()
    base = ready.get(timeout=60)
    print(f"cores: {os.cpu_count()}  entries per feed: {args.items}")
    warm_pool(os.cpu_count() or 1)
    empty_flow(1)  # starts Prefect's API server: not measured
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.sources:
            feeds = Path(tmp) / f"feeds-{count}.yaml"
            feeds.write_text(
                "sources:\n" + "".join(f"  - url: {base}/feed/{n}.xml\n" for n in range(count))
            )
            started = time.perf_counter()
            report = ingest(feeds=str(feeds), db=str(Path(tmp) / f"w{count}.duckdb"))
            wall = time.perf_counter() - started
            runs = asyncio.run(count_task_runs(report.run.prefect_flow_run_id))
            started = time.perf_counter()
            empty_flow(runs)
            prefect_s = time.perf_counter() - started
            stages = ", ".join(f"{name} {s:.2f}" for name, s in report.stage_seconds)
            print(
                f"{count:>5} sources, {report.run.entries} entries, "
                f"{report.run.articles_new} articles: ingest {wall:.2f} s, {runs} task runs; "
                f"an empty flow with {runs} empty task runs {prefect_s:.2f} s "
                f"= {prefect_s / wall:.1%} of the ingest"
            )
            print(f"      stages (wall s): {stages}")
    server.terminate()


if __name__ == "__main__":
    main()

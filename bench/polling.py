"""Benchmark: polling N feeds twice, the second time with nothing changed.

    uv run python bench/polling.py [--sources 1000]

A separate process serves N RSS feeds (20 items each, with ETag and Last-Modified, gzip) on
127.0.0.1. newsflow's poll stage (the code the ingest flow runs per batch of feeds) polls them
all, the states are folded as the flow does, then every source is polled again, as `--all`
would. Reported: wall time and body bytes on the wire of each poll, and their ratio. All sources
share one host here, so per-host limits are lifted (a real deployment spreads over many hosts).
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from newsflow.extractors.http import FetchPolicy
from newsflow.flows.polling import poll_feeds
from newsflow.models import Source
from newsflow.transforms.feed_state import initial_state, next_state

BATCH = 50  # feeds per task, as NEWSFLOW_FEED_BATCH
UPDATED = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def feed_body(n: int) -> bytes:
    """An RSS 2.0 feed of 20 items, about 10 KB."""
    items = "".join(
        f"<item><title>Story {i} of feed {n}: a headline of ordinary length</title>"
        f"<link>https://news{n}.example/{i}</link><guid>feed-{n}-{i}</guid>"
        f"<pubDate>{format_datetime(UPDATED - timedelta(hours=i), usegmt=True)}</pubDate>"
        f"<description>{'A summary sentence of the story. ' * 8}</description></item>"
        for i in range(20)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {n}</title><link>https://news{n}.example/</link>{items}</channel></rss>"
    ).encode()


def serve(count: int, ready: Any) -> None:
    """Child process: serve the feeds until terminated."""
    import asyncio

    from aiohttp import web

    bodies = {n: feed_body(n) for n in range(count)}
    tags = {n: '"' + hashlib.sha1(b).hexdigest() + '"' for n, b in bodies.items()}
    modified = format_datetime(UPDATED, usegmt=True)

    async def handle(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        headers = {"ETag": tags[n], "Last-Modified": modified}
        if request.headers.get("If-None-Match") == tags[n]:
            return web.Response(status=304, headers=headers)
        response = web.Response(body=bodies[n], headers=headers, content_type="application/rss+xml")
        response.enable_compression()
        return response

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{n}.xml", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
        await site.start()
        ready.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


def poll_all(sources: list[Source], states: dict, policy: FetchPolicy) -> tuple[float, int, list]:
    """Poll every source in batches, as the flow's tasks do; (seconds, body bytes, polls)."""
    started = time.perf_counter()
    now = datetime.now(UTC)
    polls = []
    for i in range(0, len(sources), BATCH):
        polls += poll_feeds(sources[i : i + BATCH], states, policy, now)
    elapsed = time.perf_counter() - started
    return elapsed, sum(p.fetch.wire_bytes for p in polls), polls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    args = parser.parse_args()
    context = multiprocessing.get_context("spawn")
    ready = context.Queue()
    server = context.Process(target=serve, args=(args.sources, ready), daemon=True)
    server.start()
    port = ready.get(timeout=60)
    sources = [Source(f"http://127.0.0.1:{port}/feed/{n}.xml") for n in range(args.sources)]
    policy = FetchPolicy(
        user_agent="newsflow-bench", allow_private=True, host_delay=0, per_host=64, concurrency=64
    )
    print(f"cores: {os.cpu_count()}  sources: {len(sources)}  batch: {BATCH}")
    first_s, first_bytes, polls = poll_all(sources, {}, policy)
    states = {
        p.source.url: next_state(
            initial_state(p.source, p.fetch.fetched_at), p.source, p.fetch, p.feed
        )
        for p in polls
    }
    entries = sum(len(p.feed.entries) for p in polls if p.feed)
    second_s, second_bytes, again = poll_all(sources, states, policy)
    not_modified = sum(1 for p in again if p.status == "not modified")
    server.terminate()
    print(f"first poll:  {first_s:6.2f} s  {first_bytes:>10,} body bytes  {entries} entries")
    print(
        f"second poll: {second_s:6.2f} s  {second_bytes:>10,} body bytes  "
        f"{not_modified} not modified"
    )
    print(f"second/first: time {second_s / first_s:.2%}  bytes {second_bytes / first_bytes:.2%}")


if __name__ == "__main__":
    main()

"""Benchmark: the backfill flow over a WARC of demo pages: pages/s and RSS over time, versus
plain `trafilatura.extract` on a sample of the same pages, in the same run.

    uv run python bench/backfill_warc.py [--pages 100000] [--sample 5000] [--workers N]
                                         [--out DIR] [--sample-pss] [--samples CSV]

A child process renders N responses from the demo site (`DemoSite(copies=K, distinct=True)`:
its 45 article pages of six outlet templates in three languages, then distinct benchmark copies
of them: other stories in the same language and template, bodies from half to twice the
original's length, one in ten a near copy of the one before, as syndication makes) and writes
them with `CaptureWriter` into one .warc.gz, about 2 % of them non-HTML responses (robots.txt,
the sitemap index, RSS and Atom feeds, feed archives) as in real crawls. `--near-copies` serves
the demo's near copies instead (every copy the same story, paragraphs rotated: clusters of
thousands, what earlier runs measured).

This process then runs the real backfill flow (`newsflow.flows.backfill.backfill`, Prefect's
embedded API, extraction pool of `--workers`) over the file into a new warehouse, after a
warm-up backfill of 50 other pages (which starts Prefect's API server and the extraction
workers: not measured). A thread samples, every second, the memory of this process and all its
descendants (extraction workers, forkserver, Prefect's API server) from /proc: the sum of their
RSS (which counts pages shared after a fork once per process) and, with --sample-pss, the sum
of their PSS (shared pages split between the processes sharing them), with their CPU time.

Before and after the backfill, a separate child process (one process, one core) times plain
trafilatura on half of an evenly spaced sample of the same HTML pages each time, already in
memory: `extract()` with the options newsflow's `extract_page` uses (fast, no comments,
formatting, tables, metadata, the same date options: a WARC page has no feed date, so the
extensive date search runs), and the lighter `extract(fast=True, include_comments=False)` of
`ingest_vs_trafilatura.py` for comparison. The ratio is newsflow's pages/s per worker process to
plain trafilatura's pages/s on one core. newsflow does more per page than the baseline: it reads
the WARC, renders the body twice (text and Markdown), detects the language, tags topics, places
and keywords (YAKE), dedups, and loads DuckDB through the spool, under Prefect. Its main
process (reading, dedup, loading, Prefect) shares the machine's cores with the workers.
"""

from __future__ import annotations

import argparse
import csv
import math
import multiprocessing
import os
import queue as queue_module
import re
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BASE_URL = "http://demo.test"
WARM_URL = "http://warm-up.test"
WARM_PAGES = 50
NON_HTML_EVERY = 50  # one response in 50 (2 %) is not HTML
START = datetime(2026, 11, 20, tzinfo=UTC)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
MB = 1024 * 1024


# ---------------------------------------------------------------- the WARC (child process)


def article_paths(site: Any, count: int) -> list[str]:
    """`count` article paths with a page (gone ones 404), copy by copy, outlets interleaved."""
    served = [a.path for a in site.articles if a.status != "gone"]
    copy = re.compile(r"-c(\d+)$")

    def edition(path: str) -> int:
        match = copy.search(path)
        return int(match.group(1)) if match else 0

    return sorted(served, key=edition)[:count]  # stable: outlets in turn within each copy


def other_paths(site: Any, copies: int) -> list[str]:
    """Non-HTML documents a crawl meets besides pages: robots.txt, sitemaps, feeds, archives
    (the outlets' own sitemaps list every copy, megabytes each: left out)."""
    from newsflow.flows.demo.site import PAGED_OUTLETS
    from newsflow.flows.demo.templates import THEMES

    paths = ["/robots.txt", "/sitemap_index.xml"]
    for n in range(min(copies, 40)):
        paths += [t.feed_path + (f"?page={n}" if n else "") for t in THEMES]
    paths += [f"/{slug}/archive/{n}.xml" for slug in PAGED_OUTLETS for n in (1, 2)]
    return paths


def write_warc(folder: Path, pages: int, base_url: str, distinct: bool, queue: Any) -> None:
    """Child process: render `pages` responses from the demo site into one .warc.gz."""
    from newsflow.extractors.warc import CaptureWriter
    from newsflow.flows.demo.site import DemoSite
    from newsflow.models import FetchResult

    started = time.perf_counter()
    others = pages // NON_HTML_EVERY
    html = pages - others
    originals = len(article_paths(DemoSite(base_url), html))
    per_copy = len(article_paths(DemoSite(base_url, copies=2), html + 1)) - originals
    copies = 1 + max(0, math.ceil((html - originals) / per_copy))
    site = DemoSite(base_url, copies=copies, distinct=distinct)
    articles = article_paths(site, html)
    extras = other_paths(site, copies)
    if len(articles) < html:
        raise RuntimeError(f"the demo site serves {len(articles)} pages, {html} wanted")
    counts = {"html": 0, "other": 0}
    body_bytes = 0
    for old in folder.glob("demo-*.warc.gz"):  # a kept --out folder: write the WARC again
        old.unlink()
    with CaptureWriter(folder, prefix="demo", max_file_bytes=2**62) as writer:
        pending = iter(articles)
        for n in range(pages):
            is_other = n % NON_HTML_EVERY == NON_HTML_EVERY - 1 and counts["other"] < others
            path = extras[counts["other"] % len(extras)] if is_other else next(pending)
            response = site.respond("GET", path, {})
            site._cache.pop(path, None)  # the site keeps every page it rendered: not here
            headers = response.headers
            writer.write(
                FetchResult(
                    url=base_url + path,
                    kind="article",
                    source=base_url + "/",
                    fetched_at=START + timedelta(seconds=n),
                    status=response.status,
                    body=response.body,
                    content_type=headers.get("Content-Type"),
                    etag=headers.get("ETag"),
                    last_modified=headers.get("Last-Modified"),
                )
            )
            counts["other" if is_other else "html"] += 1
            body_bytes += len(response.body)
    (path,) = folder.glob("demo-*.warc.gz")
    queue.put((str(path), counts, body_bytes, time.perf_counter() - started))


def make_warc(
    folder: Path, pages: int, base_url: str, distinct: bool = True
) -> tuple[Path, dict[str, int], int, float]:
    """Write the WARC in a fresh process (the site's 100 k stories stay out of this one)."""
    folder.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=write_warc, args=(folder, pages, base_url, distinct, queue))
    child.start()
    path, counts, body_bytes, seconds = answer(child, queue)
    return Path(path), counts, body_bytes, seconds


def answer(child: Any, queue: Any) -> Any:
    """What a child process puts in the queue; an error if it ends without an answer."""
    while True:
        try:
            result = queue.get(timeout=1)
        except queue_module.Empty:
            if not child.is_alive():
                raise RuntimeError(f"{child.name} ended with code {child.exitcode}") from None
            continue
        child.join()
        return result


# ---------------------------------------------------------------- the baseline (child process)


def newsflow_options() -> dict[str, Any]:
    """trafilatura options of `extract_page` for a page without a feed date (a WARC page)."""
    return {
        "fast": True,
        "include_comments": False,
        "include_formatting": True,
        "include_tables": True,
        "with_metadata": True,
        "date_extraction_params": {
            "original_date": True,
            "extensive_search": True,
            "max_date": datetime.now(UTC).strftime("%Y-%m-%d"),
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    }


def plain_trafilatura(path: str, picks: list[int], stages: int, queue: Any) -> None:
    """Child process: load the picked HTML pages (ordinals among the HTML responses), then time
    `trafilatura.extract` over them, newsflow's options and light ones, on one core; then
    newsflow's own per-page work, stage by stage, on the first `stages` of them."""
    import trafilatura

    from newsflow.extractors.articles import decode_html, extract_page
    from newsflow.extractors.warc import read_captures
    from newsflow.flows.pipeline import PageJob, process_page
    from newsflow.models import FeedEntry, FetchResult

    wanted, pages, ordinal = set(picks), [], -1
    for _, capture in read_captures(Path(path)):
        if not (capture.content_type or "").startswith("text/html") or capture.status != 200:
            continue
        ordinal += 1
        if ordinal in wanted:
            pages.append((capture.url, capture.body, capture.content_type))
    decoded = [(url, decode_html(body, None)) for url, body, _ in pages]
    options = {"newsflow": newsflow_options(), "light": {"fast": True, "include_comments": False}}
    for url, html in decoded[:20]:  # lazy imports and caches of the first calls: not timed
        trafilatura.extract(html, url=url, **options["newsflow"])
    figures = {}
    for name, kwargs in options.items():
        wall, cpu = time.perf_counter(), time.process_time()
        extracted = sum(1 for url, html in decoded if trafilatura.extract(html, url=url, **kwargs))
        figures[name] = (
            len(decoded),
            extracted,
            time.perf_counter() - wall,
            time.process_time() - cpu,
        )

    def job(url: str, body: bytes, content_type: str, tagger: str | None) -> PageJob:
        source = url.split("/", 3)[:3]
        entry = FeedEntry(source="/".join(source) + "/", link=url)
        fetch = FetchResult(
            url=url,
            kind="article",
            source=entry.source,
            fetched_at=START,
            final_url=url,
            status=200,
            body=body,
            content_type=content_type,
        )
        return PageJob(entry, fetch, None, tagger)

    few = pages[:stages]
    runs = {
        "extract_page": lambda u, b, t: extract_page(b, u, None, need_date=True),
        "process_page, NEWSFLOW_TAGGER=none": lambda u, b, t: process_page(job(u, b, t, None)),
        "process_page, lexicon tagger": lambda u, b, t: process_page(job(u, b, t, "lexicon")),
    }
    for name, run in runs.items():
        for url, body, content_type in few[:20]:  # warm up: language model, lexicons
            run(url, body, content_type)
        wall, cpu = time.perf_counter(), time.process_time()
        made = sum(1 for u, b, t in few if not isinstance(run(u, b, t), str | None))
        figures[name] = (len(few), made, time.perf_counter() - wall, time.process_time() - cpu)
    queue.put((len(pages), figures))


def run_plain(
    path: Path, picks: list[int], stages: int
) -> tuple[int, dict[str, tuple[int, int, float, float]]]:
    """The baseline in a fresh process: one core, nothing else of newsflow loaded."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=plain_trafilatura, args=(str(path), picks, stages, queue))
    child.start()
    return answer(child, queue)


# ---------------------------------------------------------------- memory and CPU sampling


@dataclass
class Sample:
    """The process tree at one moment."""

    at: float  # seconds since the sampler started
    phase: str
    done: int  # backfill items finished so far
    rss: dict[str, int]  # bytes by role
    pss: dict[str, int]


@dataclass
class Sampler:
    """Samples RSS (and PSS) of this process and its descendants, by role, every `interval` s;
    keeps each process's latest CPU time."""

    interval: float = 1.0
    with_pss: bool = False
    samples: list[Sample] = field(default_factory=list)
    phase: str = "start"
    done: int = 0
    cpu: dict[int, tuple[str, float]] = field(default_factory=dict)  # pid: (role, seconds)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _roles: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.started = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.tick()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def tick(self) -> None:
        """Take one sample now."""
        with self._lock:
            rss: dict[str, int] = {}
            pss: dict[str, int] = {}
            for pid, role in self._tree():
                status = _read(f"/proc/{pid}/status")
                stat = _read(f"/proc/{pid}/stat")
                if status is None or stat is None:
                    continue  # ended meanwhile
                rss[role] = rss.get(role, 0) + _kib(status, "VmRSS:")
                if self.with_pss:
                    rollup = _read(f"/proc/{pid}/smaps_rollup") or ""
                    pss[role] = pss.get(role, 0) + _kib(rollup, "Pss:")
                fields = stat[stat.rindex(")") + 2 :].split()
                self.cpu[pid] = (role, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
            self.samples.append(
                Sample(time.monotonic() - self.started, self.phase, self.done, rss, pss)
            )

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds of every process seen so far, by role (ended ones: as last sampled)."""
        with self._lock:
            totals: dict[str, float] = {}
            for role, seconds in self.cpu.values():
                totals[role] = totals.get(role, 0.0) + seconds
            return totals

    def _tree(self) -> list[tuple[int, str]]:
        """(pid, role) of this process and every descendant."""
        me = os.getpid()
        found, todo = [(me, "main")], [me]
        while todo:
            parent = todo.pop()
            for child in _children(parent):
                role = self._roles.get(child) or self._role(child, self._role_of(parent, found))
                self._roles[child] = role
                found.append((child, role))
                todo.append(child)
        return found

    @staticmethod
    def _role_of(pid: int, found: list[tuple[int, str]]) -> str:
        return next(role for p, role in found if p == pid)

    @staticmethod
    def _role(pid: int, parent_role: str) -> str:
        """What a process is, from its command line and its parent's role."""
        command = (_read(f"/proc/{pid}/cmdline") or "").replace("\0", " ")
        if parent_role == "forkserver":
            return "workers"
        if "forkserver" in command:
            return "forkserver"
        if "uvicorn" in command or "prefect" in command:
            return "prefect server"
        if parent_role == "prefect server":
            return "prefect server"
        if parent_role == "main" and "multiprocessing.spawn" in command:
            return "baseline"
        return "other"


def _children(pid: int) -> list[int]:
    """Children of every thread of a process."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        text = _read(f"{task}/children") or ""
        children += [int(c) for c in text.split()]
    return children


def _read(path: str) -> str | None:
    try:
        with open(path) as handle:
            return handle.read()
    except OSError:
        return None


def _kib(text: str, key: str) -> int:
    """A 'Key:   123 kB' line of /proc as bytes (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(key):
            return int(line.split()[1]) * 1024
    return 0


# ---------------------------------------------------------------- the backfill


def timed_reporter(sampler: Sampler) -> Any:
    """A progress reporter that tells the sampler how far the backfill is, batch by batch."""
    from newsflow.flows.progress import Reporter

    class Timed(Reporter):
        def __init__(self) -> None:
            super().__init__()
            self.batches: list[tuple[float, int]] = []  # (monotonic time, items done)

        def start(self, total: int | None, already_done: int) -> None:
            super().start(total, already_done)
            self.batches.append((time.monotonic(), 0))

        def advance(self, batch: Any) -> None:
            super().advance(batch)
            self.batches.append((time.monotonic(), self.counts.done))
            sampler.done = self.counts.done

    return Timed()


def run_backfill(warc: Path, db: Path, reporter: Any) -> tuple[Any, float]:
    """One backfill of the file into a new warehouse; (report, seconds of the call)."""
    from newsflow.flows.backfill import backfill
    from newsflow.flows.progress import reporting

    # a kept --out folder holds the last run's warehouse, whose checkpoint would load nothing
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    shutil.rmtree(db.with_name(db.name + ".spool"), ignore_errors=True)
    started = time.perf_counter()
    with reporting(reporter):
        report = backfill(warc=[str(warc)], db=str(db))
    return report, time.perf_counter() - started


# ---------------------------------------------------------------- reporting


def mb(value: float) -> str:
    return f"{value / MB:,.0f}"


def at_fraction(samples: list[Sample], start: float, end: float, fraction: float) -> Sample:
    """The sample nearest to `fraction` of the way from `start` to `end`."""
    moment = start + fraction * (end - start)
    return min(samples, key=lambda s: abs(s.at - moment))


def print_memory(samples: list[Sample], with_pss: bool) -> None:
    """Peak and RSS at fractions of the backfill's wall time, by role."""
    run = [s for s in samples if s.phase == "backfill"]
    if not run:
        print("no memory sample during the backfill")
        return
    start, end = run[0].at, run[-1].at
    roles = ["main", "workers", "forkserver", "prefect server", "other"]
    peak = max(run, key=lambda s: sum(s.rss.values()))
    print(
        f"peak RSS of the process tree: {mb(sum(peak.rss.values()))} MB at "
        f"{peak.at - start:,.0f} s ({peak.done:,} items; "
        + ", ".join(f"{r} {mb(peak.rss.get(r, 0))}" for r in roles if r in peak.rss)
        + f"); {len(run)} samples"
    )
    if with_pss:
        top = max(run, key=lambda s: sum(s.pss.values()))
        print(f"peak PSS of the process tree: {mb(sum(top.pss.values()))} MB")
    header = f"{'time':>5} {'s':>7} {'items':>8} {'items/s':>8} {'RSS MB':>7}"
    header += f" {'PSS MB':>7}" if with_pss else ""
    header += "".join(f" {r:>15}" for r in roles)
    print(header)
    previous = run[0]
    for fraction in (0.0, 0.10, 0.25, 0.50, 0.75, 0.90, 1.0):
        s = at_fraction(run, start, end, fraction)
        rate = (s.done - previous.done) / (s.at - previous.at) if s.at > previous.at else 0.0
        previous = s
        line = f"{fraction:>5.0%} {s.at - start:>7,.0f} {s.done:>8,} {rate:>8,.1f}"
        line += f" {mb(sum(s.rss.values())):>7}"
        line += f" {mb(sum(s.pss.values())):>7}" if with_pss else ""
        line += "".join(f" {mb(s.rss.get(r, 0)):>15}" for r in roles)
        print(line)
    quarter = at_fraction(run, start, end, 0.25)
    last = run[-1]
    if last.done > quarter.done:
        growth = sum(last.rss.values()) - sum(quarter.rss.values())
        per = growth / (last.done - quarter.done) * 10_000
        main_per = (last.rss.get("main", 0) - quarter.rss.get("main", 0)) / (
            last.done - quarter.done
        )
        print(
            f"RSS growth from 25 % to 100 % of the run: {growth / MB:+,.0f} MB "
            f"({per / MB:+,.1f} MB per 10,000 items; main process {main_per * 10_000 / MB:+,.1f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100_000, help="responses in the WARC")
    parser.add_argument("--sample", type=int, default=5_000, help="pages for plain trafilatura")
    parser.add_argument(
        "--stages", type=int, default=1_000, help="of those, pages for newsflow's stages alone"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--near-copies", action="store_true", help="the demo's near copies, not distinct stories"
    )
    parser.add_argument("--out", type=Path, help="keep the WARC and warehouse here")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    parser.add_argument(
        "--sample-pss", action="store_true", help="also sum PSS (reads smaps_rollup)"
    )
    parser.add_argument("--samples", type=Path, help="write every sample here (CSV)")
    args = parser.parse_args()

    folder = args.out or Path(tempfile.mkdtemp(prefix="backfill-warc-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["NEWSFLOW_WORKERS"] = str(args.workers)
    os.environ["NEWSFLOW_SNAPSHOT"] = "off"
    os.environ["NEWSFLOW_CAPTURES"] = "off"  # irrelevant for WARC input
    os.environ["NEWSFLOW_HOST_DELAY"] = "0"
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    # a Prefect database of its own: the run's hundreds of task runs stay out of ~/.prefect
    os.environ.setdefault("PREFECT_HOME", str(folder / "prefect"))

    import trafilatura

    cores = os.cpu_count() or 1
    print(
        f"cores: {cores}  workers: {args.workers}  python: {sys.version.split()[0]}  "
        f"trafilatura: {trafilatura.__version__}  pages: {args.pages:,}  folder: {folder}"
    )
    try:
        warc, counts, body_bytes, written = make_warc(
            folder / "warc", args.pages, BASE_URL, distinct=not args.near_copies
        )
        warm, _, _, _ = make_warc(folder / "warm-up", WARM_PAGES, WARM_URL)
        print(
            f"WARC: {counts['html']:,} HTML + {counts['other']:,} other responses, "
            f"{body_bytes / 1e6:,.0f} MB of bodies, {warc.stat().st_size / 1e6:,.0f} MB gzipped, "
            f"written in {written:,.0f} s"
        )
        html = counts["html"]
        step = max(1, html // max(1, args.sample))
        picks = list(range(0, html, step))[: args.sample]

        sampler = Sampler(args.interval, args.sample_pss)
        sampler.start()
        sampler.phase = "baseline"
        plain = [run_plain(warc, picks[0::2], args.stages // 2)]

        sampler.phase = "warm-up"
        warm_started = time.perf_counter()
        run_backfill(warm, folder / "warm-up.duckdb", timed_reporter(sampler))
        warm_s = time.perf_counter() - warm_started
        print(
            f"warm-up backfill of {WARM_PAGES} pages (Prefect API start included): {warm_s:.1f} s"
        )

        reporter = timed_reporter(sampler)
        sampler.tick()
        cpu_before = sampler.cpu_by_role()
        sampler.phase, sampler.done = "backfill", 0
        sampler.tick()
        report, called = run_backfill(warc, folder / "w.duckdb", reporter)
        sampler.tick()
        sampler.phase = "after"
        cpu_after = sampler.cpu_by_role()

        plain.append(run_plain(warc, picks[1::2], args.stages - args.stages // 2))
        sampler.stop()
    finally:
        if args.out is None:
            shutil.rmtree(folder, ignore_errors=True)

    c = report.counts
    items = c.done
    rate = items / called
    per_worker = rate / args.workers
    (first_t, _), (last_t, last_done) = reporter.batches[0], reporter.batches[-1]
    steady = last_done / (last_t - first_t) if last_t > first_t else float("nan")
    print(
        f"backfill: {items:,} HTML pages in {called:,.1f} s = {rate:,.1f} pages/s, "
        f"{per_worker:,.1f} per worker ({args.workers}); from the first record read: "
        f"{steady:,.1f} pages/s"
    )
    print(
        f"  {c.loaded:,} loaded, {c.failed:,} failed, {c.known:,} known, {c.filtered:,} "
        f"filtered; articles new {report.articles_new:,}, duplicates "
        f"{report.articles_duplicate:,}; {report.batches:,} batches"
    )
    cpu = {role: cpu_after.get(role, 0.0) - cpu_before.get(role, 0.0) for role in cpu_after}
    total_cpu = sum(cpu.values())
    print(
        f"  CPU during the backfill: {total_cpu:,.0f} s = {total_cpu / called:.2f} cores busy; "
        + ", ".join(f"{role} {s:,.0f} s" for role, s in sorted(cpu.items()) if s >= 0.5)
        + f"; {total_cpu / items * 1000:,.1f} CPU-ms per page all in, "
        f"{cpu.get('workers', 0) / items * 1000:,.1f} in the workers"
    )

    sampled = sum(n for n, _ in plain)
    print(
        f"one process, one core, {sampled:,} of the same pages in memory (half before, half after):"
    )
    labels = {
        "newsflow": "trafilatura.extract, newsflow's options",
        "light": "trafilatura.extract(fast=True, include_comments=False)",
    }
    for name in plain[0][1]:
        pages = sum(f[name][0] for _, f in plain)
        made = sum(f[name][1] for _, f in plain)
        wall = sum(f[name][2] for _, f in plain)
        cpu_s = sum(f[name][3] for _, f in plain)
        halves = " / ".join(f"{f[name][0] / f[name][2]:,.1f}" for _, f in plain)
        base = pages / wall
        line = (
            f"  {labels.get(name, 'newsflow ' + name)}: {pages:,} pages, {made:,} with text: "
            f"{base:,.1f} pages/s (before / after: {halves}), {pages / cpu_s:,.1f} pages/CPU-s"
        )
        if name in labels:
            per_cpu = pages / cpu_s
            workers_cpu = items / max(cpu.get("workers", 0), 1e-9) / per_cpu
            line += (
                f"\n    ratio newsflow per worker / this per core: {per_worker / base:.2f} by wall "
                f"clock; by CPU time {workers_cpu:.2f} (workers only), "
                f"{items / max(total_cpu, 1e-9) / per_cpu:.2f} (all in)"
            )
        print(line)
    print_memory(sampler.samples, args.sample_pss)
    if args.samples:
        write_samples(args.samples, sampler.samples)


def write_samples(path: Path, samples: list[Sample]) -> None:
    """Every sample as a CSV row: seconds, phase, items done, then MB of RSS (and PSS) by
    role, for plotting memory over time."""
    roles = sorted({role for s in samples for role in (*s.rss, *s.pss)})
    with path.open("w", newline="") as out:
        table = csv.writer(out)
        table.writerow(
            [
                "seconds",
                "phase",
                "items",
                *(f"rss_{r}" for r in roles),
                *(f"pss_{r}" for r in roles),
            ]
        )
        for s in samples:
            table.writerow(
                [f"{s.at:.1f}", s.phase, s.done]
                + [round(s.rss.get(r, 0) / MB) for r in roles]
                + [round(s.pss.get(r, 0) / MB) for r in roles]
            )


if __name__ == "__main__":
    main()

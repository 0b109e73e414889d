"""Benchmark: reading captures back from a WARC.gz with read_captures.

    uv run python bench/warc_read.py [--pages 20000]

Writes N responses (four HTML pages of about 6, 19, 45 and 127 KB, in turn, see `pages`) with
`CaptureWriter` into one gzip-compressed WARC in a temporary folder, then, in a fresh process,
streams every capture back with `read_captures` and reads 1,000 of them again by their refs with
`read_capture`. Reported: records/s and decoded MB/s of each, peak RSS of the reading process
(which should not grow with N: one record is held at a time) and of the writing one.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsflow.extractors.warc import CaptureRef, CaptureWriter, read_capture, read_captures
from newsflow.models import FetchResult

SIZES = (3_000, 15_000, 40_000, 120_000)  # bytes of article text in each page, about
LOOKUPS = 1_000
START = datetime(2026, 11, 20, tzinfo=UTC)


def pages(seed: int = 5) -> list[bytes]:
    """HTML pages of varied length: shared site chrome around paragraphs of Zipf-distributed
    words, which gzip about as well as real news pages (about 4x)."""
    rng = random.Random(seed)
    syllables = [c + v for c in "bcdfglmnprstvz" for v in ("a", "e", "i", "o", "u", "é", "ou")]
    vocab = ["".join(rng.choices(syllables, k=rng.randint(1, 4))) for _ in range(20_000)]
    weights = [1 / rank for rank in range(1, len(vocab) + 1)]
    nav = "".join(f'<li><a href="/section/{w}" class="nav-link">{w}</a></li>' for w in vocab[:25])
    chrome = f'<header class="site"><nav><ul>{nav}</ul></nav></header>'
    made = []
    for size in SIZES:
        paragraphs, length = [], 0
        while length < size:
            words = rng.choices(vocab, weights, k=rng.randint(20, 80))
            paragraph = (
                f'<div class="article__block js-track" data-component="paragraph" data-index='
                f'"{len(paragraphs)}"><p class="article__text">{" ".join(words).capitalize()}.'
                f'</p></div>\n<aside class="ad-slot ad-slot--inline" data-slot="inline-'
                f'{len(paragraphs)}" aria-hidden="true"></aside>\n'
            )
            paragraphs.append(paragraph)
            length += len(paragraph)
        body = "".join(paragraphs)
        made.append(f"<html><head><title>Page</title></head><body>{chrome}{body}{chrome}".encode())
    return made


def results(count: int) -> Iterator[FetchResult]:
    """Fetch results for `count` distinct URLs, made as they are written."""
    bodies = pages()
    for n in range(count):
        yield FetchResult(
            url=f"https://news{n % 97}.example/story-{n}",
            kind="article",
            source=None,
            fetched_at=START + timedelta(seconds=n),
            status=200,
            body=bodies[n % len(bodies)],
            content_type="text/html; charset=utf-8",
            etag=f'"{n}"',
        )


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path: Path, refs: list[CaptureRef], queue: multiprocessing.Queue) -> None:
    """Child process: stream the file, then random lookups; report rates and peak RSS."""
    started = time.perf_counter()
    records = body_bytes = 0
    for _, capture in read_captures(path):
        records += 1
        body_bytes += len(capture.body)
    streamed = time.perf_counter() - started
    started = time.perf_counter()
    looked_up = sum(len(read_capture(ref).body) for ref in refs)
    lookups = time.perf_counter() - started
    queue.put((records, body_bytes, streamed, looked_up, lookups, peak_rss_mb()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20_000, help="responses in the WARC")
    args = parser.parse_args()
    sizes = ", ".join(f"{len(page) / 1000:.0f}" for page in pages())
    print(f"cores: {os.cpu_count()}  pages: {args.pages:,}  page sizes (KB): {sizes}")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        with CaptureWriter(Path(folder), max_file_bytes=2**62) as writer:
            refs = [writer.write(result) for result in results(args.pages)]
        written = time.perf_counter() - started
        (path,) = Path(folder).glob("*.warc.gz")
        size_mb = path.stat().st_size / 1e6
        print(
            f"write  {args.pages / written:>9,.0f} records/s  file {size_mb:,.0f} MB  "
            f"peak RSS {peak_rss_mb():,.0f} MB (writer, refs kept)"
        )
        sample = random.Random(1).sample([r for r in refs if r], min(LOOKUPS, len(refs)))
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        child = context.Process(target=measure, args=(path, sample, queue))
        child.start()
        records, body_bytes, streamed, looked_up, lookups, rss = queue.get()
        child.join()
    print(
        f"read   {records / streamed:>9,.0f} records/s  {body_bytes / 1e6 / streamed:,.0f} MB/s "
        f"decoded  ({records:,} records)  peak RSS {rss:,.0f} MB (reader)"
    )
    print(
        f"lookup {len(sample) / lookups:>9,.0f} records/s  {looked_up / 1e6 / lookups:,.0f} MB/s "
        f"decoded  ({len(sample):,} refs at random)"
    )


if __name__ == "__main__":
    main()

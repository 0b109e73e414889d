"""Real article pages for the benchmarks, served over loopback like a news site.

The pages are the third-party corpora of ../shared/data/extraction (never shipped with
newsflow): trafilatura's evaluation set (990 pages of news sites and blogs in many languages),
Mozilla Readability's test pages and newspaper4k's test pages. `RealSite` answers like a
site: `/feed-K.xml` (RSS 2.0, FEED_SIZE items each, every item dated so that no extensive date
search runs, as with a feed that gives dates) and `/p/N` (page N's bytes as archived); anything
else is a 404. `serve` runs it on the demo site's aiohttp server in this process. The site gzips
each page once and then answers from that copy, as a web server or CDN with cached compressed
responses does: the site's own compression is not the ingest's cost, but decompressing is.
"""

from __future__ import annotations

import gzip
import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from newsflow.flows.demo.site import DemoResponse

EXTRACTION = Path(__file__).resolve().parents[2] / "shared" / "data" / "extraction"
FEED_SIZE = 50
NEWEST = datetime(2026, 11, 30, 12, tzinfo=UTC)


def available() -> bool:
    """Whether the shared corpora are beside the checkout."""
    return (EXTRACTION / "trafilatura_eval" / "evaldata.json").is_file()


def load_pages(limit: int | None = None) -> list[bytes]:
    """HTML bytes of every page of the three corpora, in a fixed order."""
    pages = []
    trafilatura_eval = EXTRACTION / "trafilatura_eval"
    notes = json.loads((trafilatura_eval / "evaldata.json").read_text(encoding="utf-8"))
    for note in notes.values():
        for folder in ("eval", "cache"):
            path = trafilatura_eval / folder / f"{note['file']}.gz"
            if path.exists():
                pages.append(gzip.decompress(path.read_bytes()))
                break
    readability = EXTRACTION / "readability_testpages" / "pages"
    pages += [path.read_bytes() for path in sorted(readability.glob("*/source.html"))]
    pages += [path.read_bytes() for path in sorted((EXTRACTION / "newspaper4k").glob("html/*"))]
    return pages[:limit] if limit else pages


@dataclass(frozen=True)
class Served:
    """One page as the benchmarks see it."""

    path: str
    status: str = "ok"


class RealSite:
    """The pages behind feeds of FEED_SIZE items, at `base_url`."""

    def __init__(self, base_url: str, pages: list[bytes]) -> None:
        self.base_url = base_url.rstrip("/")
        self.pages = pages
        self.articles = tuple(Served(f"/p/{n}") for n in range(len(pages)))
        self._compressed: dict[int, bytes] = {}

    def feed_urls(self) -> list[str]:
        count = -(-len(self.pages) // FEED_SIZE)
        return [f"{self.base_url}/feed-{k}.xml" for k in range(count)]

    def feeds_yaml(self) -> str:
        return "sources:\n" + "".join(f"  - url: {url}\n" for url in self.feed_urls())

    def respond(self, method: str, path: str, headers: Any) -> DemoResponse:
        html = {"Content-Type": "text/html"}
        if path.startswith("/p/") and path[3:].isdigit() and int(path[3:]) < len(self.pages):
            if "gzip" not in headers.get("Accept-Encoding", ""):
                return DemoResponse(200, html, self.pages[int(path[3:])])
            return DemoResponse(
                200, {**html, "Content-Encoding": "gzip"}, self._gzipped(int(path[3:]))
            )
        if path.startswith("/feed-") and path.endswith(".xml") and path[6:-4].isdigit():
            body = self._feed(int(path[6:-4]))
            if body is not None:
                return DemoResponse(200, {"Content-Type": "application/rss+xml"}, body)
        return DemoResponse(404, html, b"<html><body>not found</body></html>")

    def _gzipped(self, n: int) -> bytes:
        if n not in self._compressed:
            self._compressed[n] = gzip.compress(self.pages[n], compresslevel=6)
        return self._compressed[n]

    def _feed(self, k: int) -> bytes | None:
        numbers = range(k * FEED_SIZE, min((k + 1) * FEED_SIZE, len(self.pages)))
        if not numbers:
            return None
        items = "".join(
            f"<item><title>Page {n}</title><link>{escape(self.base_url)}/p/{n}</link>"
            f"<guid>{escape(self.base_url)}/p/{n}</guid>"
            f"<pubDate>{format_datetime(NEWEST - timedelta(minutes=n))}</pubDate></item>"
            for n in numbers
        )
        return (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Real pages {k}</title><link>{escape(self.base_url)}/</link>"
            f"<description>benchmark feed</description>{items}</channel></rss>"
        ).encode()


def serve(pages: list[bytes]) -> AbstractContextManager[RealSite]:
    """Serve the pages on 127.0.0.1 (a free port) in a background thread of this process."""
    from newsflow.flows.demo.server import serve_site

    return serve_site(lambda url: RealSite(url, pages))

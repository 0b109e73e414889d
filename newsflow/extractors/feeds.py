"""Feed documents (RSS 0.9x/1.0/2.0, Atom, RDF, JSON Feed) to entries, with feedparser.

feedparser only ever sees bytes here: it never does HTTP itself.
"""

from __future__ import annotations

import calendar
import json
import logging
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser
import lxml.html

from newsflow.models import FeedEntry, ParsedFeed

LOGGER = logging.getLogger(__name__)


def parse_feed(
    body: bytes, source: str, content_type: str | None = None, base_url: str | None = None
) -> ParsedFeed:
    """Parse a feed body; a document that is no feed gets `error` set instead of raising."""
    if not body.strip():
        return ParsedFeed(error="empty body")
    if _looks_like_json(body, content_type):
        return _parse_json_feed(body, source, base_url or source)
    headers = {"content-location": base_url or source}
    if content_type:
        headers["content-type"] = content_type
    try:
        parsed = feedparser.parse(body, response_headers=headers)
    except Exception as exc:  # feedparser is lenient, but a parser crash must not end a run
        LOGGER.warning("feedparser crashed on %s: %r", source, exc)
        return ParsedFeed(error=f"parser crashed: {type(exc).__name__}: {exc}")
    if not parsed.get("version") and not parsed.entries:
        return ParsedFeed(error=_not_a_feed_reason(body, parsed))
    entries = tuple(e for e in (_entry(raw, source) for raw in parsed.entries) if e is not None)
    feed = parsed.get("feed", {})
    return ParsedFeed(
        entries=entries,
        title=_clean(feed.get("title")),
        site_url=feed.get("link"),
        version=parsed.get("version") or "unknown",
        ttl_minutes=_ttl(feed.get("ttl")),
    )


def _ttl(value: Any) -> int | None:
    """RSS <ttl> in minutes, when it is a sane positive number."""
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes if 0 < minutes <= 7 * 24 * 60 else None


FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "text/xml",
    "application/xml",
)
COMMON_FEED_PATHS = ("/feed", "/rss", "/rss.xml", "/feed.xml", "/atom.xml", "/index.xml", "/feed/")


def discover_feed_links(html: bytes, base_url: str) -> list[str]:
    """Feed URLs a web page announces with <link rel="alternate" type=…>, in page order."""
    try:
        document = lxml.html.fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return []
    found = []
    for link in document.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().split(";")[0].strip()
        href = (link.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            url = urljoin(base_url, href)
            if url not in found:
                found.append(url)
    return found


def feed_candidates(html: bytes, base_url: str) -> list[str]:
    """Where to look for the feed of a homepage: announced links, then common paths."""
    announced = discover_feed_links(html, base_url)
    guessed = [urljoin(base_url, path) for path in COMMON_FEED_PATHS]
    return announced + [url for url in guessed if url not in announced]


def _entry(raw: Any, source: str) -> FeedEntry | None:
    """One feedparser entry to a FeedEntry; entries without any usable link are dropped."""
    link = raw.get("link") or _alternate_link(raw)
    guid = raw.get("id") or None
    if not link and guid and guid.startswith(("http://", "https://")):
        link = guid
    if not link:
        return None
    authors = tuple(a["name"] for a in raw.get("authors", []) if a.get("name"))
    if not authors and raw.get("author"):
        authors = (raw["author"],)
    return FeedEntry(
        source=source,
        link=link.strip(),
        guid=guid,
        title=_clean(raw.get("title")),
        summary=_html_to_text(raw.get("summary")),
        published_at=_timestamp(
            dict.get(raw, "published_parsed") or dict.get(raw, "updated_parsed")
        ),
        authors=authors,
        categories=tuple(t["term"] for t in raw.get("tags", []) if t.get("term")),
    )


def _alternate_link(raw: Any) -> str | None:
    """The first rel=alternate (or untyped) link of an entry."""
    for link in raw.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return None


def _timestamp(value: time.struct_time | None) -> datetime | None:
    """feedparser's UTC struct_time to an aware datetime."""
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _clean(value: str | None) -> str | None:
    """Collapse whitespace; empty becomes None."""
    if not value:
        return None
    return " ".join(value.split()) or None


def _html_to_text(value: str | None) -> str | None:
    """Plain text of an HTML fragment such as an entry summary."""
    if not value or not value.strip():
        return None
    if "<" not in value:
        return _clean(value)
    try:
        return _clean(lxml.html.fragment_fromstring(value, create_parent="div").text_content())
    except (ValueError, lxml.etree.ParserError):
        return _clean(value)


def _not_a_feed_reason(body: bytes, parsed: Any) -> str:
    """Explain why a document yielded no feed."""
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "not a feed: the document is an HTML page"
    problem = parsed.get("bozo_exception")
    if problem:
        return f"not a feed: {type(problem).__name__}: {problem}"
    return "not a feed: no RSS, Atom or JSON Feed structure found"


def _looks_like_json(body: bytes, content_type: str | None) -> bool:
    """JSON Feed is announced by its content type or starts with an object."""
    if content_type and "json" in content_type.lower():
        return True
    return body.lstrip()[:1] == b"{"


def _parse_json_feed(body: bytes, source: str, base_url: str) -> ParsedFeed:
    """JSON Feed 1.0/1.1 (feedparser does not read it)."""
    try:
        document = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return ParsedFeed(error=f"not a feed: invalid JSON: {exc}")
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        return ParsedFeed(error="not a feed: JSON without an items list")
    entries = []
    for item in document["items"]:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if not isinstance(link, str) or not link.strip():
            continue
        authors = item.get("authors") or ([item["author"]] if item.get("author") else [])
        entries.append(
            FeedEntry(
                source=source,
                link=urljoin(base_url, link.strip()),
                guid=str(item["id"]) if item.get("id") is not None else None,
                title=_clean(item.get("title") if isinstance(item.get("title"), str) else None),
                summary=_html_to_text(
                    item.get("summary") or item.get("content_text") or item.get("content_html")
                ),
                published_at=_iso_datetime(item.get("date_published") or item.get("date_modified")),
                authors=tuple(a["name"] for a in authors if isinstance(a, dict) and a.get("name")),
                categories=tuple(t for t in item.get("tags") or [] if isinstance(t, str)),
            )
        )
    title = document.get("title")
    return ParsedFeed(
        entries=tuple(entries),
        title=_clean(title) if isinstance(title, str) else None,
        site_url=document.get("home_page_url"),
        version="json" + str(document.get("version", "")).rsplit("/", 1)[-1],
    )


def _iso_datetime(value: Any) -> datetime | None:
    """An RFC 3339 string to an aware datetime (naive ones are taken as UTC)."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)

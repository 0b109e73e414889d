"""Older pages of a feed, for backfills: RFC 5005 links and WordPress-style `?paged=N`.

RFC 5005 gives two ways back in time: paged feeds (`next`, `previous`) and archived feeds
(`prev-archive`, `next-archive`, `current`, with `<fh:archive/>` marking an archive document and
`<fh:complete/>` a feed that holds everything). The links are atom:link elements of an Atom
feed or of an RSS channel. feedparser keeps the rel values but keys the fh: elements by their
prefix, so lxml reads them here by namespace.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from lxml import etree

from newsflow.extractors.sitemaps import local_name, parse_xml_safely

ATOM_NS = "http://www.w3.org/2005/Atom"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
IANA_RELATIONS = "http://www.iana.org/assignments/relation/"
RELATIONS = {
    "next": "next",
    "previous": "previous",
    "prev": "previous",
    "prev-archive": "prev_archive",
    "next-archive": "next_archive",
    "current": "current",
}
WORDPRESS_PAGE = "paged"


@dataclass(frozen=True)
class FeedPages:
    """Where a feed document says its neighbours are (absolute URLs) and what it is.

    `previous` is the paged-feed link back towards the first page; it is kept apart from
    `prev_archive` because the two point in opposite directions in practice."""

    next: str | None = None
    prev_archive: str | None = None
    next_archive: str | None = None
    current: str | None = None
    is_archive: bool = False  # <fh:archive/>: a stable archive document
    is_complete: bool = False  # <fh:complete/>: the feed holds every entry, no archives exist
    previous: str | None = None


def feed_pages(body: bytes, base_url: str) -> FeedPages:
    """The paging links and history markers of an Atom feed or RSS channel; a document that is
    no feed (or no XML) gives an empty FeedPages."""
    root, _ = parse_xml_safely(body, base_url)
    if root is None:
        return FeedPages()
    containers = [root, *(child for child in root if local_name(child) == "channel")]
    links: dict[str, str] = {}
    archive = complete = False
    for container in containers:
        for element in container:
            if not isinstance(element.tag, str):
                continue
            name = etree.QName(element)
            if name.namespace == HISTORY_NS:
                archive = archive or name.localname == "archive"
                complete = complete or name.localname == "complete"
            elif name.namespace == ATOM_NS and name.localname == "link":
                _add_link(links, element, base_url)
    return FeedPages(
        next=links.get("next"),
        prev_archive=links.get("prev_archive"),
        next_archive=links.get("next_archive"),
        current=links.get("current"),
        is_archive=archive,
        is_complete=complete,
        previous=links.get("previous"),
    )


def _add_link(links: dict[str, str], element: etree._Element, base_url: str) -> None:
    """Record an atom:link whose relation matters here (the first one of each wins)."""
    rel = (element.get("rel") or "").strip().lower().removeprefix(IANA_RELATIONS)
    href = (element.get("href") or "").strip()
    field = RELATIONS.get(rel)
    if field is None or not href or field in links:
        return
    url = urljoin(element.base or base_url, href)
    if urlsplit(url).scheme in ("http", "https"):
        links[field] = url


def wordpress_page_url(feed_url: str, page: int) -> str:
    """The feed URL with `paged=N` added or replaced; the other query fields keep their bytes."""
    if page < 1:
        raise ValueError(f"page must be at least 1, not {page}")
    parts = urlsplit(feed_url)
    kept = [
        field
        for field in parts.query.split("&")
        if field and unquote(field.split("=", 1)[0]) != WORDPRESS_PAGE
    ]
    query = "&".join([*kept, f"{WORDPRESS_PAGE}={page}"])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))

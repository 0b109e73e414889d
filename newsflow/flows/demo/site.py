"""The demo news site as a pure function from a request to a response (no sockets here)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import cached_property
from urllib.parse import parse_qs, unquote, urlsplit

from newsflow.flows.demo.content import (
    ARTICLES_DIR,
    DemoArticle,
    Story,
    load_outlet,
    make_copy,
)
from newsflow.flows.demo.templates import THEMES, ArticlePage, ErrorPage, ListingPage, Theme
from newsflow.flows.demo.templates import feeds as docs
from newsflow.flows.demo.templates.common import attr, esc, url

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
FEED_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}
OPML = "text/x-opml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
RELATED_COUNT = 4
EPOCH = datetime(2026, 11, 1, tzinfo=UTC)
REVISIONS_DIR = ARTICLES_DIR / "revisions"
AMP_SUFFIX = "/amp"


@dataclass(frozen=True)
class DemoResponse:
    """What the site answers to one request."""

    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Outlet:
    """A fictional news outlet served under `/{slug}/`."""

    slug: str
    name: str
    language: str
    feed_path: str
    feed_format: str
    boilerplate: tuple[str, ...]


@dataclass(frozen=True)
class Resource:
    """A rendered document with its cache validators."""

    content_type: str
    body: bytes
    last_modified: datetime

    @cached_property
    def etag(self) -> str:
        """Quoted hash of the body."""
        return '"' + hashlib.sha256(self.body).hexdigest()[:24] + '"'


def http_date(moment: datetime) -> str:
    """An IMF-fixdate such as 'Tue, 17 Nov 2026 06:15:00 GMT'."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def newest(articles: list[DemoArticle]) -> datetime:
    """Publication date of the newest article (a fixed date for an empty list)."""
    return max((a.published for a in articles), default=EPOCH)


def etag_matches(header: str, etag: str) -> bool:
    """Whether an If-None-Match header names this entity tag (weak comparison)."""
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return "*" in tags or etag in tags


def not_modified(headers: Mapping[str, str], resource: Resource) -> bool:
    """Whether conditional request headers allow a 304 (If-None-Match wins, RFC 9110)."""
    lowered = {key.lower(): value for key, value in headers.items()}
    if "if-none-match" in lowered:
        return etag_matches(lowered["if-none-match"], resource.etag)
    since = lowered.get("if-modified-since")
    if not since:
        return False
    try:
        stamp = parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False
    stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
    return resource.last_modified.replace(microsecond=0) <= stamp


def feed_page(query: str) -> int | None:
    """The copy number asked for by a feed query: 0 without `page`, None when malformed."""
    pages = parse_qs(query).get("page")
    if not pages:
        return 0
    return int(pages[0]) if pages[0].isdigit() and int(pages[0]) > 0 else None


def neighbours(
    edition: list[Story], story: Story
) -> tuple[DemoArticle | None, tuple[DemoArticle, ...]]:
    """The read-also article and the related list for a story, taken from its own edition."""
    index = edition.index(story)
    ordered = edition[index + 1 :] + edition[:index]
    visible = [s.article for s in ordered if s.article.status != "gone"]
    read_also = next((a for a in reversed(visible) if a.status == "ok"), None)
    return read_also, tuple(visible[:RELATED_COUNT])


def revised(stories: list[Story], outlet: str, language: str) -> list[Story]:
    """An outlet's stories with the corrected texts of `articles/revisions/<outlet>/` in place
    of the originals at the same path."""
    if not (REVISIONS_DIR / outlet).is_dir():
        return stories
    corrections = {s.article.path: s for s in load_outlet(outlet, language, REVISIONS_DIR)}
    return [corrections.get(story.article.path, story) for story in stories]


def amp_variant(article: DemoArticle) -> DemoArticle:
    """The article as listed under its AMP URL (`…/amp`), as some feeds and aggregators do."""
    return replace(article, path=article.path + AMP_SUFFIX)


class DemoSite:
    """Six fictional outlets with pages, feeds, sitemaps and an OPML list, answered in memory.

    Every article page also answers at `…/amp` with `rel=canonical` to the main URL.
    `revision=1` (or `set_revision(1)` later) serves the corrected texts of
    `articles/revisions/` (what a later run sees);
    `variants=True` adds to each feed an AMP-URL entry for every syndicated (`story:`) article.
    """

    def __init__(
        self, base_url: str, copies: int = 1, revision: int = 0, variants: bool = False
    ) -> None:
        if copies < 1:
            raise ValueError("copies must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.copies = copies
        self.variants = variants
        self.set_revision(revision)

    def set_revision(self, revision: int) -> None:
        """Serve the site as of `revision` from now on (1: with the corrected texts), at the same
        URLs: what a later run of an ingest sees."""
        self.revision = revision
        copies = self.copies
        self._themes = {theme.slug: theme for theme in THEMES}
        self._editions: dict[tuple[str, int], list[Story]] = {}
        for theme in THEMES:
            originals = load_outlet(theme.slug, theme.language)
            if revision:
                originals = revised(originals, theme.slug, theme.language)
            self._editions[(theme.slug, 0)] = originals
            for n in range(1, copies):
                ok = [story for story in originals if story.article.status == "ok"]
                self._editions[(theme.slug, n)] = [make_copy(story, n) for story in ok]
        self._stories = {
            story.article.path: (story, key)
            for key, edition in self._editions.items()
            for story in edition
        }
        self.outlets = tuple(
            Outlet(t.slug, t.name, t.language, t.feed_path, t.feed_format, t.boilerplate)
            for t in THEMES
        )
        self.articles = tuple(story.article for story, _ in self._stories.values())
        self._cache: dict[str, Resource] = {}

    def feed_urls(self) -> list[str]:
        """Absolute URLs of every feed, copy feeds included."""
        return [ref.xml_url for ref in self._feed_refs()]

    def opml(self) -> bytes:
        """The OPML 2.0 list of every feed, as served at /opml.xml."""
        return docs.opml(self._feed_refs(), newest(list(self.articles)))

    def respond(self, method: str, path_and_query: str, headers: Mapping[str, str]) -> DemoResponse:
        """Answer one request; HEAD gets GET's headers and an empty body."""
        if method not in ("GET", "HEAD"):
            return DemoResponse(405, {"Allow": "GET, HEAD", "Content-Type": TEXT}, b"")
        parts = urlsplit(path_and_query)
        path = unquote(parts.path) or "/"
        if path.strip("/") in self._themes and not path.endswith("/"):
            return DemoResponse(301, {"Location": url(self.base_url, path + "/")}, b"")
        # only the feeds read the query; keying on it elsewhere would let cache-busters grow memory
        key = f"{path}?page={feed_page(parts.query)}" if path in self._feed_paths() else path
        resource = self._cache.get(key) or self._render(path, parts.query)
        if resource is not None:
            self._cache[key] = resource
        if resource is None:
            body = b"" if method == "HEAD" else self._not_found(path)
            return DemoResponse(404, {"Content-Type": HTML}, body)
        validators = {
            "ETag": resource.etag,
            "Last-Modified": http_date(resource.last_modified),
            "Cache-Control": "public, max-age=60",
        }
        if not_modified(headers, resource):
            return DemoResponse(304, validators, b"")
        body = b"" if method == "HEAD" else resource.body
        return DemoResponse(200, {"Content-Type": resource.content_type, **validators}, body)

    def _feed_paths(self) -> set[str]:
        """Paths of the outlets' feeds (their query selects the copy page)."""
        return {theme.feed_path for theme in THEMES}

    def _feed_refs(self) -> list[docs.FeedRef]:
        """Every feed, original editions first within each outlet."""
        refs = []
        for theme in THEMES:
            home = url(self.base_url, f"/{theme.slug}/")
            feed = url(self.base_url, theme.feed_path)
            refs.append(docs.FeedRef(theme.name, feed, home, theme.language))
            refs += [
                docs.FeedRef(f"{theme.name} (copies {n})", f"{feed}?page={n}", home, theme.language)
                for n in range(1, self.copies)
            ]
        return refs

    def _render(self, path: str, query: str) -> Resource | None:
        """Build the document at a path, or None when there is none."""
        everything = list(self.articles)
        if path == "/":
            return Resource(HTML, self._index(), newest(everything))
        if path == "/robots.txt":
            sitemaps = [url(self.base_url, f"/{t.slug}/sitemap.xml") for t in THEMES]
            return Resource(TEXT, docs.robots(sitemaps), newest(everything))
        if path == "/opml.xml":
            return Resource(OPML, self.opml(), newest(everything))
        theme = self._outlet_of(path)
        return self._render_outlet(theme, path, query) if theme else None

    def _outlet_of(self, path: str) -> Theme | None:
        """The outlet whose prefix a path starts with."""
        return self._themes.get(path.split("/")[1]) if path.startswith("/") else None

    def _render_outlet(self, theme: Theme, path: str, query: str) -> Resource | None:
        """Build a document under an outlet's prefix."""
        if path == theme.feed_path:
            return self._feed(theme, feed_page(query))
        if path == f"/{theme.slug}/sitemap.xml":
            served = self._served(theme, self.copies)
            return Resource(XML, docs.sitemap(self.base_url, served), newest(served))
        originals = self._served(theme, 1)
        if path == f"/{theme.slug}/":
            return self._listing(theme, path, theme.name, originals)
        segments = path.strip("/").split("/")
        if len(segments) == 2 and path.endswith("/"):
            section = segments[1]
            if section not in dict(theme.sections) and all(a.section != section for a in originals):
                return None
            listed = [a for a in originals if a.section == section]
            return self._listing(theme, path, theme.section_label(section), listed)
        amp = path.endswith(AMP_SUFFIX) and path.removesuffix(AMP_SUFFIX) in self._stories
        found = self._stories.get(path.removesuffix(AMP_SUFFIX) if amp else path)
        if found is None or found[0].article.status == "gone":
            return None
        page = self._article(theme, *found)
        return replace(page, body=page.body.replace(b"<html ", b"<html amp ", 1)) if amp else page

    def _served(self, theme: Theme, editions: int) -> list[DemoArticle]:
        """Articles of an outlet's first editions that have a page, newest first."""
        articles = [
            story.article
            for n in range(editions)
            for story in self._editions[(theme.slug, n)]
            if story.article.status != "gone"
        ]
        return sorted(articles, key=lambda a: a.published, reverse=True)

    def _feed(self, theme: Theme, page: int | None) -> Resource | None:
        """The outlet's feed for one edition (0 = originals, n = copy n)."""
        if page is None or page >= self.copies:
            return None
        articles = [story.article for story in self._editions[(theme.slug, page)]]
        if self.variants:
            articles += [amp_variant(a) for a in articles if a.story and a.status == "ok"]
        self_url = url(self.base_url, theme.feed_path) + (f"?page={page}" if page else "")
        title = theme.name + (f" (copies {page})" if page else "")
        render = docs.atom if theme.feed_format == "atom" else docs.rss
        body = render(theme, self.base_url, self_url, title, articles)
        return Resource(FEED_TYPES[theme.feed_format], body, newest(articles))

    def _listing(
        self, theme: Theme, path: str, heading: str, articles: list[DemoArticle]
    ) -> Resource:
        """A home or section page."""
        page = ListingPage(self.base_url, path, heading, tuple(articles))
        return Resource(HTML, theme.render_listing(page).encode("utf-8"), newest(articles))

    def _article(self, theme: Theme, story: Story, edition_key: tuple[str, int]) -> Resource:
        """An article page."""
        read_also, related = neighbours(self._editions[edition_key], story)
        page = ArticlePage(self.base_url, story.article, story.blocks, read_also, related)
        return Resource(HTML, theme.render_article(page).encode("utf-8"), story.article.published)

    def _not_found(self, path: str) -> bytes:
        """The 404 page, styled like the outlet the path belongs to."""
        theme = self._outlet_of(path)
        if theme is None:
            return b'<!DOCTYPE html>\n<html lang="en"><title>Not found</title><h1>Not found</h1>\n'
        return theme.render_not_found(ErrorPage(self.base_url, path)).encode()

    def _index(self) -> bytes:
        """The site root: a plain list of outlets and feeds."""
        items = "\n".join(
            f'<li><a href="{attr(url(self.base_url, f"/{t.slug}/"))}">{esc(t.name)}</a> '
            f'(<a href="{attr(url(self.base_url, t.feed_path))}">{t.feed_format}</a>)</li>'
            for t in THEMES
        )
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            "<title>newsflow demo site</title></head><body><h1>newsflow demo site</h1>"
            f'<ul>\n{items}\n</ul><p><a href="/opml.xml">OPML</a></p></body></html>\n'
        ).encode()

"""The demo news site as a pure function from a request to a response (no sockets here)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from functools import cached_property
from urllib.parse import parse_qs, unquote, urlsplit

from newsflow.extractors.urls import article_id
from newsflow.flows.demo.content import (
    ARTICLES_DIR,
    DemoArticle,
    Story,
    load_outlet,
    make_copy,
    make_distinct_copy,
    vocabulary,
)
from newsflow.flows.demo.templates import THEMES, ArticlePage, ErrorPage, ListingPage, Theme
from newsflow.flows.demo.templates import feeds as docs
from newsflow.flows.demo.templates.common import attr, esc, url
from newsflow.models import Article

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
# outlets whose feed also pages back in time, by RFC 5005 archives and by WordPress' ?paged=N
PAGED_OUTLETS = ("veilleur", "abendkurier")
PAGE_SIZE = 4  # ten articles give three pages
ARCHIVE_PATH = re.compile(r"^/(?P<slug>[a-z]+)/archive/(?P<number>[1-9][0-9]*)\.xml$")


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


def wordpress_page(query: str) -> int | None:
    """The `paged` number of a feed query: 0 without it, None when malformed."""
    pages = parse_qs(query).get("paged")
    if not pages:
        return 0
    return int(pages[0]) if pages[0].isdigit() and int(pages[0]) > 0 else None


def chunks(articles: list[DemoArticle], size: int) -> list[list[DemoArticle]]:
    """`articles` cut into runs of `size` (the last one may be shorter)."""
    return [articles[start : start + size] for start in range(0, len(articles), size)]


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
    /robots.txt names every outlet's sitemap and /sitemap_index.xml, which lists those and the
    outlets' Google News sitemaps (`/<outlet>/news-sitemap.xml`).
    The feeds of PAGED_OUTLETS page back in time two ways, over the articles of their feed cut
    into PAGE_SIZE runs: RFC 5005 archives (the feed links `prev-archive` to the newest of
    `/<outlet>/archive/<n>.xml`, numbered from the oldest, each marked `<fh:archive/>`) and
    WordPress' `?paged=N` (page 1 the newest run, a page past the end 404). The feed itself
    still lists every article.
    `revision=1` (or `set_revision(1)` later) serves the corrected texts of
    `articles/revisions/` (what a later run sees);
    `variants=True` adds to each feed an AMP-URL entry for every syndicated (`story:`) article.
    `copies=N` serves N editions of every ok article under its own URLs: near copies of it
    (paragraphs rotated, for the dedup demo), or with `distinct=True` other stories made from
    it (`make_distinct_copy`: its long words swapped for other words of the outlet, lengths
    from half to twice its own, one in ten a near copy of another), for benchmarks that need
    many different articles.
    """

    def __init__(
        self,
        base_url: str,
        copies: int = 1,
        revision: int = 0,
        variants: bool = False,
        distinct: bool = False,
    ) -> None:
        if copies < 1:
            raise ValueError("copies must be at least 1")
        self.base_url = base_url.rstrip("/")
        self.copies = copies
        self.variants = variants
        self.distinct = distinct
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
            ok = [story for story in originals if story.article.status == "ok"]
            words = vocabulary(originals) if self.distinct else ()
            for n in range(1, copies):
                self._editions[(theme.slug, n)] = [
                    make_distinct_copy(story, n, words) if self.distinct else make_copy(story, n)
                    for story in ok
                ]
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

    def gold_articles(self) -> dict[str, Article]:
        """The readable articles as the pipeline would build them from their pages, by path
        (the gold text, no extraction): inputs for the tests and benchmarks of later stages."""
        found = {}
        for gold in self.articles:
            if gold.status != "ok":
                continue
            link = self.base_url + gold.path
            text = "\n".join(gold.paragraphs)
            found[gold.path] = Article(
                article_id=article_id(link),
                url=link,
                canonical_url=link,
                source=f"{self.base_url}/{gold.outlet}/feed",
                title=gold.title,
                text=text,
                markdown=text,
                language=gold.language,
                published_at=gold.published,
                authors=(gold.author,),
                site_name=gold.outlet,
                description=gold.summary,
                fetched_at=gold.published + timedelta(minutes=5),
                extractor="demo-gold",
                guid=link,
                word_count=len(text.split()),
            )
        return found

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
        key = self._cache_key(path, parts.query)
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

    def _cache_key(self, path: str, query: str) -> str:
        """The key a response is cached under."""
        # only the feeds read the query; keying on it elsewhere would let cache-busters grow memory
        if path not in self._feed_paths():
            return path
        key = f"{path}?page={feed_page(query)}"
        # an out-of-range `paged` is a 404, which is not cached, so these keys stay few
        paged = path.split("/")[1] in PAGED_OUTLETS
        return f"{key}&paged={wordpress_page(query)}" if paged else key

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
            sitemaps.append(url(self.base_url, "/sitemap_index.xml"))
            return Resource(TEXT, docs.robots(sitemaps), newest(everything))
        if path == "/sitemap_index.xml":
            return Resource(XML, docs.sitemap_index(self._child_sitemaps()), newest(everything))
        if path == "/opml.xml":
            return Resource(OPML, self.opml(), newest(everything))
        theme = self._outlet_of(path)
        return self._render_outlet(theme, path, query) if theme else None

    def _child_sitemaps(self) -> list[tuple[str, datetime]]:
        """(URL, lastmod) of every outlet's sitemap and Google News sitemap."""
        children = []
        for theme in THEMES:
            changed = newest(self._served(theme, self.copies))
            for name in ("sitemap.xml", "news-sitemap.xml"):
                children.append((url(self.base_url, f"/{theme.slug}/{name}"), changed))
        return children

    def _outlet_of(self, path: str) -> Theme | None:
        """The outlet whose prefix a path starts with."""
        return self._themes.get(path.split("/")[1]) if path.startswith("/") else None

    def _render_outlet(self, theme: Theme, path: str, query: str) -> Resource | None:
        """Build a document under an outlet's prefix."""
        if path == theme.feed_path:
            if theme.slug in PAGED_OUTLETS and wordpress_page(query) != 0:
                return self._wordpress_page(theme, feed_page(query), wordpress_page(query))
            return self._feed(theme, feed_page(query))
        if path == f"/{theme.slug}/sitemap.xml":
            served = self._served(theme, self.copies)
            return Resource(XML, docs.sitemap(self.base_url, served), newest(served))
        if path == f"/{theme.slug}/news-sitemap.xml":
            served = self._served(theme, self.copies)
            body = docs.news_sitemap(self.base_url, theme.name, theme.language, served)
            return Resource(XML, body, newest(served))
        archive = ARCHIVE_PATH.match(path)
        if archive and theme.slug in PAGED_OUTLETS:
            return self._archive(theme, int(archive["number"]))
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
        archives = len(self._archives(theme)) if page == 0 and theme.slug in PAGED_OUTLETS else 0
        newest_archive = (("prev-archive", self._archive_url(theme, archives)),)
        history = docs.FeedHistory(newest_archive) if archives else None
        return self._render_feed(theme, self_url, title, articles, history)

    def _render_feed(
        self,
        theme: Theme,
        self_url: str,
        title: str,
        articles: list[DemoArticle],
        history: docs.FeedHistory | None = None,
    ) -> Resource:
        """A feed document in the outlet's format."""
        render = docs.atom if theme.feed_format == "atom" else docs.rss
        body = render(theme, self.base_url, self_url, title, articles, history)
        return Resource(FEED_TYPES[theme.feed_format], body, newest(articles))

    def _archives(self, theme: Theme) -> list[list[DemoArticle]]:
        """The original feed's articles in PAGE_SIZE runs from the oldest: archive n is run n-1
        (numbered from the oldest, so that an archive keeps its content as news arrives)."""
        oldest_first = [story.article for story in reversed(self._editions[(theme.slug, 0)])]
        return chunks(oldest_first, PAGE_SIZE)

    def _archive_url(self, theme: Theme, number: int) -> str:
        """Where archive document `number` of an outlet lives."""
        return url(self.base_url, f"/{theme.slug}/archive/{number}.xml")

    def _archive(self, theme: Theme, number: int) -> Resource | None:
        """RFC 5005 archive document `number` (1 = oldest), linked to its neighbours."""
        archives = self._archives(theme)
        if number > len(archives):
            return None
        links = [("current", url(self.base_url, theme.feed_path))]
        if number > 1:
            links.append(("prev-archive", self._archive_url(theme, number - 1)))
        if number < len(archives):
            links.append(("next-archive", self._archive_url(theme, number + 1)))
        history = docs.FeedHistory(tuple(links), archive=True)
        articles = archives[number - 1][::-1]
        title = f"{theme.name} (archive {number})"
        return self._render_feed(theme, self._archive_url(theme, number), title, articles, history)

    def _wordpress_page(self, theme: Theme, page: int | None, paged: int | None) -> Resource | None:
        """WordPress' `?paged=N`: the Nth run of PAGE_SIZE articles, newest first; 404 past
        the end (and for copy feeds, which have no pages)."""
        if page != 0 or paged is None:
            return None
        runs = chunks([story.article for story in self._editions[(theme.slug, 0)]], PAGE_SIZE)
        if paged > len(runs):
            return None
        self_url = url(self.base_url, theme.feed_path) + f"?paged={paged}"
        return self._render_feed(theme, self_url, theme.name, runs[paged - 1])

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

"""The bundled demo news site: content, pages, feeds, OPML, conditional GET and the HTTP server."""

from __future__ import annotations

import gzip
import itertools
import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import feedparser
import pytest

from newsflow.extractors.feed_archives import FeedPages, feed_pages, wordpress_page_url
from newsflow.extractors.sitemaps import parse_sitemap, sitemaps_from_robots, url_in_range
from newsflow.flows.demo import DemoArticle, DemoSite, serve_demo_site
from newsflow.flows.demo.content import ARTICLES_DIR
from newsflow.flows.demo.site import PAGE_SIZE, PAGED_OUTLETS

BASE = "http://127.0.0.1:8000"
WIRE_STORY = "wire-harbour-strike"


class TextCollector(HTMLParser):
    """Visible text of a page, tags removed (script and style skipped)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def page_text(body: bytes) -> str:
    """Visible text of an HTML page."""
    collector = TextCollector()
    collector.feed(body.decode("utf-8"))
    return "".join(collector.parts)


def local(url: str) -> str:
    """The path and query of an absolute URL on the site."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def get(site: DemoSite, url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """GET a URL of the site in memory."""
    response = site.respond("GET", local(url), headers)
    return response.status, response.headers, response.body


@pytest.fixture(scope="module")
def site() -> DemoSite:
    """The demo site without benchmark copies."""
    return DemoSite(BASE)


@pytest.fixture(scope="module")
def ok_articles(site: DemoSite) -> list[DemoArticle]:
    """Every article that has a readable page."""
    return [a for a in site.articles if a.status == "ok"]


def by_outlet(site: DemoSite) -> Counter[str]:
    """Number of served articles per outlet."""
    return Counter(a.outlet for a in site.articles)


def test_every_content_file_is_served(site: DemoSite) -> None:
    files = list(ARTICLES_DIR.glob("*/*.md"))
    assert len(site.articles) == len(files) >= 40
    assert len(site.outlets) == 6
    assert len({a.language for a in site.articles}) >= 3
    assert len({a.outlet for a in site.articles}) == 6


def test_english_content_counts(site: DemoSite) -> None:
    counts = by_outlet(site)
    assert (counts["lantern"], counts["meridian"], counts["northstar"]) == (9, 8, 3)
    gone = [a for a in site.articles if a.outlet == "meridian" and a.status == "gone"]
    assert len(gone) == 1


def test_articles_are_well_formed(site: DemoSite) -> None:
    for article in site.articles:
        assert article.published.tzinfo is not None, article.path
        assert article.path == f"/{article.outlet}/{article.section}/{article.path.split('/')[-1]}"
        assert article.title and article.author and article.summary, article.path
        if article.status == "ok":
            words = sum(len(p.split()) for p in article.paragraphs)
            assert 200 <= words <= 700, (article.path, words)


def test_every_feed_parses_with_all_its_articles(site: DemoSite) -> None:
    expected = by_outlet(site)
    for outlet in site.outlets:
        status, headers, body = get(site, BASE + outlet.feed_path)
        assert status == 200
        assert headers["Content-Type"] == f"application/{outlet.feed_format}+xml; charset=utf-8"
        parsed = feedparser.parse(body)
        assert not parsed.bozo, (outlet.slug, parsed.get("bozo_exception"))
        assert parsed.version == ("atom10" if outlet.feed_format == "atom" else "rss20")
        assert len(parsed.entries) == expected[outlet.slug]
        dates = [entry.published_parsed for entry in parsed.entries]
        assert dates == sorted(dates, reverse=True)
        for entry in parsed.entries:
            assert entry.title and entry.link and entry.id and entry.author and entry.summary
            assert entry.tags


def test_feed_ids_and_tracking_links(site: DemoSite) -> None:
    feeds = {o.slug: feedparser.parse(get(site, BASE + o.feed_path)[2]) for o in site.outlets}
    for entry in feeds["meridian"].entries:
        assert entry.link.endswith("?utm_source=rss&utm_medium=feed")
    for entry in feeds["lantern"].entries + feeds["abendkurier"].entries:
        assert entry.id.startswith("tag:")
    assert all(not e.guidislink for e in feeds["northstar"].entries)
    assert all(e.id.startswith("http://") for e in feeds["veilleur"].entries)
    tracked = feeds["meridian"].entries[0].link
    page = get(site, tracked)[2].decode()
    assert f'<link rel="canonical" href="{tracked.split("?")[0]}">' in page


def test_opml_lists_every_feed(site: DemoSite) -> None:
    status, headers, body = get(site, BASE + "/opml.xml")
    assert status == 200 and headers["Content-Type"].startswith("text/x-opml")
    assert body == site.opml()
    outlines = ET.fromstring(body).findall("./body/outline")
    assert [o.get("xmlUrl") for o in outlines] == site.feed_urls()
    assert len(outlines) == 6
    assert all(o.get("type") == "rss" and o.get("title") and o.get("htmlUrl") for o in outlines)


def test_page_shows_title_and_every_gold_paragraph(
    site: DemoSite, ok_articles: list[DemoArticle]
) -> None:
    for article in ok_articles:
        status, headers, body = get(site, BASE + article.path)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        text = page_text(body)
        assert article.title in text
        for paragraph in article.paragraphs:
            assert paragraph in text, (article.path, paragraph[:60])


def test_page_carries_boilerplate_never_in_gold_text(
    site: DemoSite, ok_articles: list[DemoArticle]
) -> None:
    outlets = {o.slug: o for o in site.outlets}
    for article in ok_articles:
        boilerplate = outlets[article.outlet].boilerplate
        assert len(boilerplate) >= 6
        text = page_text(get(site, BASE + article.path)[2])
        for snippet in boilerplate:
            assert snippet in text, (article.path, snippet)
            assert not any(snippet in p for p in article.paragraphs), (article.path, snippet)


def test_page_metadata(site: DemoSite, ok_articles: list[DemoArticle]) -> None:
    article = ok_articles[0]
    page = get(site, BASE + article.path)[2].decode()
    assert re.search(r'<html lang="[a-z]{2}', page)
    assert f'<link rel="canonical" href="{BASE + article.path}">' in page
    for prop in ("og:title", "og:url", "og:site_name", "article:published_time"):
        assert f'property="{prop}"' in page
    assert '<meta property="og:type" content="article">' in page
    data = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert data is not None
    ld = json.loads(data.group(1))
    assert ld["@type"] == "NewsArticle" and ld["headline"] == article.title
    assert ld["author"]["name"] == article.author
    assert f'datetime="{article.published.isoformat()}"' in page


def test_pages_differ_per_outlet(site: DemoSite, ok_articles: list[DemoArticle]) -> None:
    first = {}
    for article in ok_articles:
        first.setdefault(article.outlet, get(site, BASE + article.path)[2].decode())
    classes = {slug: set(re.findall(r'class="([^"]+)"', page)) for slug, page in first.items()}
    for slug, mine in classes.items():
        for other, theirs in classes.items():
            if slug != other:
                assert len(mine & theirs) < len(mine) / 2, (slug, other)


def test_conditional_get_and_head(site: DemoSite, ok_articles: list[DemoArticle]) -> None:
    for path in (ok_articles[0].path, site.outlets[1].feed_path):
        status, headers, body = get(site, BASE + path)
        assert status == 200 and body
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert etag.startswith('"') and etag.endswith('"')
        revalidated = get(site, BASE + path, **{"If-None-Match": etag})
        assert revalidated == (304, headers_of_304(headers), b"")
        assert get(site, BASE + path, **{"If-None-Match": '"other"'})[0] == 200
        assert get(site, BASE + path, **{"If-Modified-Since": modified})[0] == 304
        older = "Sun, 01 Nov 2026 00:00:00 GMT"
        assert get(site, BASE + path, **{"If-Modified-Since": older})[0] == 200
        head = site.respond("HEAD", path, {})
        assert (head.status, head.headers, head.body) == (200, headers, b"")


def headers_of_304(headers: dict[str, str]) -> dict[str, str]:
    """The validators a 304 repeats."""
    return {k: v for k, v in headers.items() if k != "Content-Type"}


def test_article_last_modified_is_its_date(site: DemoSite, ok_articles: list[DemoArticle]) -> None:
    article = ok_articles[0]
    modified = get(site, BASE + article.path)[1]["Last-Modified"]
    assert modified.endswith(" GMT")
    assert parsedate_to_datetime(modified) == article.published


def test_gone_article_is_in_feed_but_404(site: DemoSite) -> None:
    gone = next(a for a in site.articles if a.status == "gone")
    status, headers, body = get(site, BASE + gone.path)
    assert status == 404 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"Daily Meridian" in body
    outlet = next(o for o in site.outlets if o.slug == gone.outlet)
    links = [e.link for e in feedparser.parse(get(site, BASE + outlet.feed_path)[2]).entries]
    assert any(link.split("?")[0] == BASE + gone.path for link in links)


def test_video_page_has_player_but_no_text(site: DemoSite) -> None:
    videos = [a for a in site.articles if a.status == "video"]
    assert videos
    for video in videos:
        status, _, body = get(site, BASE + video.path)
        assert status == 200 and b"<video" in body and video.paragraphs == ()


def test_unknown_paths_and_methods(site: DemoSite) -> None:
    for path in ("/nope", "/lantern/world/nope", "/lantern/atom.xml?page=1", "/a/b/c/d"):
        assert get(site, BASE + path)[0] == 404, path
    assert site.respond("POST", "/opml.xml", {}).status == 405
    assert get(site, BASE + "/lantern")[0] == 301


def test_home_robots_and_sitemaps(site: DemoSite) -> None:
    robots = get(site, BASE + "/robots.txt")[2].decode()
    assert "Allow: /" in robots
    for outlet in site.outlets:
        sitemap_url = f"{BASE}/{outlet.slug}/sitemap.xml"
        assert f"Sitemap: {sitemap_url}" in robots
        urls = ET.fromstring(get(site, sitemap_url)[2])
        served = [a for a in site.articles if a.outlet == outlet.slug and a.status != "gone"]
        assert len(urls) == len(served)
        assert all(u[1].tag.endswith("lastmod") for u in urls)
        home = get(site, f"{BASE}/{outlet.slug}/")[2].decode()
        assert f'type="application/{outlet.feed_format}+xml"' in home
        assert all(a.title in page_text(home.encode()) for a in served)


def test_syndicated_wire_story(site: DemoSite) -> None:
    copies = {a.outlet: a for a in site.articles if a.story == WIRE_STORY}
    assert set(copies) == {"northstar", "lantern", "meridian"}
    original = copies["northstar"].paragraphs
    assert copies["lantern"].paragraphs == original
    assert copies["meridian"].paragraphs[:-1] == original
    assert len(copies["meridian"].paragraphs) == len(original) + 1
    assert len({a.title for a in copies.values()}) == 3


def test_two_missile_tests_are_different_stories(site: DemoSite) -> None:
    missiles = [
        a for a in site.articles if a.language == "en" and "missiles" in a.tags and a.status == "ok"
    ]
    assert len(missiles) >= 2
    assert len({a.published.date() for a in missiles}) == len(missiles)
    stories = [a.story for a in missiles if a.story]
    assert len(stories) == len(set(stories))


def test_copies_multiply_ok_pages_and_feeds() -> None:
    single, tripled = DemoSite(BASE), DemoSite(BASE, copies=3)
    ok_single = [a for a in single.articles if a.status == "ok"]
    ok_tripled = [a for a in tripled.articles if a.status == "ok"]
    assert len(ok_tripled) == 3 * len(ok_single)
    assert len(tripled.feed_urls()) == 3 * len(single.feed_urls())
    copy = next(a for a in ok_tripled if a.path.endswith("-c2"))
    original = next(a for a in ok_single if a.path == copy.path.removesuffix("-c2"))
    assert copy.title == f"{original.title} (2)"
    assert sorted(copy.paragraphs) == sorted(original.paragraphs)
    assert copy.paragraphs != original.paragraphs
    text = page_text(get(tripled, BASE + copy.path)[2])
    assert all(p in text for p in copy.paragraphs)
    for url in tripled.feed_urls():
        parsed = feedparser.parse(get(tripled, url)[2])
        assert not parsed.bozo and parsed.entries, url


def test_serves_over_real_http() -> None:
    with serve_demo_site(copies=2) as site:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", site.base_url)
        assert not site.base_url.endswith(":0")
        feed_url = site.feed_urls()[0]
        with urllib.request.urlopen(feed_url, timeout=5) as response:
            body = response.read()
            etag = response.headers["ETag"]
        assert len(feedparser.parse(body).entries) > 0
        article = next(a for a in site.articles if a.status == "ok")
        request = urllib.request.Request(
            site.base_url + article.path, headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert article.title.encode() in gzip.decompress(response.read())
        conditional = urllib.request.Request(feed_url, headers={"If-None-Match": etag})
        with pytest.raises(urllib.error.HTTPError) as not_modified:
            urllib.request.urlopen(conditional, timeout=5)
        assert not_modified.value.code == 304
        not_modified.value.close()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(feed_url, timeout=2)


@pytest.fixture(scope="module")
def served() -> Iterator[DemoSite]:
    """The demo site over real HTTP on 127.0.0.1."""
    with serve_demo_site() as live:
        yield live


def fetch(url: str) -> tuple[int, str, bytes]:
    """GET over loopback HTTP: status, content type and body, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], error.read()


def served_urls(site: DemoSite, slug: str) -> list[str]:
    """Absolute URLs of an outlet's articles that have a page, newest first."""
    articles = [a for a in site.articles if a.outlet == slug and a.status != "gone"]
    return [site.base_url + a.path for a in sorted(articles, key=lambda a: a.published)][::-1]


def test_robots_txt_names_every_sitemap_over_http(served: DemoSite) -> None:
    status, _, body = fetch(served.base_url + "/robots.txt")
    assert status == 200
    outlet_sitemaps = [f"{served.base_url}/{o.slug}/sitemap.xml" for o in served.outlets]
    assert sitemaps_from_robots(body) == [*outlet_sitemaps, served.base_url + "/sitemap_index.xml"]


def test_sitemap_index_leads_to_every_article_page(served: DemoSite) -> None:
    index_url = served.base_url + "/sitemap_index.xml"
    status, content_type, body = fetch(index_url)
    assert status == 200 and content_type.startswith("application/xml")
    index = parse_sitemap(body, index_url)
    assert (index.kind, index.error, index.urls) == ("index", None, ())
    assert [s.loc for s in index.sitemaps] == [
        f"{served.base_url}/{o.slug}/{name}"
        for o in served.outlets
        for name in ("sitemap.xml", "news-sitemap.xml")
    ]
    found = []
    for child in index.sitemaps:
        slug = urlsplit(child.loc).path.split("/")[1]
        listed = [a for a in served.articles if a.outlet == slug and a.status != "gone"]
        assert child.lastmod == max(a.published for a in listed)
        sitemap = parse_sitemap(fetch(child.loc)[2], child.loc)
        assert (sitemap.kind, sitemap.error) == ("urlset", None)
        assert [u.loc for u in sitemap.urls] == served_urls(served, slug), child.loc
        found += [u.loc for u in sitemap.urls]
    pages = {served.base_url + a.path for a in served.articles if a.status != "gone"}
    assert set(found) == pages and len(found) == 2 * len(pages)


def test_news_sitemaps_carry_publication_title_and_language(served: DemoSite) -> None:
    for outlet in served.outlets:
        news_url = f"{served.base_url}/{outlet.slug}/news-sitemap.xml"
        news = parse_sitemap(fetch(news_url)[2], news_url)
        assert [u.loc for u in news.urls] == served_urls(served, outlet.slug)
        articles = {served.base_url + a.path: a for a in served.articles}
        for url in news.urls:
            article = articles[url.loc]
            assert (url.published_at, url.title) == (article.published, article.title)
            assert (url.language, url.publication) == (outlet.language, outlet.name)
            assert url.published_at is not None and url.published_at.tzinfo is not None
    veilleur = parse_sitemap(fetch(f"{served.base_url}/veilleur/news-sitemap.xml")[2], BASE)
    fourth = sorted((u.published_at for u in veilleur.urls if u.published_at), reverse=True)[3]
    recent = [u.loc for u in veilleur.urls if url_in_range(u, fourth, None)]
    assert recent == served_urls(served, "veilleur")[:4]
    older = [u.loc for u in veilleur.urls if url_in_range(u, None, fourth)]
    assert older == served_urls(served, "veilleur")[4:]


def test_following_prev_archive_reaches_every_article_once(served: DemoSite) -> None:
    for slug in PAGED_OUTLETS:
        outlet = next(o for o in served.outlets if o.slug == slug)
        feed_url = served.base_url + outlet.feed_path
        feed_body = fetch(feed_url)[2]
        in_feed = [e.link for e in feedparser.parse(feed_body).entries]
        subscription = feed_pages(feed_body, feed_url)
        assert not subscription.is_archive and subscription.prev_archive
        archives: list[str] = []
        batches: list[list[feedparser.FeedParserDict]] = []
        url: str | None = subscription.prev_archive
        while url is not None:
            assert url not in archives and len(archives) < 10, url
            status, content_type, body = fetch(url)
            assert status == 200 and content_type.startswith(f"application/{outlet.feed_format}")
            pages = feed_pages(body, url)
            assert pages.is_archive and pages.current == feed_url
            parsed = feedparser.parse(body)
            assert not parsed.bozo, url
            archives.append(url)
            batches.append(parsed.entries)
            url = pages.prev_archive
        assert len(archives) == -(-len(in_feed) // PAGE_SIZE) >= 3
        assert archives[0] == f"{served.base_url}/{slug}/archive/{len(archives)}.xml"
        links = [entry.link for batch in batches for entry in batch]
        assert Counter(links) == Counter(in_feed) and len(set(links)) == len(links)
        for newer, older in itertools.pairwise(batches):  # archives run back in time
            assert min(e.published_parsed for e in newer) > max(e.published_parsed for e in older)
        oldest = feed_pages(fetch(archives[-1])[2], archives[-1])
        assert oldest.prev_archive is None and oldest.next_archive == archives[-2]


def test_wordpress_pages_list_older_items_until_404(served: DemoSite) -> None:
    for slug in PAGED_OUTLETS:
        outlet = next(o for o in served.outlets if o.slug == slug)
        feed_url = served.base_url + outlet.feed_path
        in_feed = [e.link for e in feedparser.parse(fetch(feed_url)[2]).entries]
        pages: list[list[str]] = []
        while len(pages) < 10:
            status, content_type, body = fetch(wordpress_page_url(feed_url, len(pages) + 1))
            if status == 404:
                assert content_type.startswith("text/html") and outlet.name.encode() in body
                break
            assert status == 200, (slug, len(pages) + 1)
            pages.append([e.link for e in feedparser.parse(body).entries])
        assert len(pages) >= 3
        assert [len(p) for p in pages[:-1]] == [PAGE_SIZE] * (len(pages) - 1)
        assert [link for page in pages for link in page] == in_feed  # newest first, each once


def test_only_paged_outlets_have_archives(site: DemoSite) -> None:
    assert set(PAGED_OUTLETS) <= {o.slug for o in site.outlets}
    for outlet in site.outlets:
        feed_url = BASE + outlet.feed_path
        body = get(site, feed_url)[2]
        pages = feed_pages(body, feed_url)
        if outlet.slug in PAGED_OUTLETS:
            assert pages.prev_archive == f"{BASE}/{outlet.slug}/archive/3.xml"
            assert get(site, f"{BASE}/{outlet.slug}/archive/4.xml")[0] == 404
            assert get(site, f"{BASE}/{outlet.slug}/archive/0.xml")[0] == 404
            for query in ("?paged=0", "?paged=x", "?paged=4"):
                assert get(site, feed_url + query)[0] == 404, query
        else:
            assert pages == FeedPages()
            assert get(site, feed_url + "?paged=2")[2] == body  # the query is ignored there
            assert get(site, f"{BASE}/{outlet.slug}/archive/1.xml")[0] == 404


def test_distinct_copies_are_other_stories_of_varied_length_some_syndicated() -> None:
    site = DemoSite(BASE, copies=12, distinct=True)
    again = DemoSite(BASE, copies=12, distinct=True)
    assert [a.paragraphs for a in site.articles] == [a.paragraphs for a in again.articles]
    ok = [a for a in site.articles if a.status == "ok"]
    original = next(a for a in ok if "-c" not in a.path)
    copies = {n: next(a for a in ok if a.path == f"{original.path}-c{n}") for n in range(1, 12)}

    def long_words(article):
        return set(re.findall(r"[^\W\d_]{6,}", " ".join(article.paragraphs).lower()))

    for n in (1, 2, 3):
        shared = long_words(copies[n]) & long_words(original)
        assert len(shared) < 0.2 * len(long_words(original)), n  # another story
        assert copies[n].language == original.language
    lengths = {sum(map(len, copies[n].paragraphs)) for n in range(1, 10)}
    assert max(lengths) > 1.8 * min(lengths)
    syndicated = copies[10]  # one in ten: the one before, paragraphs rotated
    assert sorted(syndicated.paragraphs) == sorted(copies[9].paragraphs)
    assert syndicated.paragraphs != copies[9].paragraphs
    text = page_text(get(site, BASE + copies[2].path)[2])
    assert all(p in text for p in copies[2].paragraphs)

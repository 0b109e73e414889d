import pytest

from newsflow.extractors.feed_archives import FeedPages, feed_pages, wordpress_page_url

BASE = "https://news.example/feeds/main.atom"

ATOM_ARCHIVE = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:fh="http://purl.org/syndication/history/1.0">
  <title>Example Times (archive 7)</title>
  <id>tag:news.example,2026:feed</id>
  <fh:archive/>
  <link rel="self" href="https://news.example/feeds/archive/7.atom"/>
  <link rel="current" href="/feeds/main.atom"/>
  <link rel="prev-archive" href="6.atom"/>
  <link rel="next-archive" href="https://news.example/feeds/archive/8.atom"/>
  <entry><id>tag:news.example,2026:1</id><title>One</title>
    <link rel="next" href="https://news.example/not-the-feed-link"/></entry>
</feed>"""

RSS_SUBSCRIPTION = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>Example Times</title><link>https://news.example/</link>
  <atom:link rel="self" href="https://news.example/feed/"/>
  <atom:link rel="prev-archive" href="/feed/archive/2026-10.xml"/>
  <atom:link rel="next" href="https://news.example/feed/?page=2"/>
  <item><title>One</title><link>https://news.example/one</link>
    <atom:link rel="prev-archive" href="https://news.example/not-the-channel"/></item>
</channel>
</rss>"""


def test_atom_archive_document():
    pages = feed_pages(ATOM_ARCHIVE, "https://news.example/feeds/archive/7.atom")
    assert pages == FeedPages(
        next=None,
        prev_archive="https://news.example/feeds/archive/6.atom",
        next_archive="https://news.example/feeds/archive/8.atom",
        current="https://news.example/feeds/main.atom",
        is_archive=True,
        is_complete=False,
    )


def test_rss_channel_links_ignore_item_links():
    pages = feed_pages(RSS_SUBSCRIPTION, "https://news.example/feed/")
    assert pages.prev_archive == "https://news.example/feed/archive/2026-10.xml"
    assert pages.next == "https://news.example/feed/?page=2"
    assert (pages.next_archive, pages.current, pages.is_archive) == (None, None, False)


def test_history_namespace_is_matched_by_uri_not_prefix():
    body = b"""<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
        xmlns:h="http://purl.org/syndication/history/1.0"><channel><title>t</title>
        <h:complete/></channel></rss>"""
    assert feed_pages(body, BASE) == FeedPages(is_complete=True)
    wrong_namespace = body.replace(b"syndication/history/1.0", b"example/other")
    assert feed_pages(wrong_namespace, BASE) == FeedPages()


def test_paged_feed_relations_and_their_spellings():
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://cdn.example/f/">
      <link rel="http://www.iana.org/assignments/relation/next" href="page/3"/>
      <link rel="NEXT" href="page/99"/>
      <link rel="prev" href="page/1"/>
      <link rel="previous" href="page/0"/>
      <link rel="prev-archive" href="javascript:alert(1)"/>
      <link rel="prev-archive" href=""/>
      <link rel="first" href="page/1"/>
    </feed>"""
    pages = feed_pages(body, BASE)
    assert pages.next == "https://cdn.example/f/page/3"  # the first of each relation wins
    assert pages.previous == "https://cdn.example/f/page/1"
    assert pages.prev_archive is None  # no http(s) link among them


def test_untyped_atom_links_in_rss_are_not_taken():
    body = b"""<rss version="2.0"><channel><title>t</title>
      <link rel="prev-archive" href="https://news.example/a"/></channel></rss>"""
    assert feed_pages(body, BASE) == FeedPages()


@pytest.mark.parametrize(
    "body",
    [b"", b"not xml at all", b"<html><body>404</body></html>", b"<feed><link rel="],
)
def test_non_feeds_have_no_pages(body):
    assert feed_pages(body, BASE) == FeedPages()


def test_truncated_feed_keeps_the_links_before_the_cut():
    cut = ATOM_ARCHIVE[: ATOM_ARCHIVE.index(b"<entry>") + 20]
    pages = feed_pages(cut, "https://news.example/feeds/archive/7.atom")
    assert pages.is_archive and pages.next_archive == "https://news.example/feeds/archive/8.atom"


@pytest.mark.parametrize(
    ("feed_url", "page", "expected"),
    [
        ("https://blog.example/feed/", 2, "https://blog.example/feed/?paged=2"),
        ("https://blog.example/feed/?paged=2", 3, "https://blog.example/feed/?paged=3"),
        (
            "https://blog.example/?feed=rss2&cat=5&paged=9",
            10,
            "https://blog.example/?feed=rss2&cat=5&paged=10",
        ),
        (
            "https://blog.example/feed/?q=a%20b&tag=x+y&paged=1&paged=4#top",
            2,
            "https://blog.example/feed/?q=a%20b&tag=x+y&paged=2#top",
        ),
        ("https://blog.example/feed/?pagedx=1&", 1, "https://blog.example/feed/?pagedx=1&paged=1"),
    ],
)
def test_wordpress_page_url(feed_url, page, expected):
    assert wordpress_page_url(feed_url, page) == expected


def test_wordpress_pages_start_at_one():
    with pytest.raises(ValueError, match="at least 1"):
        wordpress_page_url("https://blog.example/feed/", 0)

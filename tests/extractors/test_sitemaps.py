import gzip
from datetime import UTC, datetime, timedelta, timezone

import pytest

from newsflow.extractors.sitemaps import (
    Sitemap,
    SitemapUrl,
    default_sitemap_urls,
    gunzip,
    index_entry_in_range,
    parse_sitemap,
    parse_w3c_datetime,
    sitemaps_from_robots,
    url_in_range,
)

BASE = "https://news.example/sitemaps/main.xml"

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://news.example/politics/vote</loc><lastmod>2026-11-20</lastmod>
       <changefreq>daily</changefreq><priority>0.8</priority></url>
  <url><loc>
       /world/storm
  </loc><lastmod>2026-11-21T08:30:00+01:00</lastmod></url>
  <url><loc>https://news.example/search?q=a&amp;page=2</loc></url>
  <url><loc>ftp://news.example/file</loc></url>
  <url><loc>mailto:desk@news.example</loc></url>
  <url><lastmod>2026-11-21</lastmod></url>
</urlset>"""

NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:n="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
 <url>
  <loc>https://news.example/business/rates</loc>
  <lastmod>2026-11-22T12:00:00Z</lastmod>
  <image:image><image:loc>https://cdn.example/rates.jpg</image:loc></image:image>
  <n:news>
   <n:publication><n:name>The Example Times</n:name><n:language>en</n:language></n:publication>
   <n:publication_date>2026-11-22T07:15:00-05:00</n:publication_date>
   <n:title><![CDATA[Rates   held
     & markets rally]]></n:title>
  </n:news>
 </url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example/sitemap-2026-10.xml</loc><lastmod>2026-10-31</lastmod></sitemap>
  <sitemap><loc>sitemap-2026-11.xml.gz</loc><lastmod>2026-11-24T10:00:00Z</lastmod></sitemap>
  <sitemap><loc>https://news.example/sitemap-news.xml</loc></sitemap>
</sitemapindex>"""


def test_namespaced_urlset_resolves_locs_and_dates():
    sitemap = parse_sitemap(URLSET, BASE)
    assert (sitemap.kind, sitemap.error, sitemap.sitemaps) == ("urlset", None, ())
    assert [u.loc for u in sitemap.urls] == [
        "https://news.example/politics/vote",
        "https://news.example/world/storm",
        "https://news.example/search?q=a&page=2",
    ]
    assert sitemap.urls[0].lastmod == datetime(2026, 11, 20, tzinfo=UTC)
    assert sitemap.urls[1].lastmod == datetime(2026, 11, 21, 7, 30, tzinfo=UTC)
    assert sitemap.urls[2].lastmod is None
    assert all(u.published_at is None and u.title is None for u in sitemap.urls)


def test_urlset_without_namespace_reads_the_same():
    plain = URLSET.replace(b' xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"', b"")
    assert b"xmlns" not in plain
    assert parse_sitemap(plain, BASE) == parse_sitemap(URLSET, BASE)


def test_google_news_sitemap():
    (url,) = parse_sitemap(NEWS, BASE).urls
    assert url == SitemapUrl(
        loc="https://news.example/business/rates",
        lastmod=datetime(2026, 11, 22, 12, 0, tzinfo=UTC),
        published_at=datetime(2026, 11, 22, 12, 15, tzinfo=UTC),
        title="Rates held & markets rally",
        language="en",
        publication="The Example Times",
    )


def test_sitemap_index_lists_child_sitemaps():
    index = parse_sitemap(INDEX, "https://news.example/sitemap_index.xml")
    assert (index.kind, index.urls, index.error) == ("index", (), None)
    assert [s.loc for s in index.sitemaps] == [
        "https://news.example/sitemap-2026-10.xml",
        "https://news.example/sitemap-2026-11.xml.gz",
        "https://news.example/sitemap-news.xml",
    ]
    assert [s.lastmod for s in index.sitemaps] == [
        datetime(2026, 10, 31, tzinfo=UTC),
        datetime(2026, 11, 24, 10, 0, tzinfo=UTC),
        None,
    ]
    bare = INDEX.replace(b' xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"', b"")
    assert parse_sitemap(bare, "https://news.example/sitemap_index.xml") == index


def test_gzip_bodies_are_detected_by_magic_bytes():
    assert parse_sitemap(gzip.compress(URLSET), BASE) == parse_sitemap(URLSET, BASE)
    two_members = gzip.compress(INDEX[:200]) + gzip.compress(INDEX[200:])
    assert parse_sitemap(two_members, BASE).kind == "index"
    assert len(parse_sitemap(two_members, BASE).sitemaps) == 3


def test_broken_gzip_is_an_error_not_an_exception():
    truncated = gzip.compress(URLSET)[:-20]
    assert parse_sitemap(truncated, BASE) == Sitemap(kind="urlset", error="truncated gzip data")
    garbage = parse_sitemap(b"\x1f\x8b" + b"\xff" * 30, BASE)
    assert garbage.urls == () and garbage.error and garbage.error.startswith("invalid gzip")


def test_gunzip_refuses_to_inflate_past_the_limit():
    bomb = gzip.compress(b"\0" * 100_000)
    assert len(gunzip(bomb, 100_000)) == 100_000
    with pytest.raises(ValueError, match="larger than 99999 bytes"):
        gunzip(bomb, 99_999)


def test_plain_text_sitemap_keeps_absolute_http_lines():
    body = (
        "\ufeffhttps://news.example/a\r\n\n  http://news.example/b  \n"
        "ftp://news.example/c\n/relative/d\nnot a url\nhttps://news.example/caf\u00e9\n"
    ).encode()
    sitemap = parse_sitemap(body, BASE)
    assert sitemap.error is None and sitemap.kind == "urlset"
    assert [u.loc for u in sitemap.urls] == [
        "https://news.example/a",
        "http://news.example/b",
        "https://news.example/caf\u00e9",
    ]
    assert parse_sitemap(gzip.compress(body), BASE) == sitemap


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty body"),
        (b"  \n\t ", "empty body"),
        (b"<html><body><h1>Not found</h1></body></html>", "not a sitemap: root element <html>"),
        (b'<rss version="2.0"><channel/></rss>', "is a feed"),
        (b"<urlset><url><loc>", "broken XML"),
        (b"<<<>>>", "broken XML"),
        (b"just some words\nand more words\n", "no line holding an http(s) URL"),
    ],
)
def test_non_sitemaps_give_an_error_and_no_urls(body, reason):
    sitemap = parse_sitemap(body, BASE)
    assert sitemap.kind == "urlset" and sitemap.urls == () and sitemap.sitemaps == ()
    assert sitemap.error is not None and reason in sitemap.error


def test_slightly_broken_xml_is_recovered():
    cut = URLSET[: URLSET.index(b"<url><loc>https://news.example/search")] + b"<url><loc>https://n"
    sitemap = parse_sitemap(cut, BASE)
    assert sitemap.error is None
    assert [u.loc for u in sitemap.urls][:2] == [
        "https://news.example/politics/vote",
        "https://news.example/world/storm",
    ]


def test_bare_ampersands_are_repaired_outside_cdata():
    body = (
        b"<urlset xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>"
        b"<url><loc>https://news.example/?a=1&b=2&amp;c=3</loc>"
        b"<news:news><news:title><![CDATA[Tom & Jerry &amp; friends]]></news:title></news:news>"
        b"</url></urlset>"
    )
    (url,) = parse_sitemap(body, BASE).urls
    assert url.loc == "https://news.example/?a=1&b=2&c=3"
    assert url.title == "Tom & Jerry &amp; friends"


def test_entities_are_never_expanded(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("https://leak.example/secret")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY ext SYSTEM "{secret.as_uri()}">'
        '<!ENTITY int "https://internal.example/x">]>'
        "<urlset><url><loc>&ext;</loc></url><url><loc>&int;</loc></url>"
        "<url><loc>https://news.example/ok</loc></url></urlset>"
    ).encode()
    sitemap = parse_sitemap(body, BASE)
    assert [u.loc for u in sitemap.urls] == ["https://news.example/ok"]


def test_xml_base_is_honoured():
    body = b"""<urlset xml:base="https://cdn.example/en/"><url><loc>page</loc></url></urlset>"""
    assert parse_sitemap(body, BASE).urls[0].loc == "https://cdn.example/en/page"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026", datetime(2026, 1, 1, tzinfo=UTC)),
        ("2026-11", datetime(2026, 11, 1, tzinfo=UTC)),
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
        ("2026-11-20T10:15+02:00", datetime(2026, 11, 20, 8, 15, tzinfo=UTC)),
        ("2026-11-20T10:15:30Z", datetime(2026, 11, 20, 10, 15, 30, tzinfo=UTC)),
        ("2026-11-20T10:15:30.45-01:00", datetime(2026, 11, 20, 11, 15, 30, 450000, tzinfo=UTC)),
        ("2026-11-20T10:15:30", datetime(2026, 11, 20, 10, 15, 30, tzinfo=UTC)),
        ("  2026-11-20 10:15:30  ", datetime(2026, 11, 20, 10, 15, 30, tzinfo=UTC)),
        ("Fri, 20 Nov 2026 10:15:30 GMT", datetime(2026, 11, 20, 10, 15, 30, tzinfo=UTC)),
        ("2026-13-01", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_w3c_datetimes(value, expected):
    parsed = parse_w3c_datetime(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.tzinfo is UTC


def test_sitemaps_from_robots():
    body = (
        b"\xef\xbb\xbfSitemap: https://news.example/sitemap_index.xml\n"
        b"User-agent: *\nDisallow: /private/\n\n"
        b"sitemap:   https://news.example/news-sitemap.xml  \n"
        b"SITEMAP: /relative-sitemap.xml\n"
        b"Sitemap: https://news.example/sitemap_index.xml\n"
        b"Sitemap: ftp://news.example/sitemap.xml\n"
    )
    assert sitemaps_from_robots(body) == [
        "https://news.example/sitemap_index.xml",
        "https://news.example/news-sitemap.xml",
    ]
    assert sitemaps_from_robots(body, "https://news.example/robots.txt")[-1] == (
        "https://news.example/relative-sitemap.xml"
    )
    assert sitemaps_from_robots(b"User-agent: *\nDisallow:\n") == []


def test_default_sitemap_urls_live_at_the_origin():
    urls = default_sitemap_urls("https://www.news.example:8443/section/page?x=1#top")
    assert urls[:3] == [
        "https://www.news.example:8443/sitemap.xml",
        "https://www.news.example:8443/sitemap_index.xml",
        "https://www.news.example:8443/news-sitemap.xml",
    ]
    assert all(u.startswith("https://www.news.example:8443/") for u in urls)
    assert default_sitemap_urls("file:///etc/passwd") == []
    assert default_sitemap_urls("news.example") == []


NOV = [datetime(2026, 11, day, tzinfo=UTC) for day in range(1, 31)]


def test_url_in_range_prefers_the_publication_date():
    since, until = NOV[9], NOV[19]  # [10 Nov, 20 Nov)
    published_inside = SitemapUrl("https://n.example/a", lastmod=NOV[25], published_at=NOV[12])
    published_before = SitemapUrl("https://n.example/b", lastmod=NOV[12], published_at=NOV[2])
    assert url_in_range(published_inside, since, until)
    assert not url_in_range(published_before, since, until)
    assert url_in_range(SitemapUrl("https://n.example/c", lastmod=NOV[12]), since, until)
    assert not url_in_range(SitemapUrl("https://n.example/d", lastmod=NOV[25]), since, until)


def test_url_in_range_bounds_and_undated_urls():
    at = SitemapUrl("https://n.example/a", lastmod=NOV[9])
    assert url_in_range(at, NOV[9], None)  # since is inclusive
    assert not url_in_range(at, None, NOV[9])  # until is exclusive
    assert url_in_range(at, None, None)
    assert url_in_range(SitemapUrl("https://n.example/undated"), NOV[9], NOV[19])
    naive_since = datetime(2026, 11, 10, 0, 0, 1)
    assert not url_in_range(at, naive_since, None)
    east = timezone(timedelta(hours=2))
    assert url_in_range(at, datetime(2026, 11, 10, 2, 0, tzinfo=east), None)


def test_index_entries_changed_before_since_are_skipped():
    old = SitemapUrl(
        "https://n.example/sitemap-2026-10.xml", lastmod=datetime(2026, 10, 31, tzinfo=UTC)
    )
    assert not index_entry_in_range(old, NOV[9], None)
    assert index_entry_in_range(old, NOV[0], None)  # a day of slack for date-only lastmods
    assert index_entry_in_range(old, None, None)
    assert index_entry_in_range(SitemapUrl("https://n.example/s.xml"), NOV[9], None)
    new = SitemapUrl("https://n.example/sitemap-2026-11.xml", lastmod=NOV[24])
    assert index_entry_in_range(new, NOV[9], NOV[12])  # a later change may still hold older URLs

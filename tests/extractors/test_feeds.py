from datetime import UTC, datetime

from newsflow.extractors.feeds import parse_feed

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Le Veilleur</title><link>https://veilleur.example/</link>
<item><title>Premier  titre</title><link>/international/un</link>
<guid isPermaLink="false">veilleur-1</guid><pubDate>Tue, 17 Nov 2026 08:00:00 +0100</pubDate>
<description>&lt;p&gt;R\xc3\xa9sum\xc3\xa9 &lt;b&gt;gras&lt;/b&gt;&lt;/p&gt;</description>
<dc:creator>Anne Martin</dc:creator><category>Monde</category></item>
<item><title>Sans lien</title><guid isPermaLink="false">x</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Kurier</title><id>tag:k,2026:feed</id>
<updated>2026-11-20T10:00:00Z</updated><link rel="alternate" href="https://k.example/"/>
<entry><id>tag:k,2026:1</id><title>Eins</title><link rel="alternate" href="https://k.example/1"/>
<updated>2026-11-20T10:00:00Z</updated><author><name>Max Muster</name></author>
<summary>Kurz</summary></entry></feed>"""


def test_rss_entries_resolve_relative_links_and_clean_fields():
    feed = parse_feed(RSS, "https://veilleur.example/rss.xml")
    assert feed.error is None and feed.title == "Le Veilleur"
    (entry,) = feed.entries  # the item without a link is dropped
    assert entry.link == "https://veilleur.example/international/un"
    assert entry.guid == "veilleur-1"
    assert entry.title == "Premier titre"
    assert entry.summary == "Résumé gras"
    assert entry.published_at == datetime(2026, 11, 17, 7, 0, tzinfo=UTC)
    assert entry.authors == ("Anne Martin",)
    assert entry.categories == ("Monde",)
    assert entry.source == "https://veilleur.example/rss.xml"


def test_atom_entry():
    feed = parse_feed(ATOM, "https://k.example/feed", "application/atom+xml")
    assert feed.version == "atom10"
    (entry,) = feed.entries
    assert (entry.link, entry.guid, entry.authors) == (
        "https://k.example/1",
        "tag:k,2026:1",
        ("Max Muster",),
    )
    assert entry.published_at == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def test_json_feed():
    body = b"""{"version": "https://jsonfeed.org/version/1.1", "title": "J",
      "items": [{"id": "1", "url": "/a", "title": "A", "date_published": "2026-11-20T10:00:00Z",
                 "authors": [{"name": "Ann"}], "tags": ["x"]}, {"id": "2"}]}"""
    feed = parse_feed(body, "https://j.example/feed.json", "application/feed+json")
    assert feed.error is None and feed.version == "json1.1"
    (entry,) = feed.entries
    assert entry.link == "https://j.example/a"
    assert entry.authors == ("Ann",) and entry.categories == ("x",)


def test_html_page_is_not_a_feed():
    feed = parse_feed(
        b"<!DOCTYPE html><html><body><p>Hello</p></body></html>", "https://x.example/"
    )
    assert feed.entries == ()
    assert feed.error == "not a feed: the document is an HTML page"


def test_garbage_and_empty_bodies_are_errors_not_exceptions():
    assert parse_feed(b"", "https://x.example/").error == "empty body"
    garbage = parse_feed(bytes(range(256)) * 4, "https://x.example/")
    assert garbage.error is not None and garbage.error.startswith("not a feed")
    assert parse_feed(b"{not json", "https://x.example/").error.startswith(
        "not a feed: invalid JSON"
    )


def test_mis_declared_encoding_still_parses():
    latin = RSS.replace(b'encoding="utf-8"', b'encoding="iso-8859-1"').replace(
        "Résumé".encode(), "Résumé".encode("latin-1")
    )
    feed = parse_feed(latin, "https://veilleur.example/rss.xml", "text/xml; charset=utf-8")
    assert len(feed.entries) == 1

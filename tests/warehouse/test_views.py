"""Every analyst view, on the demo warehouse (real values) and on small made-up histories."""

from datetime import UTC, datetime, timedelta

import pytest

from newsflow.warehouse.db import connect
from newsflow.warehouse.load import load_run
from tests.factories import make_article, make_fetch, make_run, make_state
from tests.warehouse.backends import query

VIEWS = {
    "articles_unique",
    "feed_health",
    "places_daily",
    "source_daily",
    "source_quality",
    "story_clusters",
    "topic_daily",
    "article_revisions",
}


def by_name(db, sql):
    """{source name: row} of a query whose first column is the source's name."""
    return {row[0]: row[1:] for row in query(db, sql)}


def test_every_view_exists_and_has_rows_on_the_demo(demo_warehouse):
    found = {name for (name,) in query(demo_warehouse, "SELECT view_name FROM duckdb_views()")}
    assert found >= VIEWS
    for view in sorted(VIEWS):
        assert query(demo_warehouse, f"SELECT count(*) FROM {view}")[0][0] > 0, view


def test_source_daily_counts_articles_copies_words_and_languages(demo_warehouse):
    totals = by_name(
        demo_warehouse,
        "SELECT name, sum(articles), sum(originals), sum(duplicates), sum(words),"
        " count(DISTINCT day) FROM source_daily GROUP BY name",
    )
    assert totals["Le Veilleur"][:3] == (9, 9, 0)
    assert totals["The Lantern Post"][:3] == (9, 8, 1)  # the agency story copied verbatim
    assert totals["Daily Meridian"][:3] == (7, 6, 1)  # ... and with a paragraph added
    assert sum(row[0] for row in totals.values()) == 44
    words = query(demo_warehouse, "SELECT sum(word_count) FROM articles")[0][0]
    assert sum(row[3] for row in totals.values()) == words
    languages = query(
        demo_warehouse,
        "SELECT name, languages FROM source_daily WHERE name IN ('Le Veilleur', 'Der Abendkurier')"
        " ORDER BY day, name LIMIT 1",
    )
    assert languages == [("Der Abendkurier", {"de": 1})]  # 2026-11-10: one article each


def test_source_quality_on_the_demo(demo_warehouse):
    rows = by_name(
        demo_warehouse,
        "SELECT name, articles, no_text_pages, short_text_share, missing_date_share,"
        " missing_authors_share, language_mismatch_share, duplicate_share, pages_7d,"
        " thin_share_7d, extraction_broken, flags FROM source_quality",
    )
    assert len(rows) == 6
    # the Veilleur video page has no text: one thin page of ten this week
    assert rows["Le Veilleur"] == (9, 1, 0.0, 0.0, 0.0, 0.0, 0.0, 10, 0.1, False, [])
    assert rows["The Lantern Post"][6] == 0.111  # 1 copy of 9
    assert rows["Daily Meridian"][6] == 0.143  # 1 copy of 7
    assert not any(row[9] or row[10] for row in rows.values())


def article_at(n, source, days_ago, **changes):
    moment = datetime.now(UTC) - timedelta(days=days_ago)
    fields = {"fetched_at": moment, "published_at": moment, **changes}
    return make_article(n, source=source, **fields)


def test_source_quality_flags_broken_extraction_and_other_problems(warehouse):
    db = warehouse
    broken, briefs, odd = (
        "https://broken.example/rss",
        "https://briefs.example/rss",
        "https://odd/rss",
    )
    articles = [article_at(n, broken, 10 + n, word_count=400) for n in range(8)]
    articles.append(article_at(20, broken, 1, word_count=35))  # this week: one short text ...
    no_text = [
        make_fetch(
            f"https://broken.example/page-{n}",
            kind="article",
            source=broken,
            error_class="no_text",
            fetched_at=datetime.now(UTC) - timedelta(hours=n + 1),
        )
        for n in range(5)  # ... and five pages without text
    ]
    articles += [article_at(30 + n, briefs, n * 4, word_count=50) for n in range(8)]
    articles += [
        article_at(50 + n, odd, n, language="en", published_at=None, authors=()) for n in range(5)
    ]
    states = [
        make_state(broken, name="Broken"),
        make_state(briefs, name="Briefs"),
        make_state(odd, name="Odd", language="fr"),
    ]
    load_run(db, make_run(), states, no_text, articles)
    rows = by_name(
        db,
        "SELECT name, pages_7d, thin_share_7d, pages_prev_28d, thin_share_prev_28d, thin_drift,"
        " extraction_broken, flags FROM source_quality",
    )
    assert rows["Broken"] == (6, 1.0, 8, 0.0, 1.0, True, ["extraction_broken"])
    # always short: flagged as short, but nothing broke
    assert rows["Briefs"][5:] == (False, ["short_texts"])
    assert rows["Odd"][5:] == (False, ["missing_dates", "missing_authors", "language_mismatch"])
    shares = query(
        db,
        "SELECT short_text_share, missing_date_share, missing_authors_share,"
        " language_mismatch_share FROM source_quality WHERE name = 'Odd'",
    )
    assert shares == [(0.0, 1.0, 1.0, 1.0)]


def test_a_page_that_later_gave_text_is_not_counted_as_thin(warehouse):
    db = warehouse
    source = "https://feed.example/rss"
    article = article_at(1, source, 0)
    failed = make_fetch(article.url, kind="article", source=source, error_class="no_text")
    load_run(db, make_run(), [make_state(source)], [failed], [article])
    assert query(db, "SELECT no_text_pages, thin_share_7d FROM source_quality") == [(0, 0.0)]


def test_articles_unique_clusters_and_revisions_on_the_demo(demo_warehouse):
    assert query(demo_warehouse, "SELECT count(*) FROM articles_unique") == [(42,)]
    copied = query(demo_warehouse, "SELECT site_name, copies FROM articles_unique WHERE copies > 0")
    assert copied == [("Northstar Wire", 2)]
    stories = query(
        demo_warehouse,
        "SELECT articles, distinct_texts, outlets, outlet_names FROM story_clusters"
        " WHERE articles > 1",
    )
    assert stories == [(3, 1, 3, ["Daily Meridian", "Northstar Wire", "The Lantern Post"])]
    revisions = query(
        demo_warehouse,
        "SELECT version, title_changed, previous_title, title FROM article_revisions",
    )
    assert len(revisions) == 1
    version, changed, before, after = revisions[0]
    assert (version, changed) == (2, True) and after.startswith(before) and after != before


def test_topic_and_places_daily_on_the_demo(demo_warehouse):
    languages = query(
        demo_warehouse, "SELECT DISTINCT language FROM topic_daily WHERE level = 1 ORDER BY 1"
    )
    assert languages == [("de",), ("en",), ("es",), ("fr",)]
    sport = query(
        demo_warehouse, "SELECT sum(articles) FROM topic_daily WHERE code = 'medtop:15000000'"
    )
    assert sport[0][0] >= 4  # football, skiing, ... in every language
    korea = query(
        demo_warehouse,
        "SELECT language, articles FROM places_daily WHERE kind = 'country' AND code = 'KP'",
    )
    assert ("fr", 1) in korea  # Le Veilleur's North Korea story


def test_feed_health_on_the_demo(demo_warehouse):
    rows = query(
        demo_warehouse,
        "SELECT name, consecutive_failures, polls_7d, error_rate_7d FROM feed_health ORDER BY 1",
    )
    assert len(rows) == 6
    assert all(row[1:] == (0, 2, 0.0) for row in rows)  # two runs, no failures


@pytest.mark.parametrize("view", ["source_daily", "source_quality"])
def test_new_views_work_on_an_empty_warehouse(warehouse, view):
    with connect(warehouse) as con:
        assert con.execute(f"SELECT count(*) FROM {view}").fetchone() == (0,)

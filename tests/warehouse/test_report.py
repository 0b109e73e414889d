"""The report's numbers, read from the demo warehouse."""

from datetime import date, timedelta

from newsflow.warehouse.report import report_data, stack_series, topic_trend


def test_report_data_covers_the_days_up_to_the_newest_article(demo_warehouse):
    data = report_data(demo_warehouse, days=30)
    assert data.days[-1] == date(2026, 11, 24) and len(data.days) == 30
    assert data.days[0] == date(2026, 11, 24) - timedelta(days=29)
    assert data.totals == {
        "articles": 44,
        "originals": 42,
        "sources": 6,
        "languages": 4,
        "stories": 42,
    }
    assert sum(map(sum, data.by_source.values())) == 44
    assert sum(map(sum, data.by_language.values())) == 44
    assert set(data.by_language) == {"de", "en", "es", "fr"}
    assert (
        data.by_source["Le Veilleur"][-15:].count(0) < 15
        and sum(data.by_source["Le Veilleur"]) == 9
    )


def test_report_topics_places_clusters_quality_and_feeds(demo_warehouse):
    data = report_data(demo_warehouse, days=30)
    assert 5 <= len(data.topics) <= 10
    assert all(len(t.daily) == 30 and t.articles == sum(t.daily) for t in data.topics)
    assert [t.articles for t in data.topics] == sorted(
        (t.articles for t in data.topics), reverse=True
    )
    places = {row[0]: row for row in data.places.rows}
    assert "North Korea" in places and places["North Korea"][5] == ["fr"]
    assert len(data.clusters.rows) == 1 and data.clusters.rows[0][3] == 3  # 3 outlets
    assert len(data.quality.rows) == 6 and data.quality.flagged == [False] * 6
    assert len(data.feeds.rows) == 6 and not any(data.feeds.flagged)


def test_a_short_period_keeps_only_its_days(demo_warehouse):
    data = report_data(demo_warehouse, days=3)
    assert data.days == [date(2026, 11, 22), date(2026, 11, 23), date(2026, 11, 24)]
    per_day = [sum(counts[n] for counts in data.by_source.values()) for n in range(3)]
    assert sum(per_day) == data.totals["articles"] < 44


def test_stack_series_keeps_the_biggest_and_sums_the_rest():
    axis = [date(2026, 11, 1), date(2026, 11, 2)]
    rows = [
        (axis[0], "a", 5),
        (axis[1], "b", 3),
        (axis[1], "c", 1),
        (axis[0], "d", 1),
        (date(2026, 10, 1), "a", 99),  # outside the axis
    ]
    assert stack_series(rows, axis, limit=2) == {"a": [5, 0], "b": [0, 3], "other": [1, 1]}
    assert topic_trend("m", "x", [1] * 14 + [2] * 7).last_7d == 14
    assert topic_trend("m", "x", [1] * 14 + [2] * 7).previous_7d == 7

"""Rendering the report: escaping, charts from the numbers, no external resources."""

import re
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

from newsflow.report.html import format_value, html_table, render_report
from newsflow.report.svg import nice_ceiling, sparkline, stacked_bars
from newsflow.warehouse.report import ReportData, Table, TopicTrend

EVIL = "<script>alert('x')</script> & \"quotes\""


class Collector(HTMLParser):
    """Tags, attributes and text of a page, as a browser's parser sees them."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(page: str) -> Collector:
    collector = Collector()
    collector.feed(page)
    return collector


def sample(days: int = 5, **changes) -> ReportData:
    axis = [date(2026, 11, 1) + timedelta(days=n) for n in range(days)]
    fields = {
        "title": f"Report {EVIL}",
        "generated_at": datetime(2026, 11, 6, 12, tzinfo=UTC),
        "days": axis,
        "totals": {"articles": 7, "originals": 6, "sources": 2, "languages": 2, "stories": 5},
        "by_source": {EVIL: [1, 0, 2, 0, 1], "Le Veilleur": [0, 1, 0, 2, 0]},
        "by_language": {"en": [1, 0, 2, 0, 1], "fr": [0, 1, 0, 2, 0]},
        "topics": [TopicTrend("medtop:1", EVIL, 3, [1, 0, 1, 0, 1], 3, 0)],
        "places": Table(["place", "articles"], [("Paris & <Lyon>", 2)]),
        "clusters": Table(["headline", "outlets"], [(EVIL, 3)]),
        "quality": Table(["source", "broken"], [("A", True), ("B", False)], [True, False]),
        "feeds": Table(["source", "failures"], []),
    }
    fields.update(changes)
    return ReportData(**fields)


def test_every_text_is_escaped():
    page = render_report(sample())
    assert "<script" not in page and "alert(&#x27;x&#x27;)" in page
    parsed = parse(page)
    assert [tag for tag, _ in parsed.tags if tag == "script"] == []
    assert EVIL in "".join(parsed.text)  # shown as text, not run
    assert any(attrs.get("data-series") == EVIL for _, attrs in parsed.tags)


def test_the_page_is_self_contained():
    page = render_report(sample())
    parsed = parse(page)
    csp = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv")]
    assert csp and csp[0]["content"].startswith("default-src 'none'")
    for _, attrs in parsed.tags:
        for name in ("src", "href"):
            assert name not in attrs, attrs
    assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", page)


def test_bars_carry_the_daily_numbers():
    parsed = parse(render_report(sample()))
    days = [a for t, a in parsed.tags if t == "g" and a.get("class") == "day"]
    assert len(days) == 10  # five days in each of the two charts
    assert [int(a["data-total"]) for a in days[:5]] == [1, 1, 2, 2, 1]
    rects = [a for t, a in parsed.tags if t == "rect" and "data-count" in a]
    assert sum(int(a["data-count"]) for a in rects) == 14
    points = [a for t, a in parsed.tags if t == "circle"]
    assert [a["data-count"] for a in points] == ["1", "0", "1", "0", "1"]
    flagged = [a for t, a in parsed.tags if t == "tr" and a.get("class") == "flagged"]
    assert len(flagged) == 1


def test_empty_periods_and_tables_say_so():
    empty = sample(by_source={}, by_language={"en": [0] * 5}, topics=[])
    page = render_report(empty)
    assert page.count("No articles in this period.") == 2
    assert "No topics in this period." in page and "Nothing to show." in page


def test_chart_helpers():
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 11, 51, 240)] == [1, 1, 5, 10, 20, 100, 500]
    svg = stacked_bars([date(2026, 11, 1)], {"a": [3]}, "label")
    assert 'data-total="3"' in svg and "<title>2026-11-01 · a: 3</title>" in svg
    assert sparkline([0, 2], "s").count("<circle") == 2
    assert html_table(Table(["a"], [(None,), (0.5,)])).count("<td") == 2
    assert format_value(["x", "y"]) == "x, y" and format_value(0.1234) == "0.123"
    assert format_value(datetime(2026, 11, 1, 8, 5, 59)) == "2026-11-01 08:05"
    assert format_value(1234.5) == "1,234.5"

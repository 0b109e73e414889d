"""What the HTML report shows, read from the warehouse's views (rendering: newsflow/report/).

The report covers the `days` days up to its newest article's day (never past today), so a
warehouse that stopped loading, or a snapshot, still gets a full picture of its last month;
the page states the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb

from newsflow.warehouse.db import connect
from newsflow.warehouse.quality import QUALITY_SQL

MAX_SERIES = 8  # stacked series beyond these are summed as "other"
TOP_TOPICS = 10
TOP_PLACES = 15
TOP_CLUSTERS = 10
_DAY = "CAST(timezone('UTC', coalesce(published_at, fetched_at)) AS DATE)"


@dataclass(frozen=True)
class Table:
    """A titled table: column names, rows, and which rows to highlight."""

    columns: list[str]
    rows: list[tuple[Any, ...]]
    flagged: list[bool] = field(default_factory=list)


@dataclass(frozen=True)
class TopicTrend:
    """One top-level topic: its articles in the period, per day, and the last two weeks."""

    code: str
    label: str
    articles: int
    daily: list[int]
    last_7d: int
    previous_7d: int


@dataclass(frozen=True)
class ReportData:
    """Everything the report renders, as plain values."""

    title: str
    generated_at: datetime
    days: list[date]
    totals: dict[str, int]
    by_source: dict[str, list[int]]  # series name -> count per day of `days`
    by_language: dict[str, list[int]]
    topics: list[TopicTrend]
    places: Table
    clusters: Table
    quality: Table
    feeds: Table


def report_data(db_path: str | Path, days: int = 30) -> ReportData:
    """Read the report's numbers for the `days` days up to the newest article."""
    with connect(db_path, read_only=True) as connection:
        last = _last_day(connection)
        axis = [last - timedelta(days=n) for n in range(days - 1, -1, -1)]
        window = [axis[0], axis[-1]]
        return ReportData(
            title=f"newsflow report: {Path(db_path).name}",
            generated_at=datetime.now(UTC),
            days=axis,
            totals=_totals(connection, window),
            by_source=_series(connection, _BY_SOURCE, window, axis),
            by_language=_series(connection, _BY_LANGUAGE, window, axis),
            topics=_topics(connection, window, axis),
            places=_table(connection, _PLACES, window),
            clusters=_table(connection, _CLUSTERS, window),
            quality=_flagged(_table(connection, QUALITY_SQL), "flags"),
            feeds=_flagged(_table(connection, _FEEDS), "failures"),
        )


def _last_day(connection: duckdb.DuckDBPyConnection) -> date:
    """The newest article's day, but not after today."""
    today = datetime.now(UTC).date()
    row = connection.execute(f"SELECT max({_DAY}) FROM articles").fetchone()
    newest = row[0] if row else None
    return min(newest, today) if newest else today


def _totals(connection: duckdb.DuckDBPyConnection, window: list[date]) -> dict[str, int]:
    """Headline numbers of the period."""
    row = connection.execute(
        "SELECT count(*), count(*) FILTER (WHERE duplicate_of IS NULL),"
        " count(DISTINCT source), count(DISTINCT language),"
        " count(DISTINCT cluster_id) FILTER (WHERE duplicate_of IS NULL)"
        f" FROM articles WHERE {_DAY} BETWEEN ? AND ?",
        window,
    ).fetchone() or (0, 0, 0, 0, 0)
    names = ("articles", "originals", "sources", "languages", "stories")
    return dict(zip(names, (int(value) for value in row), strict=True))


_BY_SOURCE = (
    "SELECT day, name, sum(articles) FROM source_daily WHERE day BETWEEN ? AND ? GROUP BY ALL"
)
_BY_LANGUAGE = (
    f"SELECT {_DAY} AS day, coalesce(language, 'unknown'), count(*) FROM articles"
    " WHERE day BETWEEN ? AND ? GROUP BY ALL"
)


def _series(
    connection: duckdb.DuckDBPyConnection, sql: str, window: list[date], axis: list[date]
) -> dict[str, list[int]]:
    """(day, name, count) rows as one count-per-day list per name; the biggest names first."""
    rows = connection.execute(sql, window).fetchall()
    return stack_series([(day, str(name), int(count)) for day, name, count in rows], axis)


def stack_series(
    rows: list[tuple[date, str, int]], axis: list[date], limit: int = MAX_SERIES
) -> dict[str, list[int]]:
    """Counts per name and day, the `limit` largest names kept and the rest summed as other."""
    position = {day: n for n, day in enumerate(axis)}
    series: dict[str, list[int]] = {}
    for day, name, count in rows:
        if day in position:
            series.setdefault(name, [0] * len(axis))[position[day]] += count
    ranked = sorted(series, key=lambda name: (-sum(series[name]), name))
    kept = {name: series[name] for name in ranked[:limit]}
    rest = ranked[limit:]
    if rest:
        kept["other"] = [sum(series[name][n] for name in rest) for n in range(len(axis))]
    return kept


def _topics(
    connection: duckdb.DuckDBPyConnection, window: list[date], axis: list[date]
) -> list[TopicTrend]:
    """The top-level topics with most articles in the period, with their daily counts."""
    rows = connection.execute(
        "SELECT code, any_value(label_en), day, sum(articles) FROM topic_daily"
        " WHERE level = 1 AND day BETWEEN ? AND ? GROUP BY code, day",
        window,
    ).fetchall()
    labels = {code: label for code, label, _, _ in rows}
    series = stack_series([(day, code, int(n)) for code, _, day, n in rows], axis, limit=10**6)
    ranked = sorted(series, key=lambda code: (-sum(series[code]), code))[:TOP_TOPICS]
    return [topic_trend(code, labels[code] or code, series[code]) for code in ranked]


def topic_trend(code: str, label: str, daily: list[int]) -> TopicTrend:
    """A topic's totals: all days, the last seven, and the seven before."""
    return TopicTrend(code, label, sum(daily), daily, sum(daily[-7:]), sum(daily[-14:-7]))


_PLACES = f"""
SELECT name AS place, kind, code AS country, sum(articles) AS articles, sum(mentions) AS mentions,
       list(DISTINCT language ORDER BY language) AS languages
FROM places_daily WHERE day BETWEEN ? AND ?
GROUP BY ALL ORDER BY articles DESC, mentions DESC, place LIMIT {TOP_PLACES}
"""
_CLUSTERS = f"""
SELECT headline, articles, distinct_texts, outlets, outlet_names, first_seen, last_seen
FROM story_clusters
WHERE articles > 1 AND CAST(timezone('UTC', first_seen) AS DATE) BETWEEN ? AND ?
ORDER BY outlets DESC, articles DESC, first_seen DESC LIMIT {TOP_CLUSTERS}
"""
_FEEDS = """
SELECT coalesce(name, url) AS source, last_status AS status, last_success_at,
       consecutive_failures AS failures, error_rate_7d, polls_7d, items_per_day, next_fetch_at,
       last_error
FROM feed_health ORDER BY failures DESC, source
"""


def _table(
    connection: duckdb.DuckDBPyConnection, sql: str, params: list[date] | None = None
) -> Table:
    """A query's result as a Table."""
    result = connection.execute(sql, params or [])
    columns = [d[0] for d in result.description or []]
    return Table(columns, result.fetchall())


def _flagged(table: Table, *columns: str) -> Table:
    """The table with rows highlighted where any of `columns` is truthy (non-zero, non-empty)."""
    where = [table.columns.index(column) for column in columns]
    flags = [any(bool(row[n]) for n in where) for row in table.rows]
    return Table(table.columns, table.rows, flags)

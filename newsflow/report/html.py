"""One self-contained HTML page from `ReportData`: inline CSS and SVG, no script, no links out.

A Content-Security-Policy meta tag forbids every external resource, so the page cannot reach
the network even by mistake (a browser would report the attempt as an error).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from html import escape

from newsflow.report.svg import sparkline, stacked_bars
from newsflow.warehouse.report import ReportData, Table, TopicTrend

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; color: #222; margin: 2rem auto; max-width: 62rem;
       padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
.meta { color: #666; margin-top: 0; }
.totals { display: flex; gap: 1.5rem; list-style: none; padding: 0; }
.totals b { display: block; font-size: 1.4rem; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { border-bottom: 1px solid #e3e3e3; padding: .25rem .4rem; text-align: left;
         vertical-align: top; }
th { background: #f5f5f5; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.flagged td { background: #fdecea; }
.chart text { font-size: 10px; fill: #555; } .chart .grid { stroke: #e6e6e6; }
.spark polyline { fill: none; stroke: #4e79a7; stroke-width: 1.2; } .spark .point { fill: #4e79a7; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem;
          font-size: 12px; }
.swatch { display: inline-block; width: .8rem; height: .8rem; margin-right: .3rem;
          vertical-align: -.1rem; }
.empty { color: #888; font-style: italic; }
.scroll { overflow-x: auto; } svg.bars { width: 100%; height: auto; }
"""


def render_report(data: ReportData) -> str:
    """The whole page."""
    period = f"{data.days[0].isoformat()} to {data.days[-1].isoformat()}"
    body = [
        f"<h1>{escape(data.title)}</h1>",
        f'<p class="meta">{len(data.days)} days, {period} (UTC); generated '
        f"{data.generated_at.strftime('%Y-%m-%d %H:%M')} UTC</p>",
        totals(data.totals),
        section("Articles per day and source", chart(data, data.by_source, "source")),
        section("Articles per day and language", chart(data, data.by_language, "language")),
        section("Top topics", topics_table(data.topics)),
        section("Places", html_table(data.places)),
        section("Stories covered by several articles", html_table(data.clusters)),
        section("Data quality per source (flagged first)", html_table(data.quality)),
        section("Feed health (failing first)", html_table(data.feeds)),
    ]
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(data.title)}</title><style>{STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>\n"
    )


def section(title: str, content: str) -> str:
    """A titled part of the page."""
    return f"<section><h2>{escape(title)}</h2>{content}</section>"


def totals(values: Mapping[str, int]) -> str:
    """The period's headline numbers."""
    items = "".join(f"<li><b>{value:,}</b>{escape(name)}</li>" for name, value in values.items())
    return f'<ul class="totals">{items}</ul>'


def chart(data: ReportData, series: dict[str, list[int]], by: str) -> str:
    """Stacked daily bars, or a note when the period has no articles."""
    if not any(any(counts) for counts in series.values()):
        return '<p class="empty">No articles in this period.</p>'
    return stacked_bars(data.days, series, f"Articles per day and {by}")


def topics_table(topics: Sequence[TopicTrend]) -> str:
    """Topics with their totals and a sparkline of their daily articles."""
    if not topics:
        return '<p class="empty">No topics in this period.</p>'
    head = "".join(
        f"<th>{name}</th>"
        for name in ("topic", "code", "articles", "last 7 days", "7 days before", "per day")
    )
    rows = "".join(
        f"<tr><td>{escape(t.label)}</td><td>{escape(t.code)}</td>"
        f'<td class="num">{t.articles}</td><td class="num">{t.last_7d}</td>'
        f'<td class="num">{t.previous_7d}</td>'
        f"<td>{sparkline(t.daily, f'{t.label} per day')}</td></tr>"
        for t in topics
    )
    return f'<table class="topics"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def html_table(table: Table) -> str:
    """A Table as HTML, highlighted rows marked `flagged`."""
    if not table.rows:
        return '<p class="empty">Nothing to show.</p>'
    head = "".join(f"<th>{escape(column)}</th>" for column in table.columns)
    flagged = table.flagged or [False] * len(table.rows)
    body = "".join(
        ('<tr class="flagged">' if flag else "<tr>") + "".join(_cell(v) for v in row) + "</tr>"
        for row, flag in zip(table.rows, flagged, strict=True)
    )
    table_html = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    return f'<div class="scroll">{table_html}</div>'


def _cell(value: object) -> str:
    """One table cell: numbers right-aligned, everything escaped."""
    if isinstance(value, bool) or value is None:
        return f"<td>{'yes' if value else ''}</td>"
    if isinstance(value, int | float):
        return f'<td class="num">{format_value(value)}</td>'
    return f"<td>{escape(format_value(value))}</td>"


def format_value(value: object) -> str:
    """Readable text of a value: times to the minute, lists joined, shares to 3 decimals."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1 else f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list | tuple):
        return ", ".join(format_value(item) for item in value)
    return str(value)

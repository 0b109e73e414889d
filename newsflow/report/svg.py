"""Inline SVG charts drawn from plain numbers: stacked daily bars and sparklines.

Every text and attribute value goes through `html.escape`; every bar and point carries its
numbers in `data-*` attributes and a `<title>` (the browser's tooltip), so the chart can be
read without JavaScript and checked by tests.
"""

from __future__ import annotations

from datetime import date
from html import escape

PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)
_LEFT, _RIGHT, _TOP, _BOTTOM = 36, 8, 10, 22  # plot margins inside the SVG


def color(index: int) -> str:
    """The palette's colour for the n-th series."""
    return PALETTE[index % len(PALETTE)]


def stacked_bars(
    days: list[date],
    series: dict[str, list[int]],
    label: str,
    width: int = 760,
    height: int = 220,
) -> str:
    """One bar per day, stacked by series, with a y scale, day labels and a legend."""
    totals = [sum(counts[n] for counts in series.values()) for n in range(len(days))]
    top = nice_ceiling(max(totals, default=0))
    plot_w, plot_h = width - _LEFT - _RIGHT, height - _TOP - _BOTTOM
    slot = plot_w / max(len(days), 1)
    parts = [
        f'<svg class="chart bars" role="img" aria-label="{escape(label)}" width="{width}"'
        f' height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(label)}</title>",
        *_y_axis(top, plot_w, plot_h),
    ]
    for n, day in enumerate(days):
        x = _LEFT + n * slot
        parts.append(
            f'<g class="day" data-day="{day.isoformat()}" data-total="{totals[n]}">'
            + _stack(day, x, slot, series, n, top, plot_h)
            + "</g>"
        )
    parts.extend(_x_labels(days, slot, height))
    parts.append("</svg>")
    return "".join(parts) + legend(list(series))


def _stack(
    day: date, x: float, slot: float, series: dict[str, list[int]], n: int, top: int, plot_h: int
) -> str:
    """The rectangles of one day's bar, bottom to top."""
    y = _TOP + plot_h
    rects = []
    for index, (name, counts) in enumerate(series.items()):
        count = counts[n]
        if not count:
            continue
        h = plot_h * count / top
        y -= h
        rects.append(
            f'<rect x="{x + slot * 0.1:.1f}" y="{y:.1f}" width="{slot * 0.8:.1f}" height="{h:.1f}"'
            f' fill="{color(index)}" data-series="{escape(name)}" data-count="{count}">'
            f"<title>{day.isoformat()} · {escape(name)}: {count}</title></rect>"
        )
    return "".join(rects)


def _y_axis(top: int, plot_w: int, plot_h: int) -> list[str]:
    """Grid lines and labels at 0, half and the top of the scale."""
    lines = []
    for value in (0, top // 2, top) if top > 1 else (0, top):
        y = _TOP + plot_h - plot_h * value / max(top, 1)
        lines.append(
            f'<line class="grid" x1="{_LEFT}" x2="{_LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{_LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    return lines


def _x_labels(days: list[date], slot: float, height: int) -> list[str]:
    """Day labels (MM-DD), thinned out so they never overlap."""
    every = max(1, round(len(days) / 10))
    labels = []
    for n in range(len(days) - 1, -1, -every):  # always label the newest day
        x = _LEFT + n * slot + slot / 2
        labels.append(
            f'<text class="tick" x="{x:.1f}" y="{height - 6}" text-anchor="middle">'
            f"{days[n].strftime('%m-%d')}</text>"
        )
    return labels


def legend(names: list[str]) -> str:
    """Colour swatches with the series' names, as HTML."""
    items = "".join(
        f'<li><span class="swatch" style="background:{color(n)}"></span>{escape(name)}</li>'
        for n, name in enumerate(names)
    )
    return f'<ul class="legend">{items}</ul>'


def sparkline(values: list[int], label: str, width: int = 160, height: int = 28) -> str:
    """A small line of daily values with one point per day."""
    top = max(max(values, default=0), 1)
    step = (width - 4) / max(len(values) - 1, 1)
    points = [(2 + n * step, height - 2 - (height - 4) * v / top) for n, v in enumerate(values)]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dots = "".join(
        f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="1.6" data-count="{value}"/>'
        for (x, y), value in zip(points, values, strict=True)
    )
    return (
        f'<svg class="chart spark" role="img" aria-label="{escape(label)}" width="{width}"'
        f' height="{height}" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f'<polyline points="{path}"/>{dots}</svg>'
    )


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, … that is at least `value` (at least 1)."""
    scale = 1
    while True:
        for step in (1, 2, 5):
            if step * scale >= value:
                return step * scale
        scale *= 10

"""The HTML report in a real browser: Debian's headless chromium opens the file, driven over the
DevTools protocol (a small client on aiohttp's websocket); the page must load without a console
error or a blocked request, and its SVG charts must hold the warehouse's numbers."""

import asyncio
import base64
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import aiohttp
import duckdb
import pytest

from newsflow.report.html import render_report
from newsflow.warehouse.report import report_data
from tests.demo_warehouse import demo_warehouse_fixture  # noqa: F401  (fixture)

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",
    "--window-size=1280,2000",
)
READ_PAGE = """JSON.stringify({
  title: document.title,
  charts: [...document.querySelectorAll('svg.bars')].map(svg => ({
    width: svg.getBoundingClientRect().width,
    totals: [...svg.querySelectorAll('g.day')].map(g => Number(g.dataset.total)),
    days: [...svg.querySelectorAll('g.day')].map(g => g.dataset.day),
  })),
  sparks: [...document.querySelectorAll('svg.spark')].map(s => s.querySelectorAll('circle').length),
  sections: [...document.querySelectorAll('h2')].map(h => h.textContent),
  flagged: document.querySelectorAll('tr.flagged').length,
})"""


def chromium() -> str:
    """Debian's chromium; the test fails (never skips) without it: CI installs it."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(
        "chromium is not installed (/usr/bin/chromium): run `apt-get install -y chromium` "
        "(.ci/run installs it when missing)"
    )


class DevTools:
    """Just enough of the Chrome DevTools Protocol: commands, and the events seen meanwhile."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self.socket = socket
        self.last_id = 0
        self.events: list[dict[str, Any]] = []

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.last_id += 1
        await self.socket.send_json({"id": self.last_id, "method": method, "params": params})
        while True:
            message = await self.socket.receive_json(timeout=30)
            if message.get("id") == self.last_id:
                assert "error" not in message, message
                return message.get("result", {})
            self.events.append(message)

    async def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            message = await self.socket.receive_json(timeout=max(0.1, deadline - time.monotonic()))
            self.events.append(message)
        return next(e for e in self.events if e.get("method") == method)

    def problems(self) -> list[dict[str, Any]]:
        """Uncaught exceptions, console errors and warnings, and error log entries (e.g. a
        request the page's Content-Security-Policy blocked)."""
        return [event for event in self.events if is_problem(event)]


def is_problem(event: dict[str, Any]) -> bool:
    """An event that means the page misbehaved."""
    method, params = event.get("method"), event.get("params", {})
    if method == "Runtime.exceptionThrown":
        return True
    if method == "Runtime.consoleAPICalled":
        return params.get("type") in ("error", "warning", "assert")
    return method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning")


@contextmanager
def browser(folder: Path) -> Iterator[int]:
    """Headless chromium with a fresh profile in `folder`, for the block; yields its DevTools
    port."""
    process, port = start_browser(folder / "profile", folder / "chromium.log")
    try:
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def start_browser(profile: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start headless chromium; return the process and its DevTools port."""
    with open(log, "wb") as stderr:
        process = subprocess.Popen(
            [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 60
    while not port_file.exists() or not port_file.read_text().strip():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"chromium did not start: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.1)
    return process, int(port_file.read_text().split()[0])


async def open_in_browser(port: int, page: Path, screenshot: Path) -> tuple[dict, list]:
    """Load the page, read its charts, take a screenshot; return what was read and problems."""
    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{port}/json/list") as response:
            targets = await response.json()
        target = next(t for t in targets if t["type"] == "page")
        async with session.ws_connect(target["webSocketDebuggerUrl"], max_msg_size=0) as socket:
            tools = DevTools(socket)
            for domain in ("Runtime", "Log", "Page"):
                await tools.call(f"{domain}.enable")
            await tools.call("Page.navigate", url=page.as_uri())
            await tools.wait_for("Page.loadEventFired")
            result = await tools.call("Runtime.evaluate", expression=READ_PAGE, returnByValue=True)
            shot = await tools.call(
                "Page.captureScreenshot", format="png", captureBeyondViewport=True
            )
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            await asyncio.sleep(0.2)  # late console messages
            await tools.call("Runtime.evaluate", expression="1")
            return json.loads(result["result"]["value"]), tools.problems()


def articles_per_day(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT strftime(CAST(timezone('UTC', coalesce(published_at, fetched_at)) AS DATE),"
            " '%Y-%m-%d'), count(*) FROM articles GROUP BY 1"
        ).fetchall()
    return dict(rows)


def test_report_opens_in_chromium_without_errors_and_charts_the_data(demo_warehouse, tmp_path):
    page = tmp_path / "report.html"
    data = report_data(demo_warehouse, days=30)
    page.write_text(render_report(data), encoding="utf-8")
    with browser(tmp_path) as port:
        seen, problems = asyncio.run(open_in_browser(port, page, tmp_path / "report.png"))
    assert problems == [], problems
    assert seen["title"] == f"newsflow report: {demo_warehouse.name}"
    assert len(seen["charts"]) == 2  # per source, per language
    expected = articles_per_day(demo_warehouse)
    for chart in seen["charts"]:
        assert chart["width"] > 300  # laid out and visible
        assert len(chart["totals"]) == 30  # one bar per day of the period
        assert chart["days"][-1] == "2026-11-24"
        by_day = dict(zip(chart["days"], chart["totals"], strict=True))
        assert {day: n for day, n in by_day.items() if n} == expected
    assert seen["sparks"] and all(points == 30 for points in seen["sparks"])
    assert "Data quality per source (flagged first)" in seen["sections"]
    assert seen["flagged"] == 0
    png = (tmp_path / "report.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 20_000


def test_the_browser_check_sees_blocked_requests_and_script_errors(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text(  # what a report must never do: load something, or run a script
        '<!doctype html><html><head><meta http-equiv="Content-Security-Policy"'
        " content=\"default-src 'none'; style-src 'unsafe-inline'\"><title>broken</title>"
        '</head><body><img src="http://127.0.0.1:9/pixel.png"><script>oops()</script></body>'
        "</html>"
    )
    with browser(tmp_path) as port:
        seen, problems = asyncio.run(open_in_browser(port, page, tmp_path / "broken.png"))
    assert seen["title"] == "broken" and seen["charts"] == []
    text = json.dumps(problems)
    assert "pixel.png" in text and "script" in text.lower()

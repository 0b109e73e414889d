"""The ingest flow under Prefect's test harness: demo site plus broken sources, run twice."""

import asyncio

import duckdb
import pytest
from aiohttp import web

from newsflow.flows.ingest import ingest
from tests.servers import serve_app


def broken_sources_app() -> web.Application:
    async def error(request):
        return web.Response(status=500, text="internal error")

    async def html(request):
        return web.Response(
            text="<!doctype html><html><body>Home</body></html>", content_type="text/html"
        )

    async def garbage(request):
        return web.Response(body=bytes(range(256)) * 8, content_type="application/rss+xml")

    async def slow(request):
        await asyncio.sleep(30)
        return web.Response(text="late")

    app = web.Application()
    for path, handler in {"/500": error, "/html": html, "/garbage": garbage, "/slow": slow}.items():
        app.router.add_get(path, handler)
    return app


@pytest.fixture(scope="module")
def broken():
    with serve_app(broken_sources_app()) as base:
        yield base


@pytest.fixture
def feeds_file(tmp_path, demo_site, broken):
    urls = demo_site.feed_urls() + [f"{broken}/{p}" for p in ("500", "html", "garbage", "slow")]
    lines = "\n".join(f"  - url: {url}" for url in urls)
    path = tmp_path / "feeds.yaml"
    path.write_text(f"sources:\n{lines}\n")
    return path


def rows(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_ingest_twice_loads_once_and_records_every_failure(
    prefect_harness, demo_site, broken, feeds_file, tmp_path, monkeypatch
):
    monkeypatch.setenv("NEWSFLOW_TIMEOUT", "3")
    db = tmp_path / "warehouse.duckdb"
    first = ingest(feeds=str(feeds_file), db=str(db))

    ok_articles = [a for a in demo_site.articles if a.status == "ok"]
    assert first.run.articles_new == len(ok_articles)
    assert rows(db, "SELECT count(*) FROM articles") == [(len(ok_articles),)]
    assert (first.run.feeds_ok, first.run.feeds_failed) == (len(demo_site.feed_urls()), 4)

    errors = dict(
        rows(
            db,
            "SELECT url, error_class FROM fetches WHERE kind = 'feed' AND error_class IS NOT NULL",
        )
    )
    assert errors == {
        f"{broken}/500": "http",
        f"{broken}/html": "not_a_feed",
        f"{broken}/garbage": "not_a_feed",
        f"{broken}/slow": "timeout",
    }
    failed_sources = rows(
        db, "SELECT count(*) FROM sources WHERE consecutive_failures = 1 AND last_error IS NOT NULL"
    )
    assert failed_sources == [(4,)]
    page_failures = {line.url: line.failed_pages for line in first.sources}
    assert sum(page_failures.values()) == len(demo_site.articles) - len(ok_articles)

    korea = f"{demo_site.base_url}/veilleur/international/coree-du-nord-essai-missile"
    topics = {
        c
        for (c,) in rows(
            db,
            "SELECT t.code FROM article_topics t JOIN articles a"
            f" USING (article_id) WHERE a.canonical_url = '{korea}'",
        )
    }
    assert "medtop:11000000" in topics  # politics (international relations below it)
    places = {
        c
        for (c,) in rows(
            db,
            "SELECT e.code FROM article_entities e JOIN articles a"
            f" USING (article_id) WHERE a.canonical_url = '{korea}'"
            " AND e.kind = 'country'",
        )
    }
    assert {"KP", "RU", "KR"} <= places
    (tagged,) = rows(db, "SELECT count(DISTINCT article_id) FROM article_topics")[0]
    assert tagged >= 0.9 * len(ok_articles)

    not_due = ingest(feeds=str(feeds_file), db=str(db))  # every source was just polled
    assert (not_due.run.sources_due, not_due.run.articles_new, not_due.sources) == (0, 0, ())

    forced = ingest(feeds=str(feeds_file), db=str(db), force=True)
    assert forced.run.articles_new == 0 and forced.run.pages_fetched == 0
    assert forced.run.feeds_not_modified == len(demo_site.feed_urls())
    assert rows(db, "SELECT count(*) FROM articles") == [(len(ok_articles),)]
    assert rows(db, "SELECT count(*), count(DISTINCT run_id) FROM runs") == [(3, 3)]
    assert rows(db, "SELECT max(consecutive_failures) FROM sources") == [(2,)]
    health = dict(rows(db, "SELECT url, next_fetch_at > now() FROM feed_health"))
    assert all(health.values()) and len(health) == len(demo_site.feed_urls()) + 4


def test_ingest_first_loads_runs_left_in_the_spool(prefect_harness, demo_site, tmp_path):
    from newsflow.settings import Settings
    from newsflow.warehouse import spool
    from newsflow.warehouse.spool import StagedLoad
    from tests.factories import make_article, make_run

    db = tmp_path / "warehouse.duckdb"
    orphan = make_article(1)  # fetched by a run that was killed before its load
    spool.stage(
        Settings.from_env().spool_for(db),
        StagedLoad(make_run("killed-run"), [], [], [orphan]),
    )
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(f"sources:\n  - url: {demo_site.feed_urls()[0]}\n")
    report = ingest(feeds=str(feeds), db=str(db))
    assert report.earlier_runs_loaded == 1 and report.load_error is None
    assert rows(db, f"SELECT count(*) FROM articles WHERE article_id = '{orphan.article_id}'") == [
        (1,)
    ]
    assert rows(db, "SELECT count(*) FROM runs") == [(2,)]
    assert report.run.articles_new > 0 and not list(
        Settings.from_env().spool_for(db).glob("*.load")
    )

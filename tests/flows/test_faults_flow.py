"""One ingest over a fault-injection server and the healthy demo site, both on 127.0.0.2: the run
ends, every healthy feed is loaded, every fault is recorded with a precise error."""

import duckdb
import pytest

from newsflow.flows.demo import serve_demo_site
from newsflow.flows.ingest import ingest
from tests.faults import EXPECTED_FAULTS, HEALTHY_FAULT_FEEDS, bomb_body, fault_app
from tests.servers import serve_app

HOST = "127.0.0.2"  # allowed; 127.0.0.1 stays refused, so items pointing there are blocked


@pytest.fixture
def sites():
    bomb_body()  # built before serving, so that building it cannot stall the server
    with (
        serve_app(fault_app("http://127.0.0.1:9"), host=HOST) as faults,
        serve_demo_site(host=HOST) as demo,
    ):
        yield faults, demo


def rows(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_faults_are_recorded_and_healthy_feeds_loaded(
    prefect_harness, sites, tmp_path, monkeypatch
):
    faults, demo = sites
    monkeypatch.setenv("NEWSFLOW_ALLOW_PRIVATE_NETWORKS", f"{HOST}/32")
    monkeypatch.setenv("NEWSFLOW_TIMEOUT", "3")
    monkeypatch.setenv("NEWSFLOW_READ_TIMEOUT", "2")
    monkeypatch.setenv("NEWSFLOW_MAX_BYTES", "2000000")  # the 50 MB body passes it early
    urls = demo.feed_urls() + [faults + p for p in (*EXPECTED_FAULTS, *HEALTHY_FAULT_FEEDS)]
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("sources:\n" + "".join(f"  - url: {u}\n" for u in urls))
    db = tmp_path / "w.duckdb"

    report = ingest(feeds=str(feeds), db=str(db))

    ok_demo = [a for a in demo.articles if a.status == "ok"]
    per_source = dict(rows(db, "SELECT source, count(*) FROM articles GROUP BY source"))
    assert sum(per_source.get(u, 0) for u in demo.feed_urls()) == len(ok_demo)
    pages = rows(
        db,
        f"SELECT source, url, error_class, error FROM fetches WHERE kind = 'article'"
        f" AND url LIKE '{faults}%'",
    )
    for path in ("/f/charset", "/f/moved", "/f/chain", "/f/home"):
        assert per_source.get(faults + path) == 1, (path, pages)
    charset = rows(db, f"SELECT title FROM sources WHERE url = '{faults}/f/charset'")
    assert charset == [("Café crème",)]  # latin-1 bytes declared as UTF-8, decoded right

    recorded = {
        url.removeprefix(faults): (error_class, error)
        for url, error_class, error in rows(
            db, "SELECT source, error_class, error FROM fetches WHERE kind = 'feed'"
        )
        if url.startswith(faults)
    }
    for path, (error_class, fragment) in EXPECTED_FAULTS.items():
        assert recorded[path][0] == error_class, (path, recorded[path])
        assert fragment in recorded[path][1], (path, recorded[path])
    assert report.run.feeds_failed == len(EXPECTED_FAULTS)

    blocked = sorted(
        url
        for (url,) in rows(
            db, "SELECT url FROM fetches WHERE kind = 'article' AND error_class = 'blocked'"
        )
    )
    assert len(blocked) == 2
    assert blocked[0].startswith("file:") and blocked[1] == "http://127.0.0.1:9/secret"

    events = {
        (url.removeprefix(faults), kind): detail
        for url, kind, detail in rows(db, "SELECT url, kind, detail FROM source_events")
    }
    assert events[("/f/moved", "moved")].endswith(f"-> {faults}/f/ok-moved")
    assert events[("/f/chain", "moved")].endswith(f"-> {faults}/f/chain-2")  # 301, then a 302
    assert events[("/f/home", "discovered")].endswith(f"-> {faults}/f/ok-discovered")
    (moved_to,) = rows(db, f"SELECT feed_url FROM sources WHERE url = '{faults}/f/moved'")[0]
    assert moved_to == f"{faults}/f/ok-moved"
    (retry_later,) = rows(
        db,
        "SELECT next_fetch_at >= last_fetched_at + INTERVAL 2 HOUR"
        f" FROM sources WHERE url = '{faults}/f/503'",
    )[0]
    assert retry_later

"""Backfills against the demo site (robots.txt, sitemap index, news sitemaps, paged feeds) and
from a WARC file written here; resumed after a kill -9."""

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import duckdb
import pytest

from newsflow.extractors.sitemaps import parse_sitemap
from newsflow.extractors.warc import CaptureRef, CaptureWriter, read_capture
from newsflow.flows.backfill import backfill
from newsflow.models import FetchResult


def query(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def sitemap_urls(site) -> set[str]:
    """Every article URL the demo's sitemaps list, read here independently of the flow."""
    index = parse_sitemap(site.respond("GET", "/sitemap_index.xml", {}).body, site.base_url)
    urls = set()
    for child in index.sitemaps:
        path = child.loc.removeprefix(site.base_url)
        urls |= {u.loc for u in parse_sitemap(site.respond("GET", path, {}).body, child.loc).urls}
    return urls


def test_a_site_backfill_loads_every_sitemap_url_once_and_keeps_captures(
    prefect_harness, demo_site, tmp_path
):
    db = tmp_path / "w.duckdb"
    first = backfill(site=[demo_site.base_url + "/"], db=str(db))
    expected = sitemap_urls(demo_site)
    assert first.items_total == len(expected) and first.counts.done == len(expected)
    assert first.counts.failed == 1  # the demo's video page has no article text
    assert first.counts.loaded == len(expected) - 1 == first.articles_new
    items = query(db, "SELECT item, outcome FROM backfill_items")
    assert {item for item, _ in items} == expected
    # every article's raw page is kept, and its WARC record reads back as that page
    captures = query(
        db,
        "SELECT c.url, c.warc_path, c.warc_offset, c.warc_length FROM captures c "
        "JOIN articles a USING (article_id)",
    )
    assert len(captures) == first.articles_new
    for url, path, offset, length in captures[:5]:
        page = read_capture(CaptureRef(path, offset, length))
        assert page.url == url and b"<html" in page.body.lower()
    again = backfill(site=[demo_site.base_url + "/"], db=str(db))
    assert (again.batches, again.done_before, again.articles_new) == (0, len(expected), 0)
    assert query(db, "SELECT count(*) FROM articles") == [(first.articles_new,)]


def test_paged_feeds_are_followed_through_archives_and_wordpress_pages(
    prefect_harness, demo_site, tmp_path
):
    outlet = f"{demo_site.base_url}/veilleur/"
    in_sitemap = {u for u in sitemap_urls(demo_site) if u.startswith(outlet)}
    feed = next(u for u in demo_site.feed_urls() if u.startswith(outlet))
    archived = backfill(feed=[feed], db=str(tmp_path / "a.duckdb"))  # RFC 5005 prev-archive
    assert archived.items_total == len(in_sitemap) >= 8
    paged = backfill(feed=[f"{feed}?paged=1"], db=str(tmp_path / "b.duckdb"))  # ?paged=2, 3 …
    assert paged.items_total == len(in_sitemap)
    for name in ("a", "b"):
        links = {url for (url,) in query(tmp_path / f"{name}.duckdb", "SELECT url FROM articles")}
        assert links <= in_sitemap and len(links) == len(in_sitemap) - 1  # minus the video


def test_url_lists_with_filters_and_limit(prefect_harness, demo_site, tmp_path):
    urls = sorted(sitemap_urls(demo_site))
    listing = tmp_path / "urls.csv"
    listing.write_text("id,url\n" + "".join(f"{n},{u}\n" for n, u in enumerate(urls)))
    db = tmp_path / "w.duckdb"
    german = backfill(urls=[str(listing)], language="de", db=str(db))
    languages = query(db, "SELECT DISTINCT language FROM articles")
    assert languages == [("de",)] and german.counts.loaded == german.articles_new >= 8
    assert german.counts.filtered >= 20  # the other languages, extracted then left out
    limited = backfill(urls=[str(listing)], limit=5, db=str(tmp_path / "l.duckdb"))
    assert limited.items_total == 5 and limited.counts.done == 5
    future = backfill(urls=[str(listing)], since="2030-01-01", db=str(tmp_path / "f.duckdb"))
    assert future.articles_new == 0 and future.counts.filtered >= 40


def write_warc(site, folder, paths, prefix="demo"):
    """A WARC of the site's answers to `paths`, archived a minute apart from 2026-11-20."""
    when = datetime(2026, 11, 20, tzinfo=UTC)
    with CaptureWriter(folder, prefix=prefix) as writer:
        for n, path in enumerate(paths):
            answer = site.respond("GET", path, {})
            writer.write(
                FetchResult(
                    url=site.base_url + path,
                    kind="article",
                    source=None,
                    fetched_at=when + timedelta(minutes=n),
                    final_url=site.base_url + path,
                    status=answer.status,
                    body=answer.body,
                    content_type=answer.headers.get("Content-Type"),
                )
            )
    (path,) = folder.glob(f"{prefix}-*.warc.gz")
    return path


def demo_warc(site, folder):
    """A WARC of the demo site's article pages plus pages that are no articles."""
    paths = [u.removeprefix(site.base_url) for u in sorted(sitemap_urls(site))]
    paths += ["/robots.txt", "/sitemap_index.xml", "/no-such-page"]
    return write_warc(site, folder, paths), len(paths) - 3


def test_a_warc_backfill_extracts_archived_pages_without_fetching(
    prefect_harness, demo_site, tmp_path
):
    warc, pages = demo_warc(demo_site, tmp_path / "warc")
    db = tmp_path / "w.duckdb"
    report = backfill(warc=[str(warc)], db=str(db))
    assert report.counts.done == pages  # robots.txt, the XML and the 404 are no items
    assert report.counts.loaded == report.articles_new == pages - 1
    assert query(db, "SELECT count(*) FROM fetches") == [(0,)]  # nothing was downloaded
    (first,) = query(db, "SELECT min(fetched_at) FROM articles")
    assert first[0] == datetime(2026, 11, 20, tzinfo=UTC)  # the archive's date, not today's
    (in_warc,) = query(db, "SELECT DISTINCT warc_path FROM captures")
    assert in_warc[0] == str(warc.resolve())  # the input archive is the capture
    again = backfill(warc=[str(warc)], db=str(db))
    assert again.counts.done == 0 and again.articles_new == 0


def test_a_url_archived_twice_is_loaded_once_even_from_the_batch_in_flight(
    prefect_harness, demo_site, tmp_path, monkeypatch
):
    """Batches of 5: the second batch is planned while the first is still being extracted,
    the third while the second is; repeats in both must still count as known."""
    monkeypatch.setenv("NEWSFLOW_WARC_BATCH", "5")
    paths = [u.removeprefix(demo_site.base_url) for u in sorted(sitemap_urls(demo_site))][:8]
    warc = write_warc(demo_site, tmp_path / "warc", [*paths, *paths])
    db = tmp_path / "w.duckdb"
    report = backfill(warc=[str(warc)], db=str(db))
    assert report.counts.done == 16 and report.counts.known == 8
    assert report.batches == 4  # 16 records in batches of NEWSFLOW_WARC_BATCH
    assert report.articles_new == report.counts.loaded == 8
    assert query(db, "SELECT count(*), count(DISTINCT url) FROM articles") == [(8, 8)]
    assert query(db, "SELECT count(*) FROM article_versions") == [(0,)]


@pytest.mark.timeout(600)
def test_a_killed_backfill_resumes_and_ends_with_exact_counts(demo_site, tmp_path):
    db = tmp_path / "w.duckdb"
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "NEWSFLOW_PAGE_BATCH": "5",
        "NEWSFLOW_HOST_DELAY": "0.15",  # slow enough to be killed mid-way
        "NEWSFLOW_SNAPSHOT": "off",
    }
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "newsflow", "backfill", "--site", demo_site.base_url + "/"]
    command += ["--db", str(db), "--json"]
    first = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    captures = tmp_path / "w.duckdb.captures"
    deadline = time.monotonic() + 300
    while len(list(captures.glob("*.warc.gz"))) < 3 and time.monotonic() < deadline:
        assert first.poll() is None, "the backfill ended before it could be killed"
        time.sleep(0.05)
    os.killpg(first.pid, signal.SIGKILL)  # the flow, its Prefect API and its extraction pool
    first.wait()
    env |= {"NEWSFLOW_HOST_DELAY": "0", "NEWSFLOW_PAGE_BATCH": "50"}  # resumed, in other batches
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=400)
    assert second.returncode == 0, second.stderr[-2000:]
    report = json.loads(second.stdout)
    expected = sitemap_urls(demo_site)
    assert report["items_total"] == len(expected)
    assert 0 < report["done_before"] < len(expected)  # the first run got part of the way
    assert report["done_before"] + report["loaded"] + report["failed"] == len(expected)
    ((rows, distinct),) = query(db, "SELECT count(*), count(DISTINCT article_id) FROM articles")
    assert rows == distinct == len(expected) - 1
    outcomes = dict(query(db, "SELECT outcome, count(*) FROM backfill_items GROUP BY 1"))
    assert outcomes == {"loaded": len(expected) - 1, "failed": 1}

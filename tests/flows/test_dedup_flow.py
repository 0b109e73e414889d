"""Dedup inside the ingest flow: copies linked, AMP variants folded, a correction kept as a
version on a later run, and reruns that add nothing."""

import duckdb
import pytest

from newsflow.extractors.urls import article_id
from newsflow.flows.demo import serve_demo_site
from newsflow.flows.ingest import ingest

WIRE = "/northstar/business/port-ostrel-dockworkers-strike"
LANTERN_WIRE = "/lantern/business/port-ostrel-strike"
MERIDIAN_WIRE = "/meridian/business/aldoria-port-strike-local-importers"
KESTRAVA = "/lantern/world/kestrava-missile-test"
NARVOSSA = "/meridian/world/narvossa-long-range-missile"


def rows(db, sql, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, list(params)).fetchall()


def dedup_snapshot(db):
    return (
        rows(db, "SELECT * FROM article_dedup ORDER BY article_id"),
        rows(db, "SELECT article_id, version, text_hash FROM article_versions ORDER BY ALL"),
        rows(db, "SELECT count(*) FROM articles"),
    )


@pytest.fixture
def site():
    with serve_demo_site(variants=True) as served:
        yield served


def test_ingest_links_copies_and_keeps_corrections(prefect_harness, site, tmp_path, monkeypatch):
    db = tmp_path / "w.duckdb"
    feeds = tmp_path / "demo.opml"
    feeds.write_bytes(site.opml())
    first = ingest(feeds=str(feeds), db=str(db)).run

    ids = {path: article_id(site.base_url + path) for path in (WIRE, LANTERN_WIRE, MERIDIAN_WIRE)}
    links = dict(
        rows(
            db,
            "SELECT article_id, duplicate_kind FROM articles WHERE duplicate_of = ?",
            [ids[WIRE]],
        )
    )
    assert links == {ids[LANTERN_WIRE]: "exact", ids[MERIDIAN_WIRE]: "near"}
    assert first.articles_duplicate == 2
    clusters = rows(
        db,
        "SELECT count(DISTINCT cluster_id) FROM articles WHERE article_id IN (?, ?)",
        [article_id(site.base_url + KESTRAVA), article_id(site.base_url + NARVOSSA)],
    )
    assert clusters == [(2,)]  # two missile tests, two stories
    amp_rows = rows(db, "SELECT count(*) FROM articles WHERE url LIKE '%/amp'")
    assert amp_rows == [(0,)]  # the feeds' AMP entries fold into their articles
    assert rows(db, "SELECT count(*) FROM articles_unique") == [(first.articles_new - 2,)]

    site.set_revision(1)
    monkeypatch.setenv("NEWSFLOW_UPDATE_WINDOW_HOURS", "1000000")
    monkeypatch.setenv("NEWSFLOW_RECHECK_MINUTES", "0")
    later = ingest(feeds=str(feeds), db=str(db), force=True).run
    kestrava = article_id(site.base_url + KESTRAVA)
    assert later.articles_new == 0 and later.pages_rechecked > 0 and later.articles_revised == 1
    revisions = rows(
        db,
        "SELECT version, title_changed, words_added > 0 FROM article_revisions"
        " WHERE article_id = ?",
        [kestrava],
    )
    assert revisions == [(2, True, True)]
    title = rows(db, "SELECT title FROM articles WHERE article_id = ?", [kestrava])
    assert title[0][0].startswith("Kestrava test-fires new medium-range missile")

    before = dedup_snapshot(db)
    again = ingest(feeds=str(feeds), db=str(db), force=True).run
    assert (again.articles_new, again.articles_revised) == (0, 0)
    assert dedup_snapshot(db) == before

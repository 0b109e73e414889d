"""Reprocessing from raw captures, once the site is gone: nothing is fetched."""

import duckdb
import pytest

from newsflow.errors import ConfigError
from newsflow.extractors.articles import EXTRACTOR
from newsflow.flows.reprocess import reprocess
from tests.demo_warehouse import demo_warehouse_fixture, writable_copy

__all__ = ["demo_warehouse_fixture"]


def test_reprocess_restores_text_and_tags_from_captures_without_network(demo_warehouse, tmp_path):
    db = writable_copy(demo_warehouse, tmp_path)  # its demo site was shut down after the build
    with duckdb.connect(str(db)) as con:
        original = dict(con.execute("SELECT article_id, text FROM articles").fetchall())
        stale = sorted(original)[:7]
        con.execute(
            "UPDATE articles SET text = 'stale', extractor = 'trafilatura 0.1' "
            "WHERE list_contains(?, article_id)",
            [stale],
        )
        con.execute("DELETE FROM article_topics")
        (captured,) = con.execute(
            "SELECT count(DISTINCT article_id) FROM captures WHERE article_id IS NOT NULL"
        ).fetchone()
    assert captured == len(original)  # the ingest kept every article's raw page
    report = reprocess(db, "extract")
    # the corrected article's capture is its later page: its text is the corrected one
    assert (report.articles, report.failed) == (len(original), 0)
    assert report.changed == 7
    with duckdb.connect(str(db), read_only=True) as con:
        restored = dict(con.execute("SELECT article_id, text FROM articles").fetchall())
        extractors = con.execute("SELECT DISTINCT extractor FROM articles").fetchall()
        tagged = con.execute("SELECT count(DISTINCT article_id) FROM article_topics").fetchone()
    assert restored == original and extractors == [(EXTRACTOR,)]
    assert tagged[0] >= 30  # re-extraction re-tags
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM article_topics")
    again = reprocess(db, "tag")
    assert again.articles == len(original) and again.changed == tagged[0]
    with pytest.raises(ConfigError, match="--stage"):
        reprocess(db, "load")


def test_reprocess_dedup_decides_copies_and_clusters_again(demo_warehouse, tmp_path):
    db = writable_copy(demo_warehouse, tmp_path)
    decisions = (
        "SELECT article_id, duplicate_of, duplicate_kind, cluster_id FROM articles ORDER BY 1"
    )
    with duckdb.connect(str(db)) as con:
        before = con.execute(decisions).fetchall()
        copies = [row[0] for row in before if row[1] is not None]
        con.execute("DELETE FROM article_dedup")  # decisions lost (or made by older rules)
        con.execute("UPDATE articles SET duplicate_of = NULL, cluster_id = article_id")
    assert len(copies) == 2  # the demo's wire story: one exact and one near copy
    report = reprocess(db, "dedup")
    assert (report.articles, report.changed) == (len(before), 2)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(decisions).fetchall() == before
        assert con.execute("SELECT count(*) FROM article_dedup").fetchone() == (len(before),)

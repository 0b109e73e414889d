"""Sharded ingest runs under Prefect's test harness: shards 0/2 and 1/2 against the demo site."""

import subprocess
import sys

import duckdb
import pytest

from newsflow.errors import ConfigError
from newsflow.flows.ingest import ingest
from newsflow.transforms.shards import Shard


def rows(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def lean_runs(monkeypatch):
    """Runs without what this test does not look at: tags, raw captures, snapshots."""
    for name in ("NEWSFLOW_TAGGER", "NEWSFLOW_CAPTURES", "NEWSFLOW_SNAPSHOT"):
        monkeypatch.setenv(name, "none" if name == "NEWSFLOW_TAGGER" else "off")


def test_two_shards_load_what_one_run_loads_and_poll_disjoint_feeds(
    prefect_harness, demo_site, tmp_path, lean_runs
):
    feeds = tmp_path / "feeds.yaml"
    urls = demo_site.feed_urls()
    feeds.write_text("sources:\n" + "".join(f"  - url: {url}\n" for url in urls))
    whole, sharded = tmp_path / "whole.duckdb", tmp_path / "sharded.duckdb"

    one_run = ingest(feeds=str(feeds), db=str(whole))
    shard_runs = [ingest(feeds=str(feeds), db=str(sharded), shard=f"{i}/2") for i in range(2)]

    polled = [
        {
            u
            for (u,) in rows(
                sharded,
                f"SELECT url FROM fetches WHERE kind = 'feed' AND run_id = '{r.run.run_id}'",
            )
        }
        for r in shard_runs
    ]
    assert polled[0].isdisjoint(polled[1])
    assert polled[0] | polled[1] == set(urls)
    assert polled == [{u for u in urls if Shard(i, 2).holds(u)} for i in range(2)]
    assert [r.run.sources for r in shard_runs] == [len(p) for p in polled]

    articles = "SELECT article_id, text_hash, word_count FROM articles ORDER BY article_id"
    assert one_run.run.articles_new > 40
    assert rows(sharded, articles) == rows(whole, articles)
    assert sum(r.run.articles_new for r in shard_runs) == one_run.run.articles_new
    assert rows(sharded, "SELECT count(*) FROM sources") == [(len(urls),)]


def test_a_bad_shard_stops_the_run(prefect_harness, tmp_path):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("sources:\n  - url: http://127.0.0.1:9/feed.xml\n")
    with pytest.raises(ConfigError, match="numbered 0 to 1"):
        ingest(feeds=str(feeds), db=str(tmp_path / "w.duckdb"), shard="2/2")


def test_the_cli_refuses_a_bad_shard_in_one_line(tmp_path):
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("sources:\n  - url: http://127.0.0.1:9/feed.xml\n")
    result = subprocess.run(
        [sys.executable, "-m", "newsflow", "ingest", "--feeds", str(feeds), "--shard", "1of2"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "newsflow: error: shard '1of2': expected i/n, e.g. 0/4 (the first of four shards)\n"
    )
    assert not list(tmp_path.glob("*.duckdb"))

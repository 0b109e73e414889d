"""What only a DuckLake warehouse does: its dialect, its creation, two writers at once, search
through the analysts' snapshot, maintenance, and the CLI on a lake."""

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsflow.errors import WarehouseError
from newsflow.flows.cli import app
from newsflow.settings import Settings
from newsflow.warehouse.db import (
    available_migrations,
    checkpoint,
    connect,
    lake_dialect,
    lake_size,
)
from newsflow.warehouse.load import load_run
from newsflow.warehouse.search import refresh_search_index, search
from newsflow.warehouse.snapshot import publish_snapshot
from tests.factories import make_article, make_run, make_state
from tests.warehouse.backends import count, fresh, query

ROOT = Path(__file__).parents[2]


def test_the_lake_dialect_drops_keys_and_indexes_and_quotes_boolean_defaults():
    sql = (
        "CREATE TABLE t (\n    id VARCHAR PRIMARY KEY,  -- the key; (a comment)\n"
        "    n INTEGER NOT NULL DEFAULT 0\n);\n"
        "CREATE TABLE u (a VARCHAR, b INTEGER, PRIMARY KEY (a, b));\n"
        "CREATE INDEX IF NOT EXISTS t_n ON t (n);\n"
        "DROP INDEX IF EXISTS t_n;\n"
        "ALTER TABLE t ADD COLUMN ok BOOLEAN DEFAULT true;\n"
    )
    lake = lake_dialect(sql)
    assert "PRIMARY" not in lake and "INDEX" not in lake and "--" not in lake
    assert "id VARCHAR NOT NULL," in lake and "n INTEGER NOT NULL DEFAULT 0" in lake
    assert "(a VARCHAR, b INTEGER)" in lake
    assert "ok BOOLEAN DEFAULT 'true'" in lake


def columns(db):
    return query(
        db,
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_catalog = current_database() ORDER BY table_name, ordinal_position",
    )


def test_a_lake_has_the_tables_views_columns_and_types_of_a_file(tmp_path):
    lake, file = fresh(tmp_path, "ducklake"), fresh(tmp_path, "duckdb")
    for db in (lake, file):
        load_run(db, make_run(), [make_state()], [], [])  # migrates
    assert columns(lake) == columns(file) and len(columns(lake)) > 150
    assert (tmp_path / "w.sqlite.files").is_dir()  # the data folder beside the catalog
    default = query(lake, "SELECT validators_trusted FROM sources")
    assert default == [(True,)]


def test_a_missing_lake_is_not_created_by_a_reader(tmp_path):
    with (
        pytest.raises(WarehouseError, match="no such warehouse"),
        connect(fresh(tmp_path, "ducklake"), read_only=True),
    ):
        pass
    assert not list(tmp_path.iterdir())


def test_the_lake_keeps_its_data_where_newsflow_lake_data_says(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSFLOW_LAKE_DATA", str(tmp_path / "parquet"))
    lake = fresh(tmp_path, "ducklake")
    load_run(lake, make_run(), [make_state()], [], [make_article(n) for n in range(30)])
    assert list((tmp_path / "parquet").rglob("*.parquet"))
    assert not (tmp_path / "w.sqlite.files").exists()
    monkeypatch.setenv("NEWSFLOW_LAKE_DATA", str(tmp_path / "elsewhere"))
    with pytest.raises(WarehouseError, match="does not match"):  # the catalog remembers it
        load_run(lake, make_run("b"), [], [], [])


WRITER = """
import sys, time
from pathlib import Path
from newsflow.warehouse.load import load_run
from tests.factories import make_article, make_fetch, make_run, make_state
db, first, go = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.01)
for batch in range(3):
    articles = [make_article(first + batch * 1000 + n) for n in range(200)]
    fetch = make_fetch(f"https://feed.example/{first}/{batch}")
    began = time.time()
    load_run(db, make_run(f"run-{first}-{batch}"), [make_state()], [fetch], articles)
    print("load", began, time.time(), flush=True)
"""


def test_two_writers_at_once_lose_nothing_and_double_nothing(tmp_path):
    """Two processes start on a new lake together (both create and migrate it) and load three
    runs each into it, updating the same source row: every row of both is there, once."""
    lake, go = fresh(tmp_path, "ducklake"), tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, lake, str(first), str(go)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for first in (100_000, 200_000)
    ]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    go.touch()  # both are past their imports: they start loading together
    spans = []
    for writer in writers:
        out, err = writer.communicate(timeout=240)
        assert writer.returncode == 0, err[-2000:]
        spans.append([tuple(map(float, line.split()[1:])) for line in out.splitlines()])
    first, second = spans
    assert any(a[0] < b[1] and b[0] < a[1] for a in first for b in second), "no overlap"
    expected = {
        make_article(f + b * 1000 + n).article_id
        for f in (100_000, 200_000)
        for b in range(3)
        for n in range(200)
    }
    stored = query(lake, "SELECT article_id FROM articles")
    assert len(stored) == 1200 and {i for (i,) in stored} == expected
    assert (count(lake, "runs"), count(lake, "fetches"), count(lake, "sources")) == (6, 6, 1)
    migrations = len(available_migrations())
    assert query(lake, "SELECT count(*), count(DISTINCT version) FROM schema_migrations") == [
        (migrations, migrations)
    ]
    assert query(lake, "SELECT sum(articles_new) FROM runs") == [(1200,)]


def test_search_on_a_lake_goes_through_its_snapshot(tmp_path):
    lake, snap = fresh(tmp_path, "ducklake"), tmp_path / "snap.duckdb"
    missile = make_article(1, title="Missile test over the sea", text="A missile flew. " * 30)
    load_run(lake, make_run(), [make_state()], [], [missile, make_article(2)])
    with pytest.raises(WarehouseError, match="a DuckLake holds no full-text index"):
        search(lake, "missile")
    publish_snapshot(lake, snap)
    with pytest.raises(WarehouseError, match="no search index yet"):  # none asked for yet
        search(snap, "missile")
    assert refresh_search_index(lake) == 2
    publish_snapshot(lake, snap)
    found = search(snap, "missile")
    assert [hit.title for hit in found.hits] == [missile.title] and not found.index.stale
    later = make_article(3, title="Another missile launch", text="Missile again. " * 30)
    load_run(lake, make_run("b"), [], [], [later])
    publish_snapshot(lake, snap)  # every publication indexes the lake's articles anew
    again = search(snap, "missile")
    assert {hit.title for hit in again.hits} == {missile.title, later.title}
    assert again.index.articles == 3 and not again.index.stale


def test_checkpoint_merges_the_small_files_of_many_loads(tmp_path):
    lake = fresh(tmp_path, "ducklake")
    for run in range(4):
        articles = [make_article(run * 100 + n) for n in range(40)]
        load_run(lake, make_run(f"run-{run}"), [make_state()], [], articles)
    files = "SELECT count(*) FROM ducklake_list_files('warehouse', 'articles')"
    before = query(lake, files)[0][0]
    size = checkpoint(lake)
    with connect(lake, read_only=True) as con:
        assert con.execute(files).fetchone()[0] < before and size == lake_size(con) > 0
    assert count(lake, "articles") == 160


def test_ingest_into_a_lake_then_query_it_from_the_cli(prefect_harness, demo_site, tmp_path):
    lake = fresh(tmp_path, "ducklake", "news")
    feeds = tmp_path / "demo.opml"
    feeds.write_bytes(demo_site.opml())
    ingested = CliRunner().invoke(
        app, ["ingest", "--feeds", str(feeds), "--db", lake], catch_exceptions=False
    )
    assert ingested.exit_code == 0, ingested.output
    assert "44 new articles (2 copies of earlier ones)" in ingested.output
    snapshot = Settings().snapshot_for(lake)
    assert snapshot == tmp_path / "news.sqlite.analyst.duckdb" and snapshot.exists()
    sql = "SELECT count(*) AS n FROM articles_unique"
    for source in ("snapshot", "lake"):  # `sql` reads the snapshot, else the lake itself
        result = subprocess.run(
            [sys.executable, "-m", "newsflow", "sql", "--db", lake, "--format", "csv", sql],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines() == ["n", "42"], source
        snapshot.unlink(missing_ok=True)
    assert count(lake, "articles") == 44 and count(lake, "fetches") > 44
    assert not (tmp_path / "news.sqlite.spool").exists() or not list(
        (tmp_path / "news.sqlite.spool").glob("*.load")
    )
    assert list((tmp_path / "news.sqlite.captures").rglob("*.warc.gz"))


def test_a_lakes_spool_captures_and_snapshot_sit_beside_its_catalog(tmp_path):
    settings, lake = Settings(), f"ducklake:sqlite:{tmp_path}/news.sqlite"
    assert settings.spool_for(lake) == tmp_path / "news.sqlite.spool"
    assert settings.captures_for(lake) == tmp_path / "news.sqlite.captures"
    assert settings.snapshot_for(lake) == tmp_path / "news.sqlite.analyst.duckdb"
    server = "ducklake:postgres:dbname=news host=db1.internal"
    assert settings.spool_for(server) == Path("newsflow.lake.spool")
    assert settings.snapshot_for(server) == Path("newsflow.lake.analyst.duckdb")
    assert Settings.from_env({"NEWSFLOW_LAKE_DATA": " s3://news/ "}).lake_data == "s3://news/"

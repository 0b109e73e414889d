import dataclasses
import threading
from pathlib import Path

import pytest

from newsflow.errors import ConfigError, WarehouseError
from newsflow.models import FeedEntry, RunRecord
from newsflow.settings import duckdb_memory
from newsflow.warehouse import arrow
from newsflow.warehouse import db as warehouse_db
from newsflow.warehouse.db import available_migrations, connect, write
from newsflow.warehouse.load import load_run
from newsflow.warehouse.location import is_lake
from newsflow.warehouse.read import seen_entries, source_states
from tests.factories import NOW, make_article, make_fetch, make_run, make_state
from tests.locks import warehouse_locked
from tests.warehouse.backends import count, query


@pytest.fixture
def db(warehouse):
    return warehouse


def test_migrations_apply_once_and_are_recorded(db):
    with connect(db):
        pass
    with connect(db) as con:
        versions = [v for (v,) in con.execute("SELECT version FROM schema_migrations").fetchall()]
        tables = {
            t for (t,) in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    assert versions == [v for v, _, _ in available_migrations()]
    assert {"sources", "runs", "fetches", "articles"} <= tables


def test_duckdb_memory_limit_comes_from_the_setting(db):
    with connect(db) as con:  # the default, not DuckDB's 80 % of the machine
        assert con.execute("SELECT current_setting('memory_limit')").fetchone() == ("488.2 MiB",)
        (spill,) = con.execute("SELECT current_setting('temp_directory')").fetchone()
    if not is_lake(db):  # a query too big for the limit spills beside the file
        assert spill == f"{Path(db).resolve()}.tmp"


@pytest.mark.parametrize(
    ("raw", "limit"), [("512MB", "512MB"), ("2 GB", "2GB"), ("off", None), ("", "512MB")]
)
def test_duckdb_memory_setting(raw, limit):
    assert duckdb_memory({"NEWSFLOW_DUCKDB_MEMORY": raw}) == limit


def test_a_bad_duckdb_memory_setting_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSFLOW_DUCKDB_MEMORY", "lots")
    with (
        pytest.raises(ConfigError, match="NEWSFLOW_DUCKDB_MEMORY='lots'"),
        connect(tmp_path / "w.duckdb"),
    ):
        pass


def test_running_out_of_duckdb_memory_names_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSFLOW_DUCKDB_MEMORY", "32MB")

    def too_big(connection):  # a primary key index of 300,000 rows does not fit in 32 MB
        connection.execute("CREATE TABLE scratch (id VARCHAR PRIMARY KEY, v VARCHAR)")
        connection.execute(
            "INSERT INTO scratch SELECT md5(i::VARCHAR), repeat('x', 50) FROM range(300000) r(i)"
        )

    with pytest.raises(WarehouseError, match="NEWSFLOW_DUCKDB_MEMORY=32MB in this process"):
        write(tmp_path / "w.duckdb", too_big, what="filling scratch")
    with connect(tmp_path / "w.duckdb", read_only=True) as con:  # rolled back, still usable
        tables = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    assert ("scratch",) not in tables and ("articles",) in tables


def test_load_writes_every_table_with_types(db):
    article = make_article(1)
    run, added = load_run(db, make_run(), [make_state()], [make_fetch()], [article])
    assert run.articles_new == 1 and added == {article.article_id}
    with connect(db, read_only=True) as con:
        row = con.execute(
            "SELECT authors, categories, published_at, typeof(published_at) FROM articles"
        ).fetchone()
        fetch = con.execute("SELECT bytes, not_modified, run_id FROM fetches").fetchone()
        stored_run = con.execute("SELECT articles_new, status FROM runs").fetchone()
    assert row[0] == ["Ann Writer", "Bo Reporter"] and row[1] == ["world"]
    assert row[2] == NOW and row[3] == "TIMESTAMP WITH TIME ZONE"
    assert fetch == (1234, False, "run-1")
    assert stored_run == (1, "completed")


def test_every_field_of_a_run_is_stored(db):
    names = [field.name for field in dataclasses.fields(RunRecord)]
    assert arrow.RUN_SCHEMA.names == names  # a new field needs its column here too
    run = make_run(
        **{name: 7 for name in names if name.startswith(("pages", "feeds", "sources"))},
        prefect_flow_run_id="flow-run",
        newsflow_version="9.9",
    )
    stored, _ = load_run(db, run, [], [], [])
    assert query(db, f"SELECT {', '.join(names)} FROM runs") == [
        tuple(getattr(stored, name) for name in names)
    ]


def test_loading_the_same_records_twice_adds_nothing(db):
    records = ([make_state()], [make_fetch()], [make_article(1), make_article(2)])
    load_run(db, make_run(), *records)
    run, added = load_run(db, make_run("run-2"), *records)  # another run, the same records
    assert run.articles_new == 0 and added == set()
    assert (count(db, "articles"), count(db, "fetches"), count(db, "runs")) == (2, 1, 2)


def test_a_run_loaded_twice_keeps_its_first_counts(db):
    """Two processes can both find one staged run; the second load changes nothing."""
    records = ([make_state()], [make_fetch()], [make_article(1), make_article(2)])
    first, first_added = load_run(db, make_run(), *records)
    again, again_added = load_run(db, make_run(), *records)
    assert (again.articles_new, again_added) == (2, first_added) and first.articles_new == 2
    assert query(db, "SELECT articles_new FROM runs") == [(2,)]


SMALL_TABLES = ["backfills", "runs", "schema_migrations", "search_index", "sources"]


def test_growing_tables_have_no_key_and_concurrent_loads_still_keep_one_row_per_key(db):
    with connect(db) as con:
        keyed = con.execute(
            "SELECT DISTINCT table_name FROM duckdb_constraints()"
            " WHERE constraint_type = 'PRIMARY KEY' AND database_name = 'warehouse' ORDER BY 1"
        ).fetchall()
    assert [t for (t,) in keyed] == ([] if is_lake(db) else SMALL_TABLES)  # 0011
    fetches = [make_fetch(f"https://news.example/story-{n}", kind="article") for n in range(4)]
    records = ([make_state()], fetches, [make_article(n) for n in range(4)])
    failures = []

    def load(run_id):
        try:
            load_run(db, make_run(run_id), *records)
        except Exception as exc:  # the assertion below reports it
            failures.append(exc)

    threads = [threading.Thread(target=load, args=(f"run-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert (count(db, "articles"), count(db, "fetches"), count(db, "runs")) == (4, 4, 4)
    assert query(db, "SELECT sum(articles_new) FROM runs") == [(4,)]


@pytest.mark.parametrize("backend", ["duckdb"])  # a lake never had these keys
def test_migration_0011_keeps_the_rows_of_a_warehouse_keyed_before_it(db, monkeypatch):
    every = available_migrations()
    monkeypatch.setattr(warehouse_db, "available_migrations", lambda: every[:10])
    load_run(db, make_run(), [make_state()], [make_fetch()], [make_article(1), make_article(2)])
    assert query(db, "SELECT max(version) FROM schema_migrations") == [(10,)]
    before = query(db, "SELECT * FROM articles ORDER BY article_id")
    monkeypatch.setattr(warehouse_db, "available_migrations", lambda: every)
    warehouse_db._MIGRATED.clear()  # this process migrated it already: as a new process would
    load_run(db, make_run("run-2"), [], [], [make_article(2), make_article(3)])
    assert query(db, "SELECT max(version) FROM schema_migrations") == [(len(every),)]
    after = query(db, "SELECT * FROM articles ORDER BY article_id")
    assert [row for row in after if row in before] == before and len(after) == 3
    assert query(
        db,
        "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'articles'"
        " AND constraint_type = 'PRIMARY KEY'",
    ) == [(0,)]


def test_duplicate_articles_in_one_batch_keep_the_first(db):
    first = make_article(1, title="first")
    second = dataclasses.replace(first, title="second")
    run, _ = load_run(db, make_run(), [], [], [first, second])
    assert run.articles_new == 1
    assert query(db, "SELECT title FROM articles") == [("first",)]


def test_source_upsert_keeps_added_at_and_updates_state(db):
    load_run(db, make_run("a"), [make_state(etag='"v1"')], [], [])
    later = NOW.replace(day=21)
    load_run(db, make_run("b"), [make_state(etag='"v2"', added_at=later, name="Renamed")], [], [])
    (state,) = source_states(db, ["https://feed.example/rss", "https://unknown.example/"]).values()
    assert (state.etag, state.name, state.added_at, state.tags) == (
        '"v2"',
        "Renamed",
        NOW,
        ("world",),
    )


def test_failed_load_rolls_back_everything(db):
    load_run(db, make_run("a"), [make_state()], [], [make_article(1)])
    broken = make_article(2, text=None)  # violates NOT NULL after the sources were written
    with pytest.raises(WarehouseError, match="load of run b failed"):
        load_run(db, make_run("b"), [make_state(name="changed")], [make_fetch()], [broken])
    assert (count(db, "articles"), count(db, "fetches"), count(db, "runs")) == (1, 0, 1)
    assert (
        source_states(db, ["https://feed.example/rss"])["https://feed.example/rss"].name == "Feed"
    )


@pytest.mark.parametrize("backend", ["duckdb"])  # a lake has no lock: see test_lake.py
def test_a_locked_warehouse_waits_then_fails_clearly(db, tmp_path):

    with connect(db):
        pass
    with (
        warehouse_locked(db),
        pytest.raises(WarehouseError, match="cannot open warehouse"),
        connect(db, wait=0.5),
    ):
        pass
    with connect(db, wait=5):  # free again once the other process is gone
        pass


def test_readers_in_threads_share_the_file(db):
    load_run(db, make_run(), [make_state()], [], [make_article(1)])
    entry = FeedEntry(source="https://feed.example/rss", link="https://news.example/story-1")
    found = []
    threads = [
        threading.Thread(target=lambda: found.append(len(seen_entries(db, [entry]))))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert found == [1, 1, 1, 1]

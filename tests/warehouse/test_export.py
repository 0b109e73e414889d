"""Exports read back without newsflow: Parquet with pyarrow.dataset, CSV and JSONL with the
standard library."""

import csv
import json
from datetime import date, datetime

import pyarrow.dataset as ds
import pytest

from newsflow.errors import WarehouseError
from newsflow.warehouse.export import export_articles
from tests.warehouse.backends import query

SINCE = date(2026, 11, 1)


def count(db, sql):
    return query(db, sql)[0][0]


def test_parquet_is_one_dataset_partitioned_by_day(demo_warehouse, tmp_path):
    manifest = export_articles(demo_warehouse, tmp_path, "parquet", SINCE)
    rows = {table.name: table.rows for table in manifest.tables}
    assert rows["articles"] == 44
    assert rows["article_topics"] == count(demo_warehouse, "SELECT count(*) FROM article_topics")
    articles = ds.dataset(tmp_path / "articles", format="parquet", partitioning="hive").to_table()
    assert articles.num_rows == 44
    names = set(articles.column_names)
    assert {"article_id", "title", "text", "published_at", "authors", "day"} <= names
    assert {"duplicate_of", "duplicate_kind", "similarity", "cluster_id"} <= names
    assert {"cluster_articles", "cluster_outlets"} <= names
    records = articles.to_pylist()
    copies = [r for r in records if r["duplicate_of"]]
    assert sorted(r["duplicate_kind"] for r in copies) == ["exact", "near"]
    assert all(r["cluster_outlets"] == 3 for r in copies)
    assert all(str(r["published_at"].date()) == str(r["day"]) for r in records)
    days = {path.parent.name for path in (tmp_path / "articles").glob("*/*.parquet")}
    assert days == {f"day={r['day']}" for r in records} and len(days) == 15
    for table in ("article_topics", "article_entities"):
        dataset = ds.dataset(tmp_path / table, format="parquet", partitioning="hive")
        assert dataset.count_rows() == rows[table] > 0
    saved = json.loads((tmp_path / "manifest.json").read_text())
    assert saved["format"] == "parquet" and saved["tables"][0]["rows"] == 44
    assert all((tmp_path / file).is_file() for t in saved["tables"] for file in t["files"])


def test_csv_and_jsonl_read_with_the_standard_library(demo_warehouse, tmp_path):
    export_articles(demo_warehouse, tmp_path / "csv", "csv", SINCE, date(2026, 11, 17))
    with open(tmp_path / "csv" / "articles.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    expected = count(
        demo_warehouse,
        "SELECT count(*) FROM articles WHERE published_at < '2026-11-18 00:00:00+00'",
    )
    assert len(rows) == expected and expected > 10
    first = rows[0]
    assert isinstance(json.loads(first["authors"]), list) and first["authors"].startswith('["')
    assert datetime.fromisoformat(first["published_at"]).utcoffset().total_seconds() == 0
    assert max(row["day"] for row in rows) == "2026-11-17"

    export_articles(demo_warehouse, tmp_path / "jsonl", "jsonl", SINCE, date(2026, 11, 17))
    lines = (tmp_path / "jsonl" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == expected
    assert isinstance(records[0]["authors"], list)
    assert datetime.fromisoformat(records[0]["published_at"]).tzinfo is not None
    topics = (tmp_path / "jsonl" / "article_topics.jsonl").read_text().splitlines()
    assert topics and isinstance(json.loads(topics[0])["evidence"], list)


def test_a_new_export_replaces_the_previous_one(demo_warehouse, tmp_path):
    export_articles(demo_warehouse, tmp_path, "parquet", SINCE)
    manifest = export_articles(demo_warehouse, tmp_path, "parquet", date(2026, 11, 24))
    last_day = count(
        demo_warehouse,
        "SELECT count(*) FROM articles WHERE published_at >= '2026-11-24 00:00:00+00'",
    )
    assert manifest.tables[0].rows == last_day == 2  # the demo's last day
    assert len(list((tmp_path / "articles").iterdir())) == 1  # older days were removed
    export_articles(demo_warehouse, tmp_path, "csv", SINCE)
    assert not (tmp_path / "articles").exists() and (tmp_path / "articles.csv").exists()


def test_export_refuses_to_overwrite_files_it_did_not_write(demo_warehouse, tmp_path):
    (tmp_path / "articles.csv").write_text("mine")
    with pytest.raises(WarehouseError, match="not from a newsflow export"):
        export_articles(demo_warehouse, tmp_path, "csv", SINCE)
    assert (tmp_path / "articles.csv").read_text() == "mine"

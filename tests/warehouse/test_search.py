"""Full-text search: the offline fts extension, index parts per language, BM25 hits, filters,
and what happens when the index is missing or stale."""

from datetime import UTC, datetime

import duckdb
import pytest

from newsflow.errors import WarehouseError
from newsflow.warehouse.load import load_run
from newsflow.warehouse.location import is_lake
from newsflow.warehouse.search import (
    IndexPart,
    fts_extension_path,
    load_fts,
    plan_parts,
    refresh_search_index,
    search,
    snippet,
)
from newsflow.warehouse.snapshot import publish_snapshot
from tests.demo_warehouse import writable_copy
from tests.factories import make_article, make_run, make_state


def test_the_fts_extension_loads_from_its_package_without_network(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))  # nothing may be installed into ~/.duckdb
    path = fts_extension_path()
    assert path.name == "fts.duckdb_extension" and f"v{duckdb.__version__}" in str(path)
    config = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    with duckdb.connect(":memory:", config=config) as con:
        load_fts(con)
        loaded = con.execute(
            "SELECT loaded FROM duckdb_extensions() WHERE extension_name = 'fts'"
        ).fetchone()
        stem = con.execute("SELECT stem('grèves', 'french'), stem('running', 'english')")
        assert loaded == (True,) and stem.fetchone() == ("grev", "run")
    assert not (tmp_path / ".duckdb").exists()


def test_index_parts_follow_the_stemmers():
    parts = plan_parts(["fr", "en", None, "xx", "nb", "no", "fr", "de"])
    assert parts == [
        IndexPart("de", "german", ("de",)),
        IndexPart("en", "english", ("en",)),
        IndexPart("fr", "french", ("fr",)),
        IndexPart("nb", "norwegian", ("nb", "no")),
        IndexPart("other", "none", ("", "xx")),
    ]
    assert parts[2].schema == "fts_main_search_fr"
    assert plan_parts([]) == []


def test_snippet_shows_the_first_matching_word_in_context():
    text = "Intro words here. " * 20 + "The missiles flew over the sea.  " + "Tail. " * 40
    piece = snippet(text, "Missile", width=60)
    assert piece.startswith("…") and piece.endswith("…")
    assert "missiles flew" in piece and len(piece) <= 62
    assert snippet("Les grèves continuent au port.", "greve") == "Les grèves continuent au port."
    assert snippet("No match at all here.", "zebra", width=8) == "No match…"


def test_search_ranks_originals_by_bm25(searchable_demo):
    result = search(searchable_demo, "missile", limit=3)
    assert not result.index.stale and result.index.articles == 44
    titles = [hit.title for hit in result.hits]
    assert len(titles) == 3 and all("missile" in title.lower() for title in titles[:2])
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True) and scores[-1] > 0
    assert all(hit.snippet and hit.outlet and hit.url.startswith("http") for hit in result.hits)


def test_search_filters_language_date_and_copies(searchable_demo):
    demo_warehouse = searchable_demo
    french = search(demo_warehouse, "missiles", language="fr")
    assert [hit.language for hit in french.hits] == ["fr"] * len(french.hits)
    assert any("Corée du Nord" in hit.title for hit in french.hits)  # stemmed, accents folded
    assert search(demo_warehouse, "missiles", language="pt").hits == []
    strike = search(demo_warehouse, "dockworkers strike Port Ostrel", language="en")
    outlets = {hit.outlet for hit in strike.hits}
    assert "Northstar Wire" in outlets and "The Lantern Post" not in outlets  # a verbatim copy
    with_copies = search(demo_warehouse, "dockworkers strike Port Ostrel", copies=True)
    assert {"The Lantern Post", "Daily Meridian"} <= {hit.outlet for hit in with_copies.hits}
    since = datetime(2026, 11, 20, tzinfo=UTC)
    recent = search(demo_warehouse, "strike", since=since, copies=True)
    assert recent.hits and all(hit.published_at >= since for hit in recent.hits)
    assert len(search(demo_warehouse, "the", limit=3).hits) <= 3


def test_missing_index_says_how_to_build_it_and_stale_index_is_detected(demo_file, tmp_path):
    db = writable_copy(demo_file, tmp_path)  # a lake's index: test_lake.py
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM search_index")
    with pytest.raises(WarehouseError, match="newsflow search --reindex"):
        search(db, "missile")
    assert refresh_search_index(db) == 44
    assert not search(db, "missile").index.stale
    with duckdb.connect(str(db)) as con:  # a corrected headline, as a later run would load
        con.execute("UPDATE articles SET title = title || ' (updated)' WHERE language = 'de'")
    stale = search(db, "missile")
    assert stale.index.stale and stale.hits  # still usable, but says so
    refresh_search_index(db)
    assert not search(db, "missile").index.stale


def test_languages_without_stemmer_and_other_scripts_are_indexed(warehouse, tmp_path):
    db = warehouse
    russian = "Российские войска атаковали город."
    greek = "Η ιστορία της πόλης."  # noqa: RUF001  (Greek, on purpose)
    articles = [
        make_article(1, title="Войска атаковали город", text=russian, language="ru"),
        make_article(2, title="Ιστορία", text=greek, language="el"),
        make_article(3, title="Kiswahili", text="Habari za mji wa Mombasa leo.", language="sw"),
        make_article(4, title="No language", text="A story about Mombasa harbour.", language=None),
    ]
    load_run(db, make_run(), [make_state()], [], articles)
    assert refresh_search_index(db) == 4
    if is_lake(db):  # a lake's index is built in its analysts' snapshot
        db = publish_snapshot(db, tmp_path / "w.analyst.duckdb").path
    assert [hit.title for hit in search(db, "войсками").hits] == ["Войска атаковали город"]
    mombasa = search(db, "Mombasa")
    assert {hit.title for hit in mombasa.hits} == {"Kiswahili", "No language"}
    assert [p.code for p in mombasa.index.parts] == ["el", "other", "ru"]

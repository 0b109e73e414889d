from datetime import timedelta

import pytest

from newsflow.models import Entity
from newsflow.transforms.topics import Tag
from newsflow.warehouse.db import connect
from newsflow.warehouse.load import load_run
from newsflow.warehouse.topics import articles_to_tag, save_tags
from tests.factories import NOW, make_article, make_run
from tests.warehouse.backends import query

WAR = Tag(
    "medtop:16000000", "Conflit, guerre et paix", "conflict, war and peace", 0.9, ("guerre*",)
)
ARMED = Tag("medtop:20000056", "Conflit armé", "armed conflict", 0.8, ("guerre*",), level=2)
KP = Entity("country", "North Korea", "KP", 3)


@pytest.fixture
def db(warehouse):
    path = warehouse
    articles = [make_article(1, language="fr"), make_article(2, fetched_at=NOW + timedelta(1))]
    load_run(path, make_run(), [], [], articles)
    return path, [a.article_id for a in articles]


def save(path, tags, entities, version="1.0"):
    with connect(path) as con:
        con.execute("BEGIN TRANSACTION")
        save_tags(con, tags, entities, tagger="lexicon", tagger_version=version)
        con.execute("COMMIT")


def rows(path, sql):
    return query(path, sql)


def test_saving_twice_is_idempotent_and_views_count_articles(db):
    path, (first, _) = db
    for _ in range(2):
        save(path, {first: [WAR, ARMED]}, {first: [KP, Entity("city", "Pyongyang", "KP", 1)]})
    assert rows(path, "SELECT count(*) FROM article_topics") == [(2,)]
    assert rows(
        path, "SELECT code, evidence, tagger_version FROM article_topics WHERE level = 1"
    ) == [("medtop:16000000", ["guerre*"], "1.0")]
    assert rows(path, "SELECT count(*) FROM article_entities") == [(2,)]
    daily = rows(path, "SELECT day, language, code, articles FROM topic_daily ORDER BY code")
    assert daily[0][1:] == ("fr", "medtop:16000000", 1) and str(daily[0][0]) == "2026-11-20"
    places = rows(path, "SELECT kind, code, articles, mentions FROM places_daily ORDER BY kind")
    assert places == [("city", "KP", 1, 1), ("country", "KP", 1, 3)]


def test_a_new_version_replaces_the_old_tags_of_that_tagger_only(db):
    path, (first, _) = db
    save(path, {first: [WAR, ARMED]}, {first: [KP]})
    with connect(path) as con:
        save_tags(con, {first: [WAR]}, {}, tagger="other", tagger_version="0.1")
    save(path, {first: [WAR]}, {first: []}, version="2.0")
    assert rows(path, "SELECT tagger, tagger_version, code FROM article_topics ORDER BY 1") == [
        ("lexicon", "2.0", "medtop:16000000"),
        ("other", "0.1", "medtop:16000000"),
    ]
    assert rows(path, "SELECT count(*) FROM article_entities") == [(0,)]


def test_new_articles_get_their_tags_and_stored_ones_have_theirs_replaced(db):
    path, (first, second) = db
    save(path, {first: [WAR, ARMED]}, {first: [KP]})
    with connect(path) as con:  # `second` counts as inserted by this transaction: no delete
        save_tags(
            con,
            {first: [WAR], second: [ARMED]},
            {first: [], second: [KP]},
            tagger="lexicon",
            tagger_version="2.0",
            new={second},
        )
    assert rows(path, "SELECT article_id, code FROM article_topics ORDER BY 1") == [
        (first, "medtop:16000000"),
        (second, "medtop:20000056"),
    ]
    assert rows(path, "SELECT article_id FROM article_entities") == [(second,)]


def test_a_failed_transaction_keeps_the_previous_tags(db):
    path, (first, _) = db
    save(path, {first: [WAR]}, {})
    with connect(path) as con:
        con.execute("BEGIN TRANSACTION")
        save_tags(con, {first: [ARMED]}, {}, tagger="lexicon", tagger_version="9")
        con.execute("ROLLBACK")
    assert rows(path, "SELECT code FROM article_topics") == [("medtop:16000000",)]


def test_articles_to_tag_by_date_and_missing_tagger_version(db):
    path, (first, second) = db
    save(path, {first: [WAR]}, {})
    with connect(path) as con:
        assert [a.article_id for a in articles_to_tag(con)] == [first, second]
        assert [a.article_id for a in articles_to_tag(con, NOW + timedelta(hours=1))] == [second]
        assert [a.article_id for a in articles_to_tag(con, tagger="lexicon")] == [second]
        stale = articles_to_tag(con, tagger="lexicon", tagger_version="2.0", limit=5)
        assert [a.article_id for a in stale] == [first, second]
        assert stale[0].language == "fr" and stale[0].title == "Story 1"


def test_tags_and_places_carry_no_index_their_loads_keep_the_keys(tmp_path):
    path = tmp_path / "w.duckdb"
    load_run(path, make_run(), [], [], [make_article(1)])
    indexes = rows(
        path, "SELECT index_name FROM duckdb_indexes() WHERE database_name = 'warehouse'"
    )
    assert indexes == []  # 0009 dropped the two that every load rewrote and no query used
    keys = rows(
        path,
        "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
        " AND table_name IN ('article_topics', 'article_entities')",
    )
    assert keys == []  # 0010: the loads keep them, as on a lake
    article = make_article(1).article_id
    for _ in range(2):  # a tag or place given twice, and saved twice: one row per key
        save(path, {article: [WAR, WAR, ARMED]}, {article: [KP, KP]})
    assert rows(path, "SELECT code, count(*) FROM article_topics GROUP BY 1 ORDER BY 1") == [
        ("medtop:16000000", 1),
        ("medtop:20000056", 1),
    ]
    assert rows(path, "SELECT name, count(*) FROM article_entities GROUP BY 1") == [
        ("North Korea", 1)
    ]

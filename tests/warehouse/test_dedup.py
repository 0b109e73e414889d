"""Dedup storage: migration, state across restarts, idempotent saves, versions and views."""

from dataclasses import replace
from datetime import timedelta

import pytest

from newsflow.flows.demo import DemoSite
from newsflow.models import Article
from newsflow.transforms.dedup import Deduplicator, detect_revision
from newsflow.warehouse import dedup as store
from newsflow.warehouse.db import connect
from newsflow.warehouse.load import load_run
from tests.factories import make_fetch, make_run, make_state
from tests.transforms.test_dedup import (
    BASE,
    KESTRAVA,
    LANTERN_WIRE,
    MERIDIAN_WIRE,
    WIRE,
    demo_articles,
)


@pytest.fixture(scope="module")
def demo() -> dict[str, Article]:
    return demo_articles()


def ingest(db: str, articles: list[Article], run_id: str) -> list:
    """What the wired flow does: load the articles, then dedup them against the stored state."""
    load_run(db, make_run(run_id), [make_state()], [make_fetch()], articles)
    with connect(db) as connection:
        dedup = Deduplicator.from_state(store.load_state(connection, since=None))
        results = dedup.assign(articles)
        connection.execute("BEGIN TRANSACTION")
        store.save_results(connection, results, dedup.merges())
        connection.execute("COMMIT")
    return results


def test_migration_adds_columns_to_articles_despite_its_primary_key(warehouse: str) -> None:
    with connect(warehouse) as connection:
        columns = {r[0] for r in connection.execute("DESCRIBE articles").fetchall()}
        views = {
            r[0] for r in connection.execute("SELECT view_name FROM duckdb_views()").fetchall()
        }
    assert {"text_hash", "duplicate_of", "duplicate_kind", "similarity", "cluster_id"} <= columns
    assert {"articles_unique", "story_clusters", "article_revisions"} <= views


def test_links_and_clusters_persist_across_restarts_and_reruns(
    warehouse: str, demo: dict[str, Article]
) -> None:
    db = warehouse
    articles = sorted(demo.values(), key=lambda a: (a.published_at, a.article_id))
    first = ingest(db, articles[: len(articles) // 2], "run-1")
    second = ingest(db, articles[len(articles) // 2 :], "run-2")
    once = {r.article_id: r for r in first + second}
    again = ingest(db, articles, "run-3")  # a re-run: the state comes back from the file
    assert {r.article_id: r for r in again} == once
    with connect(db) as connection:
        assert connection.execute("SELECT count(*) FROM article_dedup").fetchone() == (len(demo),)
        links = connection.execute(
            "SELECT article_id, duplicate_of, duplicate_kind FROM articles"
            " WHERE duplicate_of IS NOT NULL ORDER BY duplicate_kind"
        ).fetchall()
        unique = connection.execute("SELECT count(*) FROM articles_unique").fetchone()
        wire = connection.execute(
            "SELECT articles, distinct_texts, outlets FROM story_clusters WHERE cluster_id = ?",
            [demo[WIRE].article_id],
        ).fetchone()
    original = demo[WIRE].article_id
    assert links == [
        (demo[LANTERN_WIRE].article_id, original, "exact"),
        (demo[MERIDIAN_WIRE].article_id, original, "near"),
    ]
    assert unique == (len(demo) - 2,)
    assert wire == (3, 1, 3)


def test_state_window_and_scheme(warehouse: str, demo: dict[str, Article]) -> None:
    db = warehouse
    results = ingest(db, list(demo.values()), "run-1")
    newest = max(r.event_at for r in results)
    with connect(db) as connection:
        recent = store.load_state(connection, since=newest - timedelta(days=2))
    assert 0 < len(recent.results) < len(results)
    assert all(r.event_at >= newest - timedelta(days=2) for r in recent.results)


def test_state_is_read_in_chunks_with_names_shared(
    warehouse: str, demo: dict[str, Article], monkeypatch: pytest.MonkeyPatch
) -> None:
    results = ingest(warehouse, list(demo.values()), "run-1")
    monkeypatch.setattr(store, "_STATE_CHUNK", 7)  # several chunks of the demo's articles
    with connect(warehouse) as connection:
        state = store.load_state(connection, since=None)
    assert len(state.results) == len(results) > 7
    assert {r.article_id: r.facts for r in state.results} == {
        r.article_id: r.facts for r in results
    }
    order = [(r.event_at, r.article_id) for r in state.results]
    assert order == sorted(order)
    # a name many articles give is one string object, not one per article
    names = [f for r in state.results for f in r.facts if not f.startswith("#")]
    common = max(set(names), key=names.count)
    holders = [f for r in state.results for f in r.facts if f == common]
    assert len(holders) > 1 and all(f is holders[0] for f in holders)


def test_versions_are_kept_with_what_changed(warehouse: str, demo: dict[str, Article]) -> None:
    db = warehouse
    ingest(db, list(demo.values()), "run-1")
    refetched = demo_articles(DemoSite(BASE, revision=1))[KESTRAVA]
    refetched = replace(refetched, fetched_at=refetched.fetched_at + timedelta(hours=2))
    for _ in range(2):  # the second refetch of the same text adds nothing
        with connect(db) as connection:
            stored = store.stored_articles(connection, [refetched.article_id])
            revision = detect_revision(stored[refetched.article_id], refetched)
            connection.execute("BEGIN TRANSACTION")
            if revision:
                store.save_revisions(connection, [revision], stored)
            connection.execute("COMMIT")
    with connect(db) as connection:
        versions = connection.execute(
            "SELECT version, title FROM article_versions ORDER BY version"
        ).fetchall()
        change = connection.execute(
            "SELECT title_changed, words_added, previous_title, diff FROM article_revisions"
        ).fetchall()
        text = connection.execute(
            "SELECT text FROM articles WHERE article_id = ?", [refetched.article_id]
        ).fetchone()
    assert versions == [(1, demo[KESTRAVA].title), (2, refetched.title)]
    ((title_changed, words_added, previous_title, diff),) = change
    assert title_changed and words_added > 0 and previous_title == demo[KESTRAVA].title
    assert "+*Correction" in diff or "+Correction" in diff
    assert text == (refetched.text,)


def test_stored_articles_returns_whole_records_of_the_known_ids_only(
    warehouse: str, demo: dict[str, Article]
) -> None:
    stored_one, stored_two, never = demo[WIRE], demo[KESTRAVA], demo[MERIDIAN_WIRE]
    ingest(warehouse, [stored_one, stored_two], "run-1")
    with connect(warehouse) as connection:
        assert store.stored_articles(connection, [never.article_id]) == {}
        found = store.stored_articles(
            connection, [never.article_id, stored_two.article_id, stored_one.article_id]
        )
    assert set(found) == {stored_one.article_id, stored_two.article_id}
    for article in (stored_one, stored_two):
        back = found[article.article_id]
        assert (back.url, back.title, back.text, back.authors, back.language) == (
            article.url,
            article.title,
            article.text,
            article.authors,
            article.language,
        )


def test_seen_entries_find_stored_articles_by_guid_or_url(
    warehouse: str, demo: dict[str, Article]
) -> None:
    from newsflow.models import FeedEntry

    db = warehouse
    article = demo[WIRE]
    ingest(db, [article], "run-1")
    entries = [
        FeedEntry(source=article.source, link=article.url + "/amp?utm_source=x"),
        FeedEntry(source=article.source, link=BASE + "/moved", guid=article.guid),
        FeedEntry(source=article.source, link=BASE + "/unknown"),
    ]
    with connect(db) as connection:
        seen = store.seen_entries(connection, entries)
    assert [s.article_id for s in seen] == [article.article_id]
    assert seen[0].checked_at >= seen[0].fetched_at

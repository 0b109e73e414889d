"""The backfill's deduplicator kept across batches decides as one rebuilt for every batch."""

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from newsflow.extractors.urls import article_id
from newsflow.flows.rolling_dedup import RollingDedup
from newsflow.transforms.dedup.batch import dedup_batch
from newsflow.warehouse.db import connect
from newsflow.warehouse.load import load_run
from newsflow.warehouse.read import dedup_inputs
from tests.factories import make_fetch, make_run, make_state
from tests.transforms.test_dedup import demo_articles

WINDOW = timedelta(days=30)


def decisions(db: Path) -> dict[str, tuple]:
    with connect(db, read_only=True) as connection:
        rows = connection.execute(
            "SELECT article_id, duplicate_of, duplicate_kind, cluster_id FROM articles"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def batches_in_time_order(size: int) -> list[list]:
    """The demo's articles and, a day later, copies of twelve of them on another outlet, each
    with a sentence added: the copies land in later batches than their originals."""
    originals = sorted(demo_articles().values(), key=lambda a: (a.published_at, a.article_id))
    copies = []
    for n, article in enumerate(originals[::3][:12]):
        url = f"https://copies.example/story/{n}"
        copies.append(
            replace(
                article,
                article_id=article_id(url),
                url=url,
                canonical_url=url,
                text=article.text + "\n\nThis story was first published by a partner.",
                published_at=article.published_at + timedelta(days=1),
            )
        )
    articles = sorted([*originals, *copies], key=lambda a: (a.published_at, a.article_id))
    return [articles[i : i + size] for i in range(0, len(articles), size)]


def test_kept_across_batches_it_links_and_clusters_as_a_fresh_one_per_batch(tmp_path):
    batches = batches_in_time_order(7)
    assert len(batches) >= 4
    fresh_db, rolling_db = tmp_path / "fresh.duckdb", tmp_path / "rolling.duckdb"
    rolling = RollingDedup(WINDOW)
    for n, batch in enumerate(batches):
        state, stored = dedup_inputs(fresh_db, batch, WINDOW)
        found = dedup_batch(batch, stored, state)
        load_run(
            fresh_db, make_run(f"run-{n}"), [make_state()], [make_fetch()], batch, dedup_batch=found
        )
        kept = rolling.decide(str(rolling_db), batch)
        load_run(
            rolling_db,
            make_run(f"run-{n}"),
            [make_state()],
            [make_fetch()],
            batch,
            dedup_batch=kept,
        )
    fresh, kept = decisions(fresh_db), decisions(rolling_db)
    assert kept == fresh
    assert sum(1 for d in kept.values() if d[0] is not None) >= 12  # copies were linked
    assert rolling.reloads == 1  # the demo's days lie inside one window


def test_it_reloads_when_a_batch_lies_beyond_what_it_holds_and_skips_stored_articles(tmp_path):
    batches = batches_in_time_order(7)
    db = tmp_path / "w.duckdb"
    rolling = RollingDedup(timedelta(minutes=1))  # every batch's events lie further on
    for n, batch in enumerate(batches):
        found = rolling.decide(str(db), batch)
        assert [r.article_id for r in found.results] == [a.article_id for a in batch]
        load_run(db, make_run(f"run-{n}"), [make_state()], [make_fetch()], batch, dedup_batch=found)
    assert rolling.reloads > 1
    again = rolling.decide(str(db), batches[0])  # stored already: no new decisions
    assert again.results == () and again.revisions == ()

"""`retag`: stored articles tagged again from their stored text, without fetching."""

from datetime import timedelta

import duckdb
import pytest
from typer.testing import CliRunner

from newsflow.errors import UnknownTagger
from newsflow.flows.cli import app
from newsflow.flows.retag import retag
from newsflow.transforms.topics import get_tagger
from newsflow.warehouse.load import load_run
from tests.factories import NOW, make_article, make_run

WAR_TEXT = (
    "Les combats ont repris dans le Donbass. L'armée ukrainienne a repoussé une offensive "
    "russe, selon le ministère de la Défense, tandis que les bombardements et les frappes de "
    "missiles se poursuivaient. Les soldats ont subi de lourdes pertes dans cette guerre. "
) * 3


def rows(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "w.duckdb"
    old = make_article(1, language="fr", title="Guerre en Ukraine", text=WAR_TEXT)
    new = make_article(
        2,
        language="fr",
        title="Guerre en Ukraine",
        text=WAR_TEXT,
        fetched_at=NOW + timedelta(days=2),
    )
    load_run(path, make_run(), [], [], [old, new])  # loaded without enrichment
    return path, old.article_id, new.article_id


def test_retag_tags_stored_articles_once_per_version(db):
    path, _, new = db
    version = get_tagger("lexicon").version
    first = retag(path, "lexicon", since=NOW + timedelta(days=1))
    assert (first.articles, first.tagged, first.failed) == (1, 1, 0)
    tagged = rows(path, "SELECT DISTINCT article_id, tagger_version FROM article_topics")
    assert tagged == [(new, version)]
    assert "medtop:16000000" in {c for (c,) in rows(path, "SELECT code FROM article_topics")}
    assert rows(path, "SELECT count(*) FROM article_entities WHERE code = 'UA'") == [(1,)]

    again = retag(path, "lexicon", since=NOW + timedelta(days=1))
    assert again.articles == 0  # already tagged by this version
    everything = retag(path, "lexicon", every=True)
    assert everything.articles == 2
    assert rows(path, "SELECT count(DISTINCT article_id) FROM article_topics") == [(2,)]
    before = rows(path, "SELECT count(*) FROM article_topics")
    retag(path, "lexicon", every=True)
    assert rows(path, "SELECT count(*) FROM article_topics") == before  # replaced, not added


def test_retag_refuses_an_unknown_tagger_before_touching_anything(db):
    path, _, _ = db
    with pytest.raises(UnknownTagger):
        retag(path, "no-such-tagger")


def test_retag_command(db):
    path, _, _ = db
    result = CliRunner().invoke(app, ["retag", "--db", str(path), "--since", "2026-01-01"])
    assert result.exit_code == 0, result.output
    assert "Retagged 2 articles with lexicon" in result.output
    bad = CliRunner().invoke(app, ["retag", "--db", str(path), "--since", "last week"])
    assert bad.exit_code != 0 and "expected a date" in str(bad.exception)

"""The ingest stages end to end against the demo site over loopback, without Prefect."""

from datetime import UTC, datetime

from newsflow.extractors.sources import parse_opml
from newsflow.flows.pipeline import fetch_and_extract, fetch_policy
from newsflow.flows.polling import poll_feeds
from newsflow.settings import Settings
from newsflow.transforms.dedup import plan_fetches


def _normalise(text: str) -> str:
    return " ".join(text.split())


def run_pipeline(site):
    sources = parse_opml(site.opml())
    policy = fetch_policy(Settings.from_env())
    now = datetime.now(UTC)
    polls = poll_feeds(sources, {}, policy, now)
    entries = plan_fetches([e for p in polls if p.feed for e in p.feed.entries], [], now).new
    languages = {s.url: s.language for s in sources}
    return polls, fetch_and_extract(entries, languages, policy, workers=2)


def test_every_demo_article_is_extracted_clean(demo_site):
    polls, outcomes = run_pipeline(demo_site)
    assert all(p.fetch.ok and p.feed and not p.feed.error for p in polls)
    by_path = {
        o.fetch.url.split("?")[0].removeprefix(demo_site.base_url): o
        for o in outcomes
        if o.fetch.kind == "article"
    }
    outlets = {o.slug: o for o in demo_site.outlets}
    ok_articles = [a for a in demo_site.articles if a.status == "ok"]
    assert len(ok_articles) >= 40
    for gold in ok_articles:
        article = by_path[gold.path].article
        assert article is not None, gold.path
        text = _normalise(article.text)
        missing = [p for p in gold.paragraphs if _normalise(p) not in text]
        assert missing == [], gold.path
        leaked = [b for b in outlets[gold.outlet].boilerplate if b in article.text]
        assert leaked == [], gold.path
        assert article.language == gold.language, gold.path
        assert article.title == gold.title
        assert article.published_at == gold.published
        assert article.canonical_url == demo_site.base_url + gold.path


def test_gone_and_video_pages_are_failures_with_reasons(demo_site):
    _, outcomes = run_pipeline(demo_site)
    failures = {
        o.fetch.url.split("?")[0].removeprefix(demo_site.base_url): o.fetch
        for o in outcomes
        if o.article is None and o.fetch.kind == "article"
    }
    expected = {a.path: a.status for a in demo_site.articles if a.status != "ok"}
    assert set(failures) == set(expected)
    for path, status in expected.items():
        fetch = failures[path]
        if status == "gone":
            assert (fetch.status, fetch.error_class) == (404, "http")
        else:
            assert (fetch.status, fetch.error_class) == (200, "no_text")
            assert fetch.error == "no article text found in the page"


def test_a_worker_warms_up_its_models_and_freezes_them_out_of_the_collectors_sight():
    import gc

    from newsflow.flows.pipeline import warm_up
    from newsflow.transforms.keywords import _extractor

    _extractor.cache_clear()
    try:
        warm_up()
        frozen = gc.get_freeze_count()
        assert frozen > 10_000  # the models: tens of thousands of long-lived objects
        assert _extractor.cache_info().currsize >= 4  # en, fr, de and es keyword extractors
    finally:
        gc.unfreeze()

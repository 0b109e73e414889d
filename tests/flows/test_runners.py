"""Task runner selection, batch sizes on Dask, and extraction without a process pool."""

import multiprocessing
from datetime import UTC, datetime

import pytest
from prefect.task_runners import ThreadPoolTaskRunner
from prefect_dask import DaskTaskRunner

from newsflow.errors import ConfigError
from newsflow.flows import pipeline
from newsflow.flows.pipeline import INLINE, extract_fetched
from newsflow.flows.runners import MIN_DASK_BATCH, page_batch_size, task_runner
from newsflow.models import FeedEntry, FetchResult
from newsflow.settings import Settings


def test_the_dask_setting():
    assert Settings.from_env({}).dask is None
    assert Settings.from_env({"NEWSFLOW_DASK": " "}).dask is None
    assert Settings.from_env({"NEWSFLOW_DASK": "off"}).dask is None
    assert Settings.from_env({"NEWSFLOW_DASK": "Local"}).dask == "local"
    for address in ("tcp://10.0.0.5:8786", "scheduler.internal:8786", "tls://[::1]:8786"):
        assert Settings.from_env({"NEWSFLOW_DASK": address}).dask == address
    for wrong in ("1", "locl", "tcp://", "10.0.0.5:port"):
        with pytest.raises(ConfigError, match="expected 'local' or a scheduler address"):
            Settings.from_env({"NEWSFLOW_DASK": wrong})


def test_the_task_runner_follows_the_setting():
    assert isinstance(task_runner(Settings()), ThreadPoolTaskRunner)
    local = task_runner(Settings(dask="local", workers=3))
    assert isinstance(local, DaskTaskRunner) and local.address is None
    assert local.cluster_kwargs["n_workers"] == 3
    assert local.cluster_kwargs["threads_per_worker"] == 1 and local.cluster_kwargs["processes"]
    remote = task_runner(Settings(dask="tcp://10.0.0.5:8786"))
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.5:8786"
    assert remote.cluster_kwargs == {}


def test_page_batches_on_dask_spread_over_the_workers():
    assert page_batch_size(46, 200, None) == 200  # in-process: NEWSFLOW_PAGE_BATCH
    assert page_batch_size(440, 200, 2) == 110  # two batches per worker
    assert page_batch_size(2000, 200, 16) == 63
    assert page_batch_size(10_000, 200, 2) == 200  # never above NEWSFLOW_PAGE_BATCH
    assert page_batch_size(46, 200, 2) == MIN_DASK_BATCH  # a task costs 5-10 pages on Dask
    assert page_batch_size(1, 200, 8) == MIN_DASK_BATCH
    assert page_batch_size(46, 10, 2) == 10  # the cap wins over the minimum


@pytest.fixture(scope="module")
def demo_pages(demo_site):
    """Entries and fetches of a dozen demo pages, rendered without HTTP."""
    articles = [a for a in demo_site.articles if a.status == "ok"][:12]
    now = datetime.now(UTC)
    entries, fetches = [], []
    for article in articles:
        url = demo_site.base_url + article.path
        response = demo_site.respond("GET", article.path, {})
        entries.append(FeedEntry("demo", url, title=article.title, published_at=article.published))
        fetches.append(
            FetchResult(
                url,
                "article",
                "demo",
                now,
                final_url=url,
                status=response.status,
                body=response.body,
                content_type=response.headers["Content-Type"],
            )
        )
    return entries, fetches


def extract(pages, workers):
    entries, fetches = pages
    outcomes = extract_fetched(entries, fetches, [None] * len(fetches), {}, workers)
    return [(o.article, o.enrichment) for o in outcomes]


def test_inline_extraction_equals_the_pool_and_starts_no_process(demo_pages):
    pooled = extract(demo_pages, workers=2)
    assert all(article is not None for article, _ in pooled)
    pipeline.shutdown_pool()
    assert extract(demo_pages, workers=INLINE) == pooled
    assert pipeline._pool is None


def test_a_daemonic_process_extracts_inline(demo_pages, monkeypatch):
    # a Dask worker is a daemonic process: starting the pool there would raise
    monkeypatch.setitem(multiprocessing.current_process()._config, "daemon", True)
    pipeline.shutdown_pool()
    extracted = extract(demo_pages, workers=2)
    assert all(article is not None for article, _ in extracted)
    assert pipeline._pool is None


def test_tasks_on_dask_report_to_the_flows_temporary_api(prefect_harness):
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from newsflow.flows.dask_support import _flow_api

    api = PREFECT_API_URL.value()
    with temporary_settings(restore_defaults={PREFECT_API_URL}):  # as `newsflow ingest` alone
        assert not PREFECT_API_URL.value()
        with _flow_api():  # tasks submitted now carry the address of this process's API
            assert PREFECT_API_URL.value() == api
    with temporary_settings({PREFECT_API_URL: "http://10.0.0.1:4200/api"}), _flow_api():
        assert PREFECT_API_URL.value() == "http://10.0.0.1:4200/api"  # a server: unchanged

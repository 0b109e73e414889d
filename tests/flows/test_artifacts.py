"""The Markdown summary each ingest publishes in Prefect."""

from newsflow.flows.artifacts import MAX_FAILED_LISTED, run_markdown
from newsflow.flows.ingest import IngestReport, SourceReport
from tests.factories import make_run


def report(**changes):
    values = {
        "run": make_run("run-7", articles_new=5, articles_duplicate=2, pages_failed=1),
        "sources": (
            SourceReport("https://a.example/rss", "A | B News", "ok", 6, 5, 1, None, 2),
            SourceReport("https://b.example/rss", None, "failed", 0, 0, 0, "HTTP 500\nboom"),
        ),
        "db_path": "w.duckdb",
        "failed_pages": (("https://a.example/x", "timeout"),),
        "stage_seconds": (("poll feeds", 1.25), ("load", 0.5)),
    }
    return IngestReport(**{**values, **changes})


def test_the_summary_has_a_row_per_source_with_its_counts_and_errors():
    text = run_markdown(report())
    assert "**5 new articles** (2 copies of earlier ones)" in text
    assert "| A \\| B News | ok | 6 | 5 | 2 | 1 |  |" in text  # a pipe cannot break the table
    assert "| https://b.example/rss | failed | 0 | 0 | 0 | 0 | HTTP 500 boom |" in text
    assert "| poll feeds | 1.25 |" in text and "| load | 0.50 |" in text
    assert "- https://a.example/x: timeout" in text


def test_a_deferred_load_and_a_missing_snapshot_are_called_out():
    text = run_markdown(report(load_error="database is locked", staged_runs=2))
    assert "**Load deferred**: 2 run(s) staged" in text and "database is locked" in text
    text = run_markdown(report(snapshot_error="disk full"))
    assert "**Analyst snapshot not published**: disk full" in text
    assert "Load deferred" not in text


def test_long_failure_lists_are_cut():
    failed = tuple((f"https://a.example/{n}", "404") for n in range(MAX_FAILED_LISTED + 5))
    text = run_markdown(report(failed_pages=failed))
    assert text.count(": 404") == MAX_FAILED_LISTED
    assert "… and 5 more in `fetches`" in text

"""The `newsflow` command line: ingest, demo, sources, retag, sql."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from newsflow.errors import ConfigError, NewsflowError

app = typer.Typer(
    help="newsflow: news feeds to clean, analyst-ready articles in DuckDB.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()

DEMO_DB = "demo.duckdb"
MAX_LISTED = 10
DEMO_QUERIES = (
    "SELECT language, count(*) AS articles, round(avg(word_count)) AS avg_words "
    "FROM articles GROUP BY language ORDER BY articles DESC",
    "SELECT site_name, strftime(published_at, '%Y-%m-%d %H:%M') AS published, title "
    "FROM articles_unique ORDER BY published_at DESC LIMIT 10",
    "SELECT headline, articles, distinct_texts, outlet_names FROM story_clusters "
    "WHERE articles > 1 ORDER BY articles DESC",
    "SELECT canonical_url, version, title_changed, words_added, words_removed "
    "FROM article_revisions",
)
LATER_RUN = {  # the demo's second run rechecks every stored article for corrections
    "NEWSFLOW_UPDATE_WINDOW_HOURS": str(24 * 365 * 100),
    "NEWSFLOW_RECHECK_MINUTES": "0",
}

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB warehouse file [default: $NEWSFLOW_DB or newsflow.duckdb]"),
]


def main() -> None:
    """Entry point: run the app and turn expected errors into one line and exit code 2."""
    _quiet_prefect_defaults()
    try:
        app()
    except NewsflowError as exc:
        print(f"newsflow: error: {exc}", file=sys.stderr)  # one line, never wrapped
        sys.exit(2)


@app.command()
def ingest(
    feeds: Annotated[
        Path, typer.Option("--feeds", help="Feeds file: YAML (sources: list) or OPML.")
    ] = Path("feeds.yaml"),
    db: DbOption = None,
    all_sources: Annotated[
        bool, typer.Option("--all", help="Poll every source now, due or not.")
    ] = False,
) -> None:
    """Poll the sources in FEEDS that are due and load new articles into the warehouse."""
    from newsflow.extractors.sources import load_sources

    load_sources(feeds)  # a bad feeds file fails here, in one line, before Prefect starts
    from newsflow.flows.ingest import ingest as ingest_flow

    report = ingest_flow(feeds=str(feeds), db=str(db) if db else None, force=all_sources)
    _print_report(report)


@app.command()
def sources(
    db: DbOption = None,
    failing: Annotated[bool, typer.Option(help="Only sources that are failing now.")] = False,
) -> None:
    """Show the health of every source: last success, failures, error rate, rate, next poll."""
    from newsflow.settings import Settings
    from newsflow.warehouse.query import run_query

    where = " WHERE consecutive_failures > 0" if failing else ""
    columns, rows = run_query(
        db or Settings.from_env().db_path,
        "SELECT coalesce(name, url) AS source, last_success_at, consecutive_failures AS failures,"
        " error_rate_7d, items_per_day, next_fetch_at, validators_trusted AS validators,"
        f" last_error FROM feed_health{where} ORDER BY failures DESC, source",
    )
    _print_rows(columns, rows)


@app.command()
def demo(
    db: Annotated[Path, typer.Option("--db", help="Warehouse file (recreated).")] = Path(DEMO_DB),
    copies: Annotated[
        int, typer.Option(min=1, help="Serve each article this many times (for load tests).")
    ] = 1,
) -> None:
    """Serve the bundled demo news site on 127.0.0.1 and ingest it into a fresh warehouse; then
    serve its corrected articles and ingest again, as a later run would."""
    from newsflow.flows.demo import serve_demo_site
    from newsflow.flows.ingest import ingest as ingest_flow

    os.environ["NEWSFLOW_ALLOW_PRIVATE_NETWORKS"] = "1"  # the demo site lives on loopback
    os.environ.setdefault("NEWSFLOW_HOST_DELAY", "0")  # our own site: no need to pace it
    _remove_warehouse(db)
    with (
        serve_demo_site(copies=copies, variants=True) as site,
        tempfile.TemporaryDirectory() as folder,
    ):
        console.print(f"Demo news site: {site.base_url}/  ({len(site.feed_urls())} feeds)")
        feeds = Path(folder) / "demo.opml"
        feeds.write_bytes(site.opml())
        report = ingest_flow(feeds=str(feeds), db=str(db))
        _print_report(report)
        site.set_revision(1)
        with _environment(LATER_RUN):
            later = ingest_flow(feeds=str(feeds), db=str(db), force=True).run
    console.print(
        f"Later run, corrected articles served: {later.pages_rechecked} articles rechecked, "
        f"{later.articles_revised} revised, {later.articles_new} new.",
        soft_wrap=True,
    )
    console.print("\nTry these queries:")
    for query in DEMO_QUERIES:
        console.print(
            f'  uv run newsflow sql --db {db} "{query}"',
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@app.command()
def retag(
    db: DbOption = None,
    since: Annotated[
        str | None,
        typer.Option(help="Only articles fetched on or after this date (YYYY-MM-DD, or ISO time)."),
    ] = None,
    tagger: Annotated[
        str | None, typer.Option(help="Tagger to run [default: $NEWSFLOW_TAGGER or lexicon].")
    ] = None,
    every: Annotated[
        bool, typer.Option("--all", help="Re-tag even articles already tagged by this version.")
    ] = False,
) -> None:
    """Re-tag stored articles with topics, places and keywords, without fetching anything."""
    from newsflow.flows.retag import retag as run_retag
    from newsflow.settings import Settings

    settings = Settings.from_env()
    name = tagger or settings.tagger or "lexicon"
    report = run_retag(
        db or settings.db_path,
        name,
        _parse_since(since),
        every=every,
        workers=settings.worker_count,
    )
    console.print(
        f"Retagged {report.articles} articles with {report.tagger} {report.tagger_version}: "
        f"{report.tagged} with topics, {report.failed} failed.",
        soft_wrap=True,
    )


def _parse_since(raw: str | None) -> datetime | None:
    """A --since value as an aware datetime (UTC when no offset is given)."""
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"--since {raw!r}: expected a date like 2026-11-01") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="SQL to run against the warehouse (read-only).")],
    db: DbOption = None,
) -> None:
    """Run one read-only SQL query against the warehouse and print the result."""
    from newsflow.settings import Settings
    from newsflow.warehouse.query import run_query

    columns, rows = run_query(db or Settings.from_env().db_path, query)
    _print_rows(columns, rows)


def _print_rows(columns: list[str], rows: list[tuple[object, ...]]) -> None:
    """A result set as a table, then its row count."""
    table = Table(*columns, show_lines=False)
    for row in rows:
        table.add_row(*(_cell(value) for value in row))
    console.print(table)
    console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}")


def _cell(value: object) -> str:
    """Printable form of one value (timestamps to the second)."""
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M:%S")  # type: ignore[no-any-return]
    return str(value)


def _print_report(report: object) -> None:
    """Per source: feed status, entries, new articles, failures; then the totals."""
    from newsflow.flows.ingest import IngestReport

    assert isinstance(report, IngestReport)
    table = Table("source", "feed", "entries", "new", "failed pages", "error")
    for line in report.sources:
        table.add_row(
            line.name or line.url,
            line.feed,
            str(line.entries),
            str(line.new_articles),
            str(line.failed_pages),
            line.error or "",
        )
    console.print(table)
    if report.failed_pages:
        console.print(f"Failed pages ({len(report.failed_pages)}):")
        for url, error in report.failed_pages[:MAX_LISTED]:
            console.print(f"  {url}  {error}", markup=False, highlight=False, soft_wrap=True)
        if len(report.failed_pages) > MAX_LISTED:
            console.print(f"  … and {len(report.failed_pages) - MAX_LISTED} more (see fetches)")
    run = report.run
    if report.earlier_runs_loaded:
        console.print(f"Loaded {report.earlier_runs_loaded} earlier run(s) waiting in the spool.")
    if report.load_error:
        console.print(
            f"Load deferred: {report.staged_runs} run(s) staged, loaded by the next run: "
            f"{report.load_error}",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    console.print(
        f"Run {run.run_id}: {run.sources} sources, {run.sources_due} due "
        f"({run.feeds_ok} ok, {run.feeds_not_modified} "
        f"not modified, {run.feeds_failed} failed), {run.entries} entries, "
        f"{run.articles_new} new articles ({run.articles_duplicate} copies of earlier ones), "
        f"{run.pages_rechecked} rechecked ({run.articles_revised} revised), "
        f"{run.pages_failed} failed pages "
        f"→ {report.db_path}",
        soft_wrap=True,
    )


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the block, then restore what was there."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _remove_warehouse(path: Path) -> None:
    """Delete a DuckDB file and its write-ahead log."""
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)


def _quiet_prefect_defaults() -> None:
    """No analytics (offline machines), and room for the embedded API's first start on a new
    machine (it creates its database; the default 20 s is not always enough on 2 cores)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

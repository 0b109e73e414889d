"""The `newsflow` command line: ingest, demo, sources, retag, sql."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsflow.errors import ConfigError, NewsflowError

if TYPE_CHECKING:
    from newsflow.warehouse.search import SearchHit

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

QUALITY_WIDTH = 150
DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB warehouse file (default: $NEWSFLOW_DB or newsflow.duckdb)"),
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
    shard: Annotated[
        str | None,
        typer.Option(
            "--shard",
            metavar="I/N",
            help="Poll only shard I of N (0-based) of the sources, e.g. 0/4; run one per shard.",
        ),
    ] = None,
) -> None:
    """Poll the sources in FEEDS that are due and load new articles into the warehouse."""
    from newsflow.extractors.sources import load_sources
    from newsflow.transforms.shards import parse_shard

    load_sources(feeds)  # a bad feeds file fails here, in one line, before Prefect starts
    if shard is not None:
        parse_shard(shard)  # so does a bad shard
    from newsflow.flows.ingest import ingest as ingest_flow

    report = ingest_flow(
        feeds=str(feeds), db=str(db) if db else None, force=all_sources, shard=shard
    )
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
def backfill(
    sitemap: Annotated[
        list[str] | None, typer.Option("--sitemap", help="Sitemap or sitemap index URL.")
    ] = None,
    site: Annotated[
        list[str] | None,
        typer.Option("--site", help="Site URL: its sitemaps are found through robots.txt."),
    ] = None,
    urls: Annotated[
        list[Path] | None,
        typer.Option("--urls", help="File of URLs: one per line, or CSV with a url column."),
    ] = None,
    warc: Annotated[
        list[Path] | None, typer.Option("--warc", help="WARC or WARC.gz file (repeatable).")
    ] = None,
    feed: Annotated[
        list[str] | None,
        typer.Option("--feed", help="Feed URL, followed through its archives or ?paged=N."),
    ] = None,
    since: Annotated[str | None, typer.Option(help="Only articles on or after this date.")] = None,
    until: Annotated[str | None, typer.Option(help="Only articles before this date.")] = None,
    source: Annotated[
        list[str] | None, typer.Option("--source", help="Only URLs on this host (repeatable).")
    ] = None,
    language: Annotated[
        str | None, typer.Option(help="Only articles in this language (ISO 639-1).")
    ] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many input items.")] = None,
    name: Annotated[
        str | None, typer.Option(help="Checkpoint name (default: derived from the inputs).")
    ] = None,
    db: DbOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar, no table.")] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the summary as JSON (implies --quiet).")
    ] = False,
) -> None:
    """Load history from sitemaps, paged feeds, URL lists or WARC files; rerun the same
    command to resume an interrupted backfill."""
    import json

    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")  # the bar tells the progress
    from newsflow.flows.backfill import backfill as backfill_flow
    from newsflow.flows.progress import BarReporter, Reporter, reporting

    show = not (quiet or as_json) and console.is_terminal
    reporter = BarReporter(console) if show else Reporter()
    with reporting(reporter):
        report = backfill_flow(
            sitemap=sitemap,
            site=site,
            urls=[str(p) for p in urls or []],
            warc=[str(p) for p in warc or []],
            feed=feed,
            since=since,
            until=until,
            host=source,
            language=language,
            limit=limit,
            db=str(db) if db else None,
            name=name,
        )
    if as_json:
        print(json.dumps(report.as_json(), indent=2))
        return
    if quiet:
        return
    counts = report.counts
    for item, error in report.input_errors[:MAX_LISTED]:
        console.print(f"  input {item}: {error}", markup=False, highlight=False, soft_wrap=True)
    total = "?" if report.items_total is None else report.items_total
    console.print(
        f"Backfill {report.backfill_id}: {total} items, {report.done_before} done earlier; this "
        f"run: {counts.loaded} loaded, {counts.known} already stored, {counts.failed} failed, "
        f"{counts.filtered} filtered, {report.articles_new} new articles "
        f"({report.articles_duplicate} copies) in {report.seconds:.1f} s → {report.db_path}",
        soft_wrap=True,
    )


@app.command()
def reprocess(
    stage: Annotated[
        str,
        typer.Option(
            help="extract (re-extract and re-tag from raw captures), dedup (copies and "
            "clusters decided again) or tag."
        ),
    ] = "extract",
    since: Annotated[
        str | None, typer.Option(help="Only articles fetched on or after this date.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Re-run later stages from the stored raw captures, without any network (e.g. after
    upgrading trafilatura)."""
    from newsflow.flows.reprocess import reprocess as run_reprocess
    from newsflow.settings import Settings

    settings = Settings.from_env()
    report = run_reprocess(
        db or settings.db_path,
        stage,
        _parse_since(since),
        workers=settings.worker_count,
        tagger=settings.tagger,
        window=timedelta(days=settings.dedup_window_days),
    )
    console.print(
        f"{report.stage}: {report.articles} articles, {report.changed} changed, "
        f"{report.failed} failed ({report.extractor})",
        soft_wrap=True,
    )


@app.command()
def setup() -> None:
    """Create the Prefect work pool and the warehouse writer's concurrency limit (idempotent)."""
    from newsflow.flows.operations import (
        WORK_POOL,
        ensure_work_pool,
        ensure_writer_limit,
        server_configured,
    )
    from newsflow.settings import Settings

    if not server_configured():
        raise ConfigError("no Prefect server configured: set PREFECT_API_URL (see README)")
    limit = Settings.from_env().writer_limit
    pool = "created" if ensure_work_pool() else "exists"
    slot = "created" if ensure_writer_limit(limit) else "exists"
    console.print(f"work pool {WORK_POOL!r}: {pool}", soft_wrap=True)
    console.print(f"concurrency limit {limit!r} (1 slot): {slot}", soft_wrap=True)


@app.command()
def maintenance(
    db: DbOption = None,
    prune_days: Annotated[
        float | None,
        typer.Option(help="Delete finished Prefect flow runs older than this many days."),
    ] = None,
) -> None:
    """Run the maintenance flow now: load staged runs, checkpoint, reindex, publish the
    analysts' snapshot, prune old Prefect runs."""
    from newsflow.flows.maintenance import maintenance as maintenance_flow

    report = maintenance_flow(db=str(db) if db else None, prune_days=prune_days)
    index = "not built" if report.indexed is None else f"{report.indexed} articles indexed"
    console.print(
        f"{report.runs_loaded} staged run(s) loaded ({report.staged_left} left); "
        f"warehouse {report.size_bytes / 1e6:.1f} MB; {index}; snapshot {report.snapshot} "
        f"({report.snapshot_articles} articles); {report.flow_runs_pruned} Prefect run(s) pruned",
        soft_wrap=True,
    )


@app.command()
def serve(
    feeds: Annotated[Path | None, typer.Option(help="Feeds file for the ingest.")] = None,
    db: DbOption = None,
    with_server: Annotated[
        bool,
        typer.Option(
            "--with-server", help="Start a local Prefect server on 127.0.0.1 for this process."
        ),
    ] = False,
    port: Annotated[int, typer.Option(help="Port of the --with-server server.")] = 4200,
) -> None:
    """Serve the deployments of prefect.yaml (ingest, backfill, maintenance) in this one
    process, with their schedules: the single-VM alternative to a worker."""
    from newsflow.flows import deployments, localstack

    overrides = {k: str(v) for k, v in (("feeds", feeds), ("db", db)) if v is not None}
    specs = deployments.with_parameters(deployments.read_specs(), overrides)
    if not with_server:
        from newsflow.flows.operations import server_configured

        if not server_configured():
            raise ConfigError(
                "newsflow serve needs a Prefect server: set PREFECT_API_URL, "
                "or pass --with-server to start one on 127.0.0.1"
            )
        deployments.serve(specs)
        return
    url = localstack.api_url("127.0.0.1", port)
    log = Path(".prefect") / "server.log"
    log.parent.mkdir(exist_ok=True)
    server = localstack.start_server("127.0.0.1", port, os.environ, log)
    try:
        localstack.wait_healthy(url, server)
        os.environ["PREFECT_API_URL"] = url
        _run_child(["setup"])
        console.print(f"Prefect server at {url} (UI: {url.removesuffix('/api')}); Ctrl-C stops")
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: url}):
            deployments.serve(specs)
    finally:
        localstack.stop(server)


@app.command()
def dev(
    port: Annotated[int, typer.Option(help="Port of the local Prefect server.")] = 4200,
) -> None:
    """Development stack: a local Prefect server, the pool and concurrency limit, the
    deployments of prefect.yaml, and a process worker. Ctrl-C stops them all."""
    import time

    from newsflow.flows import localstack

    home = Path.cwd()
    url = localstack.api_url("127.0.0.1", port)
    logs = Path(".prefect")
    logs.mkdir(exist_ok=True)
    env = {**os.environ, "PREFECT_API_URL": url, "NEWSFLOW_HOME": str(home)}
    server = localstack.start_server("127.0.0.1", port, env, logs / "server.log")
    worker = None
    try:
        localstack.wait_healthy(url, server)
        _run_child(["setup"], env)
        localstack.deploy_all(env, home, logs / "deploy.log")
        worker = localstack.start_worker("newsflow", env, logs / "worker.log", cwd=home)
        console.print(
            f"Prefect server {url} (UI {url.removesuffix('/api')}), worker on pool 'newsflow'; "
            f"logs in {logs}/. Ctrl-C stops both."
        )
        while server.poll() is None and worker.poll() is None:
            time.sleep(1.0)
    except KeyboardInterrupt:
        pass
    finally:
        if worker is not None:
            localstack.stop(worker)
        localstack.stop(server)


def _run_child(args: list[str], env: dict[str, str] | None = None) -> None:
    """Run a newsflow command in a child process (it reads Prefect's settings afresh)."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-m", "newsflow", *args], env=env or dict(os.environ), check=False
    )
    if done.returncode != 0:
        raise ConfigError(f"newsflow {' '.join(args)} failed (exit {done.returncode})")


@app.command()
def retag(
    db: DbOption = None,
    since: Annotated[
        str | None,
        typer.Option(help="Only articles fetched on or after this date (YYYY-MM-DD, or ISO time)."),
    ] = None,
    tagger: Annotated[
        str | None, typer.Option(help="Tagger to run (default: $NEWSFLOW_TAGGER or lexicon).")
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
    query: Annotated[
        str | None,
        typer.Argument(
            help="SQL to run (read-only). Omitted: read from stdin, or a prompt on a terminal."
        ),
    ] = None,
    db: DbOption = None,
    output: Annotated[
        Literal["table", "csv", "json"],
        typer.Option("--format", help="table, csv (header, then rows) or json (list of objects)."),
    ] = "table",
) -> None:
    """Run read-only SQL against the warehouse and print the result; with no query on a
    terminal, a prompt that runs each `;`-terminated statement (Ctrl-D leaves)."""
    path = _analyst_db(db)
    if query is None and _interactive():
        from newsflow.flows.shell import run_shell

        with contextlib.suppress(ImportError):
            import readline  # noqa: F401  (line editing and history for input())
        run_shell(input, lambda statement: _print_query_or_error(path, statement, output))
        return
    text = query if query is not None else sys.stdin.read()
    if not text.strip():
        raise ConfigError("no query: give one as an argument or on stdin")
    _print_query(path, text, output)


def _analyst_db(db: Path | None) -> Path:
    """The file the analysts' read-only commands open: the snapshot published beside the
    warehouse (--db, else $NEWSFLOW_DB) when there is one, else the warehouse itself."""
    from newsflow.settings import Settings

    settings = Settings.from_env()
    warehouse = db or settings.db_path
    snapshot = settings.snapshot_for(warehouse)
    return snapshot if snapshot.exists() else warehouse


def _interactive() -> bool:
    """Whether stdin is a terminal (then `sql` without a query prompts)."""
    return sys.stdin.isatty()


def _print_query(path: Path, query: str, output: str) -> None:
    """Run a query and print its result as a table, CSV or JSON."""
    from newsflow.flows.output import to_csv, to_json
    from newsflow.warehouse.query import run_query

    columns, rows = run_query(path, query)
    if output == "table":
        _print_rows(columns, rows)
    else:
        sys.stdout.write((to_csv if output == "csv" else to_json)(columns, rows))
        sys.stdout.flush()


def _print_query_or_error(path: Path, query: str, output: str) -> None:
    """_print_query for the prompt: an error is printed and the prompt goes on."""
    try:
        _print_query(path, query, output)
    except NewsflowError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)


@app.command()
def search(
    query: Annotated[
        str | None, typer.Argument(help="Words to look for in titles and texts.")
    ] = None,
    language: Annotated[
        str | None, typer.Option(help="Only articles in this language (ISO 639-1, e.g. fr).")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only articles published on or after this date (YYYY-MM-DD).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, help="Number of hits to show.")] = 20,
    copies: Annotated[
        bool, typer.Option("--copies", help="Include copies of other articles (linked duplicates).")
    ] = False,
    reindex: Annotated[
        bool, typer.Option("--reindex", help="(Re)build the search index first (writes).")
    ] = False,
    db: DbOption = None,
) -> None:
    """Full-text search of the articles, best BM25 matches first; --reindex builds the index."""
    from newsflow.settings import Settings
    from newsflow.warehouse.search import REINDEX_HINT, refresh_search_index
    from newsflow.warehouse.search import search as run_search
    from newsflow.warehouse.snapshot import publish_snapshot

    settings = Settings.from_env()
    warehouse = db or settings.db_path
    if reindex:
        indexed = refresh_search_index(warehouse)
        snapshot = publish_snapshot(warehouse, settings.snapshot_for(warehouse)).path
        console.print(
            f"Indexed {indexed} articles in {warehouse}; analysts' snapshot {snapshot} published.",
            soft_wrap=True,
        )
    if query is None:
        if reindex:
            return
        raise ConfigError("give a query to search for, or --reindex to build the index")
    path = _analyst_db(db)
    result = run_search(path, query, language, _parse_since(since), limit, copies)
    if result.index.stale:
        built = result.index.built_at.strftime("%Y-%m-%d %H:%M") if result.index.built_at else "?"
        console.print(
            f"The search index is stale (built {built} UTC over {result.index.articles} articles;"
            f" articles changed since): rebuild it with `{REINDEX_HINT} --db {warehouse}`.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    _print_hits(result.hits)


def _print_hits(hits: list[SearchHit]) -> None:
    """Search hits as a table: score, date, outlet, title, snippet (no markup interpreted)."""
    table = Table("score", "date", "outlet", "title", "snippet")
    for hit in hits:
        day = hit.published_at.strftime("%Y-%m-%d") if hit.published_at else ""
        cells = (f"{hit.score:.2f}", day, hit.outlet, hit.title, hit.snippet)
        table.add_row(*(Text(cell) for cell in cells))
    console.print(table)
    console.print(f"{len(hits)} hit{'s' if len(hits) != 1 else ''}")


@app.command()
def export(
    since: Annotated[str, typer.Option(help="First day to export (YYYY-MM-DD, UTC).")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write (created if needed).")],
    fmt: Annotated[
        Literal["parquet", "csv", "jsonl"],
        typer.Option("--format", help="parquet (partitioned by day), csv or jsonl."),
    ] = "parquet",
    until: Annotated[
        str | None, typer.Option(help="Last day to export, inclusive (default: today).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Export articles (with copy and story columns), their topics and entities for tools
    without newsflow; days are publication dates (fetch dates when undated)."""
    from newsflow.warehouse.export import MANIFEST, export_articles

    last = _parse_day(until, "--until") if until else None
    manifest = export_articles(_analyst_db(db), out, fmt, _parse_day(since, "--since"), last)
    table = Table("table", "rows", "files", "first file")
    for exported in manifest.tables:
        head = exported.files[0] if exported.files else ""
        table.add_row(exported.name, str(exported.rows), str(len(exported.files)), head)
    console.print(table)
    console.print(
        f"{manifest.format}, {manifest.since} to {manifest.until} → {out / MANIFEST}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def _parse_day(raw: str, option: str) -> date:
    """A YYYY-MM-DD option value as a date."""
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ConfigError(f"{option} {raw!r}: expected a date like 2026-11-01") from None


@app.command()
def quality(db: DbOption = None) -> None:
    """Show data quality per source (short or missing texts, dates, authors, language,
    duplicates, extraction drift), flagged sources first."""
    from newsflow.warehouse.quality import source_quality

    columns, rows = source_quality(_analyst_db(db))
    table = Table(*columns, box=box.SIMPLE_HEAD, pad_edge=False)
    for row in rows:
        table.add_row(*(Text(_cell(value)) for value in row))
    # 11 columns: on a pipe (80 columns by default) the table gets the room it needs
    wide = console if console.is_terminal else Console(width=QUALITY_WIDTH)
    wide.print(table)
    console.print(f"{len(rows)} sources; thin: no text or under 80 words", soft_wrap=True)


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path("report.html"),
    db: DbOption = None,
    days: Annotated[
        int, typer.Option(min=1, max=366, help="Days covered, up to the newest article.")
    ] = 30,
) -> None:
    """Write a self-contained HTML report: volume, topics, places, stories, quality, feeds."""
    from newsflow.report.html import render_report
    from newsflow.warehouse.report import report_data

    data = report_data(_analyst_db(db), days)
    out.write_text(render_report(data), encoding="utf-8")
    console.print(
        f"Wrote {out} ({out.stat().st_size // 1024} KB): {data.days[0]} to {data.days[-1]},"
        f" {data.totals['articles']} articles from {data.totals['sources']} sources.",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


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
    """Delete a DuckDB file, its write-ahead log, and the snapshot, spool and captures beside
    it (their default places only: configured ones may be shared)."""
    import shutil

    from newsflow.settings import Settings

    defaults = Settings()
    snapshot = defaults.snapshot_for(path)
    for candidate in (path, snapshot):
        candidate.unlink(missing_ok=True)
        candidate.with_name(candidate.name + ".wal").unlink(missing_ok=True)
    for folder in (defaults.spool_for(path), defaults.captures_for(path)):
        if folder is not None and folder.is_dir():
            shutil.rmtree(folder)


def _quiet_prefect_defaults() -> None:
    """No analytics (offline machines), and room for the embedded API's first start on a new
    machine (it creates its database; the default 20 s is not always enough on 2 cores)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")

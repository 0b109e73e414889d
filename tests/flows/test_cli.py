"""The command line: errors, sql, demo, and that the README documents every command."""

import csv
import io
import json
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from newsflow.flows.cli import app
from newsflow.settings import Settings
from newsflow.warehouse.load import load_run
from newsflow.warehouse.snapshot import publish_snapshot
from tests.demo_warehouse import demo_warehouse_fixture  # noqa: F401  (fixture)
from tests.factories import make_article, make_run, make_state

ROOT = Path(__file__).parents[2]


def newsflow(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "newsflow", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_bad_feeds_file_is_one_clear_line_and_exit_2(tmp_path):
    bad = tmp_path / "feeds.yaml"
    bad.write_text("sources:\n  - name: no url here\n")
    result = newsflow("ingest", "--feeds", str(bad), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2
    assert result.stderr == f"newsflow: error: {bad}: source #1: 'url' is required\n"
    assert not (tmp_path / "w.duckdb").exists()


def test_missing_feeds_file(tmp_path):
    result = newsflow("ingest", "--feeds", str(tmp_path / "nope.yaml"))
    assert result.returncode == 2 and "cannot read feeds file" in result.stderr


def test_sql_prints_rows_and_reports_bad_queries(tmp_path):
    db = tmp_path / "w.duckdb"
    load_run(db, make_run(), [make_state()], [], [make_article(1), make_article(2)])
    runner = CliRunner()
    result = runner.invoke(app, ["sql", "--db", str(db), "SELECT title FROM articles ORDER BY 1"])
    assert result.exit_code == 0, result.output
    assert "Story 1" in result.output and "Story 2" in result.output and "2 rows" in result.output
    bad = newsflow("sql", "--db", str(db), "SELECT nope FROM articles")
    assert bad.returncode == 2 and bad.stderr.startswith("newsflow: error: query failed:")


def test_demo_loads_the_demo_site_and_prints_queries(prefect_harness, tmp_path):
    db = tmp_path / "demo.duckdb"
    result = CliRunner().invoke(app, ["demo", "--db", str(db)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db), read_only=True) as con:
        (articles,) = con.execute("SELECT count(*) FROM articles").fetchone()
        languages = {
            lang for (lang,) in con.execute("SELECT DISTINCT language FROM articles").fetchall()
        }
    assert articles >= 40 and {"fr", "en", "de"} <= languages
    assert f"{articles} new articles" in result.output
    assert "Le Veilleur" in result.output and "Try these queries" in result.output
    assert "Failed pages (2):" in result.output and "HTTP 404 Not Found" in result.output
    assert result.output.count(f"newsflow sql --db {db}") == 4
    assert "1 revised" in result.output  # the later run found the corrected article


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    commands = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert set(commands) >= {"demo", "ingest", "sql"}
    undocumented = [c for c in commands if f"newsflow {c}" not in readme]
    assert undocumented == []


def test_sources_shows_feed_health_and_filters_failing(tmp_path):
    db = tmp_path / "w.duckdb"
    states = [
        make_state("https://ok.example/rss", name="Healthy"),
        make_state(
            "https://bad.example/rss",
            name="Broken",
            consecutive_failures=3,
            last_error="HTTP 500 Internal Server Error",
        ),
    ]
    load_run(db, make_run(), states, [], [])
    every = CliRunner().invoke(app, ["sources", "--db", str(db)])
    assert every.exit_code == 0, every.output
    assert "Healthy" in every.output and "Broken" in every.output and "2 rows" in every.output
    failing = CliRunner().invoke(app, ["sources", "--db", str(db), "--failing"])
    assert "Broken" in failing.output and "Healthy" not in failing.output
    assert "HTTP" in failing.output and "1 row" in failing.output


# --- the analyst's side: sql formats and prompt, search, export, quality, report ---


def small_warehouse(tmp_path):
    db = tmp_path / "w.duckdb"
    load_run(db, make_run(), [make_state()], [], [make_article(1), make_article(2)])
    return db


def test_sql_prints_csv_and_json_for_scripts(tmp_path):
    db = small_warehouse(tmp_path)
    query = "SELECT title, published_at, authors FROM articles ORDER BY title"
    as_csv = CliRunner().invoke(app, ["sql", "--db", str(db), "--format", "csv", query])
    assert as_csv.exit_code == 0, as_csv.output
    rows = list(csv.reader(io.StringIO(as_csv.output)))
    assert rows[0] == ["title", "published_at", "authors"]
    assert rows[1] == ["Story 1", "2026-11-20T12:00:00+00:00", '["Ann Writer", "Bo Reporter"]']
    as_json = CliRunner().invoke(app, ["sql", "--db", str(db), "--format", "json", query])
    records = json.loads(as_json.output)
    assert records[1] == {
        "title": "Story 2",
        "published_at": "2026-11-20T12:00:00+00:00",
        "authors": ["Ann Writer", "Bo Reporter"],
    }


def test_sql_reads_the_query_from_stdin_when_not_on_a_terminal(tmp_path):
    db = small_warehouse(tmp_path)
    piped = subprocess.run(
        [sys.executable, "-m", "newsflow", "sql", "--db", str(db), "--format", "csv"],
        input="SELECT count(*) AS n FROM articles\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == "n\n2\n"
    empty = CliRunner().invoke(app, ["sql", "--db", str(db)], input="")
    assert empty.exit_code != 0 and "no query" in str(empty.exception)


def test_sql_prompts_on_a_terminal(tmp_path):
    db = small_warehouse(tmp_path)
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "newsflow", "sql", "--db", str(db), "--format", "csv"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=ROOT,
    )
    os.close(follower)
    screen = Screen(leader)
    try:
        screen.expect(b"newsflow> ")
        os.write(leader, b"SELECT count(*)\n")
        screen.expect(b"...> ")
        os.write(leader, b"  AS n FROM articles;\n")
        screen.expect(b"newsflow> ")
        os.write(leader, b"SELECT nope;\n")
        screen.expect(b"error: query failed")
        screen.expect(b"newsflow> ")  # the prompt goes on after an error
        os.write(leader, b"\x04")  # Ctrl-D
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
        os.close(leader)
    assert b"n\r\n2\r\n" in screen.data


class Screen:
    """What a program wrote to a pseudo-terminal, read as far as the next expected text."""

    def __init__(self, fd):
        self.fd, self.data, self.seen = fd, b"", 0

    def expect(self, marker, timeout=30.0):
        deadline = time.monotonic() + timeout
        while marker not in self.data[self.seen :]:
            wait = max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([self.fd], [], [], wait)
            assert ready, f"no {marker!r} after {self.data[self.seen :]!r}"
            self.data += os.read(self.fd, 4096)
        self.seen = self.data.index(marker, self.seen) + len(marker)


def test_search_quality_report_and_export_on_the_demo(demo_warehouse, tmp_path):
    db = str(demo_warehouse)
    found = CliRunner().invoke(app, ["search", "missiles", "--db", db, "--language", "fr"])
    assert found.exit_code == 0, found.output
    assert "Corée du Nord" in found.output and "hit" in found.output
    since = CliRunner().invoke(
        app, ["search", "strike", "--db", db, "--since", "2026-11-20", "--limit", "1"]
    )
    assert "1 hit" in since.output and "2026-11-2" in since.output

    quality = CliRunner().invoke(app, ["quality", "--db", db])
    assert quality.exit_code == 0, quality.output
    assert "Le Veilleur" in quality.output and "6 sources" in quality.output

    page = tmp_path / "report.html"
    report = CliRunner().invoke(app, ["report", "--db", db, "--out", str(page), "--days", "14"])
    assert report.exit_code == 0, report.output
    assert "2026-11-11 to 2026-11-24" in report.output
    assert page.read_text().count('<g class="day"') == 28  # 14 days, two charts

    out = tmp_path / "export"
    export = CliRunner().invoke(
        app,
        ["export", "--db", db, "--format", "jsonl", "--since", "2026-11-24", "--out", str(out)],
    )
    assert export.exit_code == 0, export.output
    assert "articles" in export.output and "manifest.json" in export.output
    assert len((out / "articles.jsonl").read_text().splitlines()) == 2


def test_search_explains_a_missing_index_and_reindex_builds_it(demo_warehouse, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copyfile(demo_warehouse, db)
    with duckdb.connect(str(db)) as con:
        con.execute("DELETE FROM search_index")
    missing = newsflow("search", "missile", "--db", str(db))
    assert missing.returncode == 2
    assert "no search index" in missing.stderr and "newsflow search --reindex" in missing.stderr
    rebuilt = CliRunner().invoke(app, ["search", "--reindex", "--db", str(db)])
    assert rebuilt.exit_code == 0 and "Indexed 44 articles" in rebuilt.output
    assert "analysts' snapshot" in rebuilt.output  # searches read the snapshot: republished
    with duckdb.connect(str(db)) as con:
        con.execute("UPDATE articles SET title = 'Changed' WHERE language = 'es'")
    fresh = CliRunner().invoke(app, ["search", "missile", "--db", str(db)])
    assert "stale" not in fresh.output and "hits" in fresh.output  # the snapshot is unchanged
    publish_snapshot(db, Settings().snapshot_for(db))  # as the next ingest would
    stale = CliRunner().invoke(app, ["search", "missile", "--db", str(db)])
    assert "stale" in stale.output and "--reindex" in stale.output and "hits" in stale.output
    bad = newsflow("export", "--db", str(db), "--since", "yesterday", "--out", str(tmp_path))
    assert bad.returncode == 2 and "--since 'yesterday'" in bad.stderr


def test_help_shows_the_defaults_written_in_option_help() -> None:
    # rich reads "[default: …]" as markup and drops it: the help texts use parentheses
    backfill = CliRunner().invoke(app, ["backfill", "--help"])
    assert backfill.exit_code == 0
    words = " ".join(backfill.output.replace("│", " ").split())  # the table wraps lines
    assert "(default: derived from the inputs)" in words
    assert "(default: $NEWSFLOW_DB or newsflow.duckdb)" in words

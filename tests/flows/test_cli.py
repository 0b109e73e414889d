"""The command line: errors, sql, demo, and that the README documents every command."""

import subprocess
import sys
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from newsflow.flows.cli import app
from newsflow.warehouse.load import load_run
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

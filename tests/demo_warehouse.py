"""A warehouse ingested from the demo site, built once per test session and shared read-only.

It holds what `newsflow demo` loads: the first run (44 articles, two wire copies linked, one
story in three outlets, two failed pages), then a later run that finds the corrected article,
the search index, and its analysts' snapshot (published last, as maintenance does). Ingesting
costs 20-40 s, so every analyst test (views, search, export, report, CLI, docs) reads this one
file; a test that must write copies it first.

Test modules import the fixture (`from tests.demo_warehouse import demo_warehouse_fixture`); the
build is memoised here, so it runs once however many modules import it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

LATER_RUN = {"NEWSFLOW_UPDATE_WINDOW_HOURS": "1000000", "NEWSFLOW_RECHECK_MINUTES": "0"}
_BUILT: dict[str, Path] = {}


@pytest.fixture(scope="session", name="demo_warehouse")
def demo_warehouse_fixture(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Path of the shared demo warehouse (open it read-only, or copy it)."""
    if "path" not in _BUILT:
        _BUILT["path"] = build_demo_warehouse(tmp_path_factory.mktemp("demo-warehouse"))
    return _BUILT["path"]


def build_demo_warehouse(folder: Path) -> Path:
    """Ingest the demo site twice (original, then corrected articles) and index it."""
    from newsflow.flows.cli import _environment
    from newsflow.flows.demo import serve_demo_site
    from newsflow.flows.ingest import ingest
    from newsflow.settings import Settings
    from newsflow.warehouse.search import refresh_search_index
    from newsflow.warehouse.snapshot import publish_snapshot

    db = folder / "demo.duckdb"
    feeds = folder / "demo.opml"
    with serve_demo_site(variants=True) as site:
        feeds.write_bytes(site.opml())
        ingest(feeds=str(feeds), db=str(db))
        site.set_revision(1)
        with _environment(LATER_RUN):
            ingest(feeds=str(feeds), db=str(db), force=True)
    refresh_search_index(db)
    publish_snapshot(db, Settings().snapshot_for(db))  # what analysts' commands open
    return db


def writable_copy(db: Path, folder: Path) -> Path:
    """A private copy of a warehouse file that a test may change."""
    copy = folder / db.name
    shutil.copyfile(db, copy)
    return copy

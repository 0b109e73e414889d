"""The daily maintenance flow: load what the spool still holds, checkpoint the warehouse,
refresh the search index, publish the analysts' snapshot and prune old Prefect state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from newsflow.flows.operations import prune_flow_runs, writer_slot
from newsflow.settings import Settings
from newsflow.warehouse.db import checkpoint
from newsflow.warehouse.load import load_pending
from newsflow.warehouse.snapshot import publish_snapshot

_TASK = {"cache_policy": NO_CACHE, "persist_result": False}


@dataclass(frozen=True)
class MaintenanceReport:
    """What one maintenance run did."""

    db_path: str
    runs_loaded: int  # staged runs of earlier ingests loaded now
    staged_left: int  # runs still staged (the load failed again)
    size_bytes: int  # the warehouse file after the checkpoint
    indexed: int | None  # articles in the full-text index; None when the index is not built
    snapshot: str
    snapshot_articles: int
    flow_runs_pruned: int


@task(**_TASK)
def load_spool(db: str, settings: Settings) -> tuple[int, int]:
    """Load every staged run still waiting; (loaded, left)."""
    with writer_slot(settings.writer_limit):
        result = load_pending(db, settings.spool_for(db), wait=settings.lock_wait)
    if result.error:
        get_run_logger().error("staged runs could not be loaded: %s", result.error)
    return len(result.loaded), result.waiting


@task(**_TASK)
def checkpoint_warehouse(db: str, settings: Settings) -> int:
    """Checkpoint the warehouse; its size afterwards."""
    with writer_slot(settings.writer_limit):
        return checkpoint(db, wait=settings.lock_wait)


@task(**_TASK)
def refresh_search(db: str, settings: Settings) -> int | None:
    """Rebuild the full-text index over the articles; None when search is not available."""
    try:
        from newsflow.warehouse.search import refresh_search_index
    except ImportError:
        return None
    with writer_slot(settings.writer_limit):
        return refresh_search_index(db)


@task(**_TASK)
def publish_analyst_snapshot(db: str, settings: Settings) -> tuple[str, int]:
    """Publish the analysts' snapshot; its path and article count."""
    with writer_slot(settings.writer_limit):
        snapshot = publish_snapshot(db, settings.snapshot_for(db), wait=settings.lock_wait)
    return str(snapshot.path), snapshot.articles


@task(**_TASK)
def prune_prefect(days: float) -> int:
    """Delete finished flow runs older than `days`."""
    return prune_flow_runs(timedelta(days=days))


@flow(name="maintenance", persist_result=False)
def maintenance(db: str | None = None, prune_days: float | None = None) -> MaintenanceReport:
    """Daily upkeep of the warehouse and of Prefect's own state."""
    settings = Settings.from_env()
    db_path = str(db or settings.db_path)
    loaded, left = load_spool(db_path, settings)
    size = checkpoint_warehouse(db_path, settings)
    indexed = refresh_search(db_path, settings)
    snapshot, articles = publish_analyst_snapshot(db_path, settings)
    pruned = prune_prefect(settings.prefect_retention_days if prune_days is None else prune_days)
    report = MaintenanceReport(db_path, loaded, left, size, indexed, snapshot, articles, pruned)
    create_markdown_artifact(
        markdown=_markdown(report), key="maintenance-report", description="newsflow maintenance"
    )
    return report


def _markdown(report: MaintenanceReport) -> str:
    """The run's summary for the Prefect UI."""
    index = "not built" if report.indexed is None else f"{report.indexed} articles"
    return (
        f"# Maintenance of `{report.db_path}`\n\n"
        f"- staged runs loaded: {report.runs_loaded} (still staged: {report.staged_left})\n"
        f"- warehouse size after checkpoint: {report.size_bytes / 1e6:.1f} MB\n"
        f"- full-text index: {index}\n"
        f"- analyst snapshot: `{report.snapshot}` ({report.snapshot_articles} articles)\n"
        f"- Prefect flow runs pruned: {report.flow_runs_pruned}\n"
    )

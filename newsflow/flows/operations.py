"""What an operator's Prefect server needs from newsflow: the work pool, the warehouse writer's
global concurrency limit, and pruning of old flow runs. Everything here talks to the Prefect API
named by PREFECT_API_URL; nothing here touches the warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, WorkPoolCreate
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterStartTime,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.concurrency._asyncio import ConcurrencySlotAcquisitionError
from prefect.concurrency.sync import concurrency
from prefect.exceptions import ObjectNotFound
from prefect.settings import PREFECT_API_URL
from prefect.workers.process import ProcessWorker

from newsflow.errors import ConfigError

WORK_POOL = "newsflow"
WRITER_LIMIT = "newsflow-warehouse"  # one slot: one process writes the warehouse at a time
FINISHED = [StateType.COMPLETED, StateType.FAILED, StateType.CANCELLED, StateType.CRASHED]
PRUNE_PAGE = 200


def server_configured() -> bool:
    """A Prefect server (or Cloud) is configured, as opposed to the per-process embedded API."""
    return bool(PREFECT_API_URL.value())


def ensure_work_pool(name: str = WORK_POOL) -> bool:
    """Create the process work pool unless it exists; True when it was created."""
    with get_client(sync_client=True) as client:
        try:
            client.read_work_pool(name)
            return False
        except ObjectNotFound:
            pass
        client.create_work_pool(
            WorkPoolCreate(
                name=name,
                type="process",
                description="newsflow: ingest, backfill and maintenance flows",
                base_job_template=ProcessWorker.get_default_base_job_template(),
            )
        )
        return True


def ensure_writer_limit(name: str = WRITER_LIMIT) -> bool:
    """Create the warehouse writer's global concurrency limit (1 slot) unless it exists; True
    when it was created."""
    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
            return False
        except ObjectNotFound:
            pass
        client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
        return True


@contextmanager
def writer_slot(name: str = WRITER_LIMIT, timeout: float | None = None) -> Iterator[None]:
    """Hold the warehouse writer's slot for the block when a Prefect server is configured.

    The limit is strict: a server without it (setup not run) is an error, not a silent pass.
    Without a server, the embedded API is private to this process and a limit there would guard
    nothing; the warehouse's own lock, with retries, and the spool still keep writes safe."""
    if not server_configured():
        yield
        return
    try:
        with concurrency(name, occupy=1, timeout_seconds=timeout, strict=True):
            yield
    except ConcurrencySlotAcquisitionError as exc:
        raise ConfigError(
            f"cannot take the Prefect concurrency limit {name!r} ({exc}); "
            "create it with `newsflow setup`"
        ) from None


def prune_flow_runs(older_than: timedelta, now: datetime | None = None) -> int:
    """Delete finished flow runs (with their task runs, logs and artifacts) that started before
    `now - older_than`; return how many. The warehouse's `runs` table keeps its own history."""
    cutoff = (now or datetime.now(UTC)) - older_than
    run_filter = FlowRunFilter(
        start_time=FlowRunFilterStartTime(before_=cutoff),
        state=FlowRunFilterState(type=FlowRunFilterStateType(any_=FINISHED)),
    )
    deleted = 0
    with get_client(sync_client=True) as client:
        while True:
            runs = client.read_flow_runs(flow_run_filter=run_filter, limit=PRUNE_PAGE)
            for run in runs:
                try:
                    client.delete_flow_run(run.id)
                except ObjectNotFound:
                    continue
                deleted += 1
            if len(runs) < PRUNE_PAGE:
                return deleted

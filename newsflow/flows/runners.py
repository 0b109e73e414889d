"""Where the flows' tasks run: Prefect's thread pool in the flow's own process (extraction then
uses newsflow's process pool, one process per core), or a Dask cluster through prefect-dask
when `NEWSFLOW_DASK` says so ('local': a LocalCluster started for the run; an address: an
existing cluster).

The ingest and backfill flows take their task runner from the environment when their module is
imported: a deployment's flow run imports the flow in a fresh process on the worker, and the
CLI imports it after its options are read, so both follow the environment they start in. Code
that wants another runner calls `flow.with_options(task_runner=task_runner(settings))`.
Only tasks that are submitted (`.map`, `.submit`) go to the runner; the reads, the dedup and
the load are called directly, so they stay in the flow's process, beside the warehouse.
"""

from __future__ import annotations

import math
import sys
from typing import TYPE_CHECKING, Any, TypeVar

from prefect.context import FlowRunContext
from prefect.task_runners import TaskRunner, ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from newsflow.settings import Settings

if TYPE_CHECKING:
    from prefect_dask import DaskTaskRunner

# On Dask, each worker thread gets about two page batches, so that one slow batch does not leave
# the others idle at the end; but no batch under MIN_DASK_BATCH pages: a Prefect task costs about
# half a second in a Dask worker (it rebuilds Prefect's settings and API client), the time of
# 5-10 pages of extraction. See bench/README.md, "Extraction on Dask".
BATCHES_PER_SLOT = 2
MIN_DASK_BATCH = 25
WORKER_PRELOAD = "newsflow.flows.dask_support"  # imports the tasks when a worker starts
T = TypeVar("T")


def task_runner(settings: Settings) -> TaskRunner[Any]:
    """The task runner the settings ask for."""
    if settings.dask is None:
        return ThreadPoolTaskRunner()
    from newsflow.flows.dask_support import DaskTaskRunner  # imported when used: about 2 s

    if settings.dask == "local":
        return DaskTaskRunner(cluster_kwargs=local_cluster_options(settings.worker_count))
    return DaskTaskRunner(address=settings.dask)


def local_cluster_options(workers: int) -> dict[str, Any]:
    """A LocalCluster of `workers` processes with one thread each (extraction is pure Python:
    threads would share one GIL), warmed up as they start. Its HTTP endpoint (health, metrics;
    the dashboard needs bokeh) takes a free loopback port: concurrent runs each start one."""
    return {
        "n_workers": workers,
        "threads_per_worker": 1,
        "processes": True,
        "dashboard_address": "127.0.0.1:0",
        "preload": [WORKER_PRELOAD],
    }


def on_dask() -> bool:
    """The current flow run submits its tasks to Dask."""
    return _dask_runner() is not None


def passed(value: T) -> T | quote[T]:
    """A large argument of a mapped task, kept from Prefect's walk over every element (which
    costs seconds per batch of pages): quoted on newsflow's thread pool; as is on Dask, whose
    runner ships the arguments to its workers without unquoting them."""
    return value if on_dask() else quote(value)


def dask_slots() -> int | None:
    """Tasks the current flow run's Dask cluster runs at once (its worker threads), or None off
    Dask. The first call starts the run's local cluster, or connects to the scheduler."""
    runner = _dask_runner()
    if runner is None:
        return None
    return max(1, sum(runner.client.nthreads().values()))


def page_batch_size(pages: int, cap: int, slots: int | None) -> int:
    """Pages per fetch-and-extract task: `cap` (NEWSFLOW_PAGE_BATCH) in the flow's process; on
    Dask (`slots` tasks at once) about BATCHES_PER_SLOT batches per slot, at least
    MIN_DASK_BATCH pages, never above `cap`."""
    if not slots:
        return max(1, cap)
    spread = math.ceil(pages / (slots * BATCHES_PER_SLOT))
    return max(1, min(cap, max(spread, MIN_DASK_BATCH)))


def _dask_runner() -> DaskTaskRunner | None:
    """The current flow run's DaskTaskRunner, if it has one."""
    context = FlowRunContext.get()
    if context is None or "prefect_dask" not in sys.modules:  # not imported: not in use
        return None
    from prefect_dask import DaskTaskRunner

    runner = context.task_runner
    return runner if isinstance(runner, DaskTaskRunner) else None

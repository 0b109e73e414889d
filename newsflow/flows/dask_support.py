"""What Dask needs beyond prefect-dask, imported only when NEWSFLOW_DASK is set: a task runner
whose workers report to the flow's Prefect API, and the workers' preload.

Without PREFECT_API_URL a flow talks to a temporary API that Prefect starts in its own process;
a task run on a Dask worker would then start a temporary API of its own in every worker (measured:
a 4-task flow on 2 local workers took 68 s, three API servers, one worker killed at shutdown).
`DaskTaskRunner` here hands the flow's API address to the tasks it submits instead.

The preload (`dask worker … --preload newsflow.flows.dask_support`; the local cluster of
NEWSFLOW_DASK=local does it itself) imports the tasks and loads the language model while a
worker starts, as the process pool's initializer does, instead of during its first batch.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import Any

from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect_dask import DaskTaskRunner as _PrefectDaskTaskRunner
from prefect_dask.task_runners import PrefectDaskFuture

# Dask logs every start, stop and connection at INFO, which would bury the run's own log lines
# (Prefect's handlers print them); its warnings and errors still show.
logging.getLogger("distributed").setLevel(logging.WARNING)


class DaskTaskRunner(_PrefectDaskTaskRunner):
    """prefect-dask's runner; tasks submitted from a flow on a temporary API report to it."""

    def submit(
        self,
        task: Any,
        parameters: dict[str, Any],
        wait_for: Iterable[PrefectDaskFuture[Any]] | None = None,
        dependencies: dict[str, Any] | None = None,
    ) -> PrefectDaskFuture[Any]:
        """Submit with the flow's API address in the settings the task carries to its worker."""
        with _flow_api():
            return super().submit(task, parameters, wait_for, dependencies)


def _flow_api() -> AbstractContextManager[Any]:
    """Settings naming this process's API, when none is configured (a temporary one)."""
    if PREFECT_API_URL.value():
        return nullcontext()
    api = str(get_client(sync_client=True).api_url).rstrip("/")
    return temporary_settings({PREFECT_API_URL: api})


def dask_setup(worker: Any) -> None:
    """Dask's preload hook, called once in each worker as it starts."""
    import newsflow.flows.backfill  # noqa: F401  (the tasks' modules, and Prefect with them)
    from newsflow.flows.pipeline import warm_up

    warm_up()

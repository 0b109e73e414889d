"""Fixtures shared by the whole suite. Nothing here reaches beyond 127.0.0.1."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ["NEWSFLOW_ALLOW_PRIVATE_NETWORKS"] = "1"  # every test server lives on loopback
os.environ.setdefault("NEWSFLOW_WORKERS", "2")
os.environ["NEWSFLOW_HOST_DELAY"] = "0"  # local servers need no pacing (tested on its own)


@pytest.fixture(scope="session")
def demo_site() -> Iterator[object]:
    """The bundled demo news site, served over real HTTP on 127.0.0.1."""
    from newsflow.flows.demo import serve_demo_site

    with serve_demo_site() as site:
        yield site


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect API for the session (it costs several seconds to start)."""
    from prefect.testing.utilities import prefect_test_harness

    from newsflow.flows.operations import ensure_writer_limit

    with prefect_test_harness(server_startup_timeout=120):
        ensure_writer_limit()  # what `newsflow setup` creates on a real server
        yield

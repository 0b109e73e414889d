"""End to end on a real Prefect server and process worker: setup, `prefect deploy` from
prefect.yaml, a triggered ingest run against the demo site, articles in DuckDB."""

import os
import socket
import time
from pathlib import Path

import duckdb
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.deployments import run_deployment
from prefect.settings import PREFECT_API_URL, temporary_settings

from newsflow.flows import localstack

ROOT = Path(__file__).parents[2]
RUN_TIMEOUT = 420


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def stack(tmp_path):
    """A Prefect server and a worker, both started here and stopped by PID."""
    url = localstack.api_url("127.0.0.1", free_port())
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "PREFECT_API_URL": url,
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",  # no cron runs of the real feeds
        "NEWSFLOW_HOME": str(ROOT),
        "NEWSFLOW_WORKERS": "1",
    }
    port = url.split(":")[-1].removesuffix("/api")
    started = []
    try:
        server = localstack.start_server("127.0.0.1", int(port), env, tmp_path / "server.log")
        started.append(server)
        localstack.wait_healthy(url, server)
        yield env, started, tmp_path
    finally:
        codes = [localstack.stop(process) for process in reversed(started)]
        assert all(process.poll() is not None for process in started), codes


def test_a_worker_runs_the_deployed_ingest_into_duckdb(stack, demo_site):
    env, started, tmp_path = stack
    setup = localstack.subprocess.run(
        [localstack.sys.executable, "-m", "newsflow", "setup"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert setup.returncode == 0, setup.stderr
    assert setup.stdout.splitlines() == [
        "work pool 'newsflow': created",
        "concurrency limit 'newsflow-warehouse' (1 slot): created",
    ]
    localstack.deploy_all(env, ROOT, tmp_path / "deploy.log")
    worker = localstack.start_worker("newsflow", env, tmp_path / "worker.log", cwd=ROOT)
    started.append(worker)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text("sources:\n" + "".join(f"  - url: {u}\n" for u in demo_site.feed_urls()))
    db = tmp_path / "warehouse.duckdb"
    with temporary_settings({PREFECT_API_URL: env["PREFECT_API_URL"]}):
        with get_client(sync_client=True) as client:
            limit = client.read_global_concurrency_limit_by_name("newsflow-warehouse")
            assert limit.limit == 1
        flow_run = run_deployment(
            "ingest/ingest", parameters={"feeds": str(feeds), "db": str(db)}, timeout=0
        )
        state = wait_final(flow_run.id)
        assert state.is_completed(), (state, (tmp_path / "worker.log").read_text()[-3000:])
        with get_client(sync_client=True) as client:
            artifacts = client.read_artifacts(
                artifact_filter=ArtifactFilter(
                    flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run.id])
                )
            )
    with duckdb.connect(str(db), read_only=True) as con:
        (articles,) = con.execute("SELECT count(*) FROM articles").fetchone()
        (run_id,) = con.execute("SELECT prefect_flow_run_id FROM runs").fetchone()
    assert articles >= 40 and run_id == str(flow_run.id)
    (artifact,) = [a for a in artifacts if a.key == "ingest-report"]
    assert f"**{articles} new articles**" in artifact.data
    assert (tmp_path / "warehouse.analyst.duckdb").exists()


def wait_final(flow_run_id):
    """The flow run's state once it is final."""
    deadline = time.monotonic() + RUN_TIMEOUT
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline:
            state = client.read_flow_run(flow_run_id).state
            if state is not None and state.is_final():
                return state
            time.sleep(2)
    raise AssertionError(f"flow run {flow_run_id} not finished after {RUN_TIMEOUT} s")

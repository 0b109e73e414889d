"""A local Prefect server and worker as child processes, for development, `newsflow serve
--with-server` and the end-to-end test. Processes are stopped by PID, never by name."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from newsflow.errors import ConfigError

DEFAULT_PORT = 4200
STOP_WAIT = 20.0


def prefect_command(*args: str) -> list[str]:
    """The Prefect CLI of this interpreter (so children see newsflow and its dependencies)."""
    return [sys.executable, "-m", "prefect", *args]


def api_url(host: str, port: int) -> str:
    """The API address of a server started by `start_server`."""
    return f"http://{host}:{port}/api"


def start_server(
    host: str, port: int, env: Mapping[str, str], log: Path
) -> subprocess.Popen[bytes]:
    """`prefect server start` in the background, its output in `log`."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            prefect_command("server", "start", "--host", host, "--port", str(port)),
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    """Wait until the API answers its health check; fail early if the server died."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConfigError(f"the Prefect server exited with code {process.returncode}")
        with temporary_settings({PREFECT_API_URL: url}), get_client(sync_client=True) as client:
            if client.api_healthcheck() is None:
                return
        time.sleep(1.0)
    raise ConfigError(f"the Prefect server at {url} did not answer within {timeout:.0f} s")


def start_worker(
    pool: str, env: Mapping[str, str], log: Path, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """`prefect worker start` on the pool in the background, its output in `log`."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            prefect_command("worker", "start", "--pool", pool, "--type", "process"),
            env=dict(env),
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def deploy_all(env: Mapping[str, str], cwd: Path, log: Path) -> None:
    """`prefect deploy --all` from `cwd`'s prefect.yaml."""
    with open(log, "ab") as out:
        done = subprocess.run(
            prefect_command("--no-prompt", "deploy", "--all"),
            env=dict(env),
            cwd=cwd,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if done.returncode != 0:
        raise ConfigError(f"prefect deploy failed (exit {done.returncode}); see {log}")


def stop(process: subprocess.Popen[bytes], wait: float = STOP_WAIT) -> int:
    """Stop a child and its process group: SIGINT, then a second SIGINT (a worker asks for
    two), then SIGKILL. Returns its exit code."""
    for sent in (signal.SIGINT, signal.SIGINT, signal.SIGKILL):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sent)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=wait / 2 if sent == signal.SIGINT else wait)
        except subprocess.TimeoutExpired:
            continue
    return process.wait()

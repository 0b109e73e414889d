"""The warehouse tests run on both backends: a DuckDB file and a DuckLake (SQLite catalog, local
data folder). `warehouse` names a fresh one; `demo_warehouse` is the shared demo warehouse, the
DuckDB file that tests/demo_warehouse.py ingests, or a lake holding the same rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsflow.warehouse.location import is_lake
from newsflow.warehouse.snapshot import publish_snapshot
from tests.demo_warehouse import _BUILT, build_demo_warehouse, writable_copy
from tests.warehouse.backends import BACKENDS, fresh, lake_copy


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The backend a test runs on."""
    return str(request.param)


@pytest.fixture
def warehouse(tmp_path: Path, backend: str) -> str:
    """The name of a new, empty warehouse of the backend (created on first use)."""
    return fresh(tmp_path, backend)


@pytest.fixture(scope="session")
def demo_file(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared demo warehouse file (built once per session, see tests/demo_warehouse.py)."""
    if "path" not in _BUILT:
        _BUILT["path"] = build_demo_warehouse(tmp_path_factory.mktemp("demo-warehouse"))
    return _BUILT["path"]


@pytest.fixture(scope="session")
def demo_lake(demo_file: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A lake migrated by newsflow and filled with every row of the demo file."""
    return lake_copy(demo_file, tmp_path_factory.mktemp("demo-lake"))


@pytest.fixture(params=BACKENDS)
def demo_warehouse(request: pytest.FixtureRequest, demo_file: Path) -> str | Path:
    """The demo warehouse on each backend (read it; copy it with `writable_demo` to write)."""
    return demo_file if request.param == "duckdb" else request.getfixturevalue("demo_lake")


@pytest.fixture
def writable_demo(demo_warehouse: str | Path, demo_file: Path, tmp_path: Path) -> str | Path:
    """A private copy of the demo warehouse, on the same backend, that a test may change."""
    if is_lake(demo_warehouse):
        return lake_copy(demo_file, tmp_path)
    return writable_copy(Path(demo_warehouse), tmp_path)


@pytest.fixture(scope="session")
def demo_lake_snapshot(demo_lake: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The analysts' snapshot of the demo lake: a DuckDB file with the full-text index."""
    folder = tmp_path_factory.mktemp("demo-lake-snapshot")
    return publish_snapshot(demo_lake, folder / "demo.analyst.duckdb").path


@pytest.fixture
def searchable_demo(demo_warehouse: str | Path, request: pytest.FixtureRequest) -> str | Path:
    """Where the demo warehouse is searched: the file itself, or the lake's snapshot."""
    if is_lake(demo_warehouse):
        return request.getfixturevalue("demo_lake_snapshot")
    return demo_warehouse

"""prefect.yaml read as `newsflow serve` reads it."""

from pathlib import Path

import pytest

from newsflow.errors import ConfigError
from newsflow.flows.deployments import read_specs, with_parameters

ROOT = Path(__file__).parents[2]


def test_the_project_deployments_are_read_with_schedules_and_limits():
    specs = {spec.name: spec for spec in read_specs(ROOT / "prefect.yaml")}
    assert set(specs) == {"ingest", "backfill", "maintenance"}
    assert specs["backfill"].crons == () and specs["backfill"].collision_strategy == "ENQUEUE"
    assert specs["ingest"].crons == (("*/15 * * * *", "UTC"),)
    assert (specs["ingest"].limit, specs["ingest"].collision_strategy) == (1, "CANCEL_NEW")
    assert specs["maintenance"].crons and specs["maintenance"].parameters["db"]


def test_overrides_reach_only_deployments_that_take_the_parameter():
    specs = with_parameters(read_specs(ROOT / "prefect.yaml"), {"feeds": "mine.yaml", "db": "x"})
    by_name = {spec.name: spec for spec in specs}
    assert by_name["ingest"].parameters == {"feeds": "mine.yaml", "db": "x"}
    assert "feeds" not in by_name["maintenance"].parameters
    assert by_name["maintenance"].parameters["db"] == "x"


def test_a_deployment_without_entrypoint_is_a_clear_error(tmp_path):
    path = tmp_path / "prefect.yaml"
    path.write_text("deployments:\n  - name: broken\n")
    with pytest.raises(ConfigError, match="entrypoint"):
        read_specs(path)

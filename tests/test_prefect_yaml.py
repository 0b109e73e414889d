"""prefect.yaml stays in step with the flows it deploys."""

import inspect
from pathlib import Path

import yaml
from prefect.flows import load_flow_from_entrypoint

ROOT = Path(__file__).parents[1]


def test_every_deployment_points_at_a_flow_with_its_parameters():
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    assert config["deployments"], "no deployments declared"
    for deployment in config["deployments"]:
        flow = load_flow_from_entrypoint(str(ROOT / deployment["entrypoint"]))
        accepted = set(inspect.signature(flow.fn).parameters)
        assert set(deployment.get("parameters", {})) <= accepted, deployment["name"]
        assert deployment["work_pool"]["name"] == "newsflow"


def test_ingest_runs_every_15_minutes_one_at_a_time():
    (ingest,) = [
        d
        for d in yaml.safe_load((ROOT / "prefect.yaml").read_text())["deployments"]
        if d["name"] == "ingest"
    ]
    assert ingest["schedules"][0]["cron"] == "*/15 * * * *"
    assert ingest["concurrency_limit"] == {"limit": 1, "collision_strategy": "CANCEL_NEW"}

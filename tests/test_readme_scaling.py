"""The README's shard deployments are deployments of the ingest flow that cover every shard."""

import inspect
import re
from pathlib import Path

from prefect.flows import load_flow_from_entrypoint

from newsflow.flows.deployments import read_specs
from newsflow.transforms.shards import parse_shard

ROOT = Path(__file__).parents[1]


def shard_snippet() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("### 2. Shards") :]
    match = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert match, "no prefect.yaml example in the README's shard section"
    return match[1]


def test_the_readmes_shard_deployments_poll_every_source_once(tmp_path):
    path = tmp_path / "prefect.yaml"
    path.write_text(shard_snippet())
    specs = read_specs(path)
    assert len(specs) >= 2
    for spec in specs:
        flow = load_flow_from_entrypoint(str(ROOT / spec.entrypoint))
        assert flow.name == "ingest"
        assert set(spec.parameters) <= set(inspect.signature(flow.fn).parameters), spec.name
        assert spec.crons and (spec.limit, spec.collision_strategy) == (1, "CANCEL_NEW")
    shards = [parse_shard(spec.parameters["shard"]) for spec in specs]
    assert {s.count for s in shards} == {len(shards)}
    assert sorted(s.index for s in shards) == list(range(len(shards)))

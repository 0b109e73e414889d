"""The deployments of `prefect.yaml`, read once and served two ways: by a worker after
`prefect deploy`, or in one process by `newsflow serve` (same flows, schedules and limits)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from newsflow.errors import ConfigError

PREFECT_FILE = Path("prefect.yaml")


@dataclass(frozen=True)
class DeploymentSpec:
    """One deployment of prefect.yaml, as newsflow needs it."""

    name: str
    entrypoint: str  # path/to/file.py:flow_function
    parameters: Mapping[str, Any] = field(default_factory=dict)
    crons: tuple[tuple[str, str], ...] = ()  # (cron expression, timezone)
    limit: int | None = None  # at most this many runs at once
    collision_strategy: str = "ENQUEUE"  # or CANCEL_NEW
    description: str | None = None


def read_specs(path: Path = PREFECT_FILE) -> list[DeploymentSpec]:
    """The deployments declared in a prefect.yaml file."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the deployments: {exc}") from None
    return [_spec(raw, path) for raw in document.get("deployments") or []]


def _spec(raw: Mapping[str, Any], path: Path) -> DeploymentSpec:
    """One deployment entry."""
    if not raw.get("name") or not raw.get("entrypoint"):
        raise ConfigError(f"{path}: every deployment needs a name and an entrypoint")
    limit = raw.get("concurrency_limit")
    if isinstance(limit, int):
        limit = {"limit": limit}
    return DeploymentSpec(
        name=str(raw["name"]),
        entrypoint=str(raw["entrypoint"]),
        parameters=dict(raw.get("parameters") or {}),
        crons=tuple(
            (str(s["cron"]), str(s.get("timezone", "UTC")))
            for s in raw.get("schedules") or []
            if s.get("cron")
        ),
        limit=int(limit["limit"]) if limit else None,
        collision_strategy=str((limit or {}).get("collision_strategy", "ENQUEUE")),
        description=raw.get("description"),
    )


def with_parameters(
    specs: Sequence[DeploymentSpec], overrides: Mapping[str, Any]
) -> list[DeploymentSpec]:
    """The specs with `overrides` applied to every deployment that takes those parameters."""
    return [
        DeploymentSpec(
            spec.name,
            spec.entrypoint,
            {**spec.parameters, **{k: v for k, v in overrides.items() if k in spec.parameters}},
            spec.crons,
            spec.limit,
            spec.collision_strategy,
            spec.description,
        )
        for spec in specs
    ]


def serve(specs: Sequence[DeploymentSpec]) -> None:
    """Run the deployments in this process until interrupted (`prefect.serve`)."""
    from prefect import serve as prefect_serve
    from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
    from prefect.flows import load_flow_from_entrypoint
    from prefect.schedules import Cron

    deployments = []
    for spec in specs:
        flow = load_flow_from_entrypoint(spec.entrypoint)
        limit = (
            ConcurrencyLimitConfig(
                limit=spec.limit,
                collision_strategy=ConcurrencyLimitStrategy(spec.collision_strategy),
            )
            if spec.limit
            else None
        )
        deployments.append(
            flow.to_deployment(
                name=spec.name,
                schedules=[Cron(cron, timezone=tz) for cron, tz in spec.crons] or None,
                parameters=dict(spec.parameters),
                concurrency_limit=limit,
                description=spec.description,
            )
        )
    prefect_serve(*deployments)

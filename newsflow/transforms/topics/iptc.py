"""The IPTC Media Topics taxonomy shipped with the package (derived by scripts/derive_iptc.py).

IPTC Media Topics, https://iptc.org, CC BY 4.0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

TAXONOMY_FILE = "iptc_mediatopics.json"


@dataclass(frozen=True)
class Concept:
    """One active Media Topic: code, parent code, level (1 = top) and labels by language."""

    code: str
    parent: str | None
    level: int
    labels: dict[str, str]

    def label(self, language: str | None) -> str:
        """The label in `language`, else the English one."""
        return self.labels.get(language or "en") or self.labels["en"]


@cache
def taxonomy() -> dict[str, Concept]:
    """Every active concept by code, read once per process."""
    raw = resources.files(__package__).joinpath(TAXONOMY_FILE).read_text(encoding="utf-8")
    return {
        c["code"]: Concept(c["code"], c["parent"], c["level"], c["labels"])
        for c in json.loads(raw)["concepts"]
    }


@cache
def ancestors(code: str) -> tuple[str, ...]:
    """The codes above `code`, nearest first (empty for a top-level topic)."""
    concepts, chain = taxonomy(), []
    parent = concepts[code].parent
    while parent:
        chain.append(parent)
        parent = concepts[parent].parent
    return tuple(chain)


def top_level() -> list[Concept]:
    """The 17 top-level topics, by code."""
    return sorted((c for c in taxonomy().values() if c.level == 1), key=lambda c: c.code)

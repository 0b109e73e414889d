"""Derive the IPTC Media Topics file shipped in the package from the official sheet.

    uv run python scripts/derive_iptc.py [--source ../shared/data/topics/iptc]

Keeps the active (not retired) concepts with their code, parent, level and labels in the
languages the taggers cover (en, fr, de, es), and writes them, one concept per line, to
newsflow/transforms/topics/iptc_mediatopics.json with the attribution IPTC's licence asks for.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "topics" / "iptc"
TARGET = ROOT / "newsflow" / "transforms" / "topics" / "iptc_mediatopics.json"
ATTRIBUTION = "IPTC Media Topics, https://iptc.org, CC BY 4.0"
LANGUAGES = {"en": "en-GB", "fr": "fr", "de": "de", "es": "es"}  # ours -> the sheet's key


def derive(sheet: dict[str, Any]) -> list[dict[str, Any]]:
    """The active concepts, reduced to what the taggers need, sorted by code."""
    concepts = []
    for topic in sheet["topics"]:
        if topic.get("retired"):
            continue
        labels = {
            ours: topic["labels"][theirs].strip()
            for ours, theirs in LANGUAGES.items()
            if topic["labels"].get(theirs, "").strip()
        }
        concepts.append(
            {
                "code": topic["qcode"],
                "parent": topic["parent"],
                "level": topic["level"],
                "labels": labels,
            }
        )
    return sorted(concepts, key=lambda c: c["code"])


def render(concepts: list[dict[str, Any]], source_note: str) -> str:
    """JSON with one concept per line, so that a diff shows which concepts changed."""
    lines = [json.dumps(c, ensure_ascii=False, sort_keys=True) for c in concepts]
    header = {
        "attribution": ATTRIBUTION,
        "derived_from": source_note,
        "generator": "scripts/derive_iptc.py",
    }
    head = json.dumps(header, ensure_ascii=False)[1:-1]
    return "{" + head + ',\n"concepts": [\n' + ",\n".join(lines) + "\n]}\n"


def main() -> None:
    """Read the sheet, write the derived file, print a one-line summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args()
    sheet = json.loads((args.source / "mediatopic.json").read_text(encoding="utf-8"))
    concepts = derive(sheet)
    TARGET.write_text(render(concepts, sheet.get("source", "")), encoding="utf-8")
    print(f"{len(concepts)} active concepts -> {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

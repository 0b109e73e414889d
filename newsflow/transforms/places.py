"""Countries and major cities an article names, in its language, offline.

Country names come from CLDR through Babel (`babel.Locale(language).territories`); demonyms,
other names and cities from `gazetteer.yaml`. Proper names count only when capitalised
("Chine", not "chine"); demonyms count in any case ("russe", "Russes"). A city mention counts
for its city and for its country, so that "coverage of Korea" includes "Pyongyang".
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import babel
import yaml

from newsflow.models import Entity
from newsflow.transforms.terms import Matcher, analysed, tokens

NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"})


@dataclass(frozen=True)
class PlaceRef:
    """What a pattern points to: kind, country code, English name, and whether it must be
    capitalised in the text."""

    kind: str
    code: str
    name: str
    proper: bool


@dataclass(frozen=True)
class Gazetteer:
    """A language's compiled place patterns and case-exact abbreviations."""

    matcher: Matcher
    refs: tuple[tuple[PlaceRef, ...], ...]
    exact: dict[str, str]


@cache
def gazetteer_data() -> dict[str, Any]:
    """The bundled gazetteer file."""
    raw = resources.files("newsflow.transforms").joinpath("gazetteer.yaml").read_text("utf-8")
    return dict(yaml.safe_load(raw))


@cache
def english_country_names() -> dict[str, str]:
    """ISO alpha-2 code -> English CLDR name, for countries only."""
    return {c: n for c, n in babel.Locale("en").territories.items() if _is_country(c)}


def _is_country(code: str) -> bool:
    """A two-letter territory code that is a country (not a region or a grouping)."""
    return len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES


def cldr_names(language: str) -> dict[str, str]:
    """Country code -> CLDR name in `language` (empty when Babel does not know the language)."""
    try:
        territories = babel.Locale.parse(language).territories
    except (ValueError, babel.UnknownLocaleError):
        return {}
    dropped = set(gazetteer_data()["drop"].get(language, ()))
    return {c: n for c, n in territories.items() if _is_country(c) and c not in dropped}


def _entries(language: str) -> list[tuple[str, PlaceRef]]:
    """(pattern, target) for every name, demonym and city a language's texts may use."""
    data, english = gazetteer_data(), english_country_names()
    entries = []
    for code, name in cldr_names(language).items():
        entries.append((" ".join(tokens(name)), PlaceRef("country", code, english[code], True)))
    for section, proper in (("names", True), ("demonyms", False)):
        for code, patterns in data[section].get(language, {}).items():
            ref = PlaceRef("country", code, english.get(code, code), proper)
            entries.extend(
                (" ".join(tokens(p)) + ("*" if p.endswith("*") else ""), ref) for p in patterns
            )
    for city, spec in data["cities"].items():
        ref = PlaceRef("city", spec["country"], city, True)
        entries.extend((" ".join(tokens(n)), ref) for n in spec["names"])
    return [(p, r) for p, r in entries if p]


@cache
def load_gazetteer(language: str) -> Gazetteer:
    """Compile a language's place patterns once per process."""
    targets: dict[str, set[PlaceRef]] = {}
    for pattern, ref in _entries(language):
        targets.setdefault(pattern, set()).add(ref)
    patterns = list(targets)
    refs = tuple(tuple(sorted(targets[p], key=lambda r: (r.kind, r.code))) for p in patterns)
    exact = {str(k): str(v) for k, v in gazetteer_data()["exact"].items()}
    return Gazetteer(Matcher(patterns), refs, exact)


def find_places(title: str, text: str, language: str | None) -> list[Entity]:
    """Countries and cities named in the article, most mentioned first."""
    gazetteer = load_gazetteer(language or "en")
    counts: Counter[tuple[str, str, str]] = Counter()
    english = english_country_names()
    for part in (title, text):
        words, folded = analysed(part)
        for match in gazetteer.matcher.find(folded):
            for ref in gazetteer.refs[match.term]:
                if ref.proper and not words[match.start][0].isupper():
                    continue
                counts[(ref.kind, ref.code, ref.name)] += 1
                if ref.kind == "city":
                    counts[("country", ref.code, english.get(ref.code, ref.code))] += 1
        for word in words:
            if (code := gazetteer.exact.get(word)) is not None:
                counts[("country", code, english.get(code, code))] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Entity(kind=k, code=c, name=n, count=count) for (k, c, n), count in ranked]

"""Finding lexicon terms in text: accent-insensitive tokens, prefix/suffix/infix patterns, phrases.

A pattern is one or more space-separated parts matched against consecutive tokens:

    guerre        the token itself (after folding: lowercase, accents removed, ß -> ss)
    militar*      a token starting with "militar"
    *wahl         a token ending with "wahl" (German compounds: Landtagswahl)
    *wahlkampf*   a token containing "wahlkampf"
    coree du nord three tokens in a row; every part may carry its own wildcard

Matching is leftmost-longest and non-overlapping, so "nord coreen*" wins over "coreen*".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

WORD = re.compile(r"[^\W_]+")
_MARKS = re.compile(r"[\u0300-\u036f]")
MIN_STEM = 3
CACHE_TOKENS = 200_000
ANALYSED_TEXTS = 4  # an article's title and body, and the previous article's


@lru_cache(maxsize=200_000)
def fold(token: str) -> str:
    """Lowercase without accents (é -> e, ü -> u, ß -> ss): how tokens and patterns compare."""
    return _MARKS.sub("", unicodedata.normalize("NFKD", token.casefold()))


def tokens(text: str) -> list[str]:
    """The words of a text, as written (letters and digits; punctuation and hyphens split)."""
    return WORD.findall(text)


def folded_tokens(text: str) -> list[str]:
    """`[fold(t) for t in tokens(text)]`, computed on the whole text at once (faster)."""
    return fold_words(tokens(text))


@lru_cache(maxsize=ANALYSED_TEXTS)
def analysed(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words of a text and their folded forms, remembered for the last few texts: the
    topic tagger and the place finder read the same title and body of an article, and
    tokenizing and folding them is a third of what the two cost together."""
    words = tokens(text)
    return tuple(words), tuple(fold_words(words))


def fold_words(words: list[str]) -> list[str]:
    """`[fold(w) for w in words]`, computed on all of them at once: faster, and the words of
    an article do not fill `fold`'s cache (a worker's memory)."""
    joined = " ".join(words).casefold()
    if not joined.isascii():
        joined = _MARKS.sub("", unicodedata.normalize("NFKD", joined))
    folded = joined.split(" ")
    return folded if len(folded) == len(words) else [fold(w) for w in words]


@dataclass(frozen=True)
class Term:
    """A pattern and the indices of the units its parts must match, in order."""

    pattern: str
    units: tuple[int, ...]


@dataclass(frozen=True)
class Match:
    """One occurrence of a term: its index in the matcher, and the token span [start, end)."""

    term: int
    start: int
    end: int


class Matcher:
    """Compiled patterns; `find` returns their leftmost-longest occurrences in folded tokens."""

    def __init__(self, patterns: Iterable[str]) -> None:
        """Compile the patterns (order kept: a Match's `term` indexes `self.terms`)."""
        self._unit_ids: dict[str, int] = {}
        self.terms: list[Term] = [self._compile(p) for p in patterns]
        self._exact: dict[str, list[int]] = {}
        self._prefix: dict[int, dict[str, list[int]]] = {}
        self._suffix: dict[int, dict[str, list[int]]] = {}
        self._infix: list[tuple[str, int]] = []
        for unit, uid in self._unit_ids.items():
            self._index_unit(unit, uid)
        self._by_first: dict[int, list[int]] = {}
        for index, term in enumerate(self.terms):
            self._by_first.setdefault(term.units[0], []).append(index)
        for indices in self._by_first.values():
            indices.sort(key=lambda i: -len(self.terms[i].units))
        self._seen: dict[str, frozenset[int]] = {}  # token -> units; vocabularies are Zipfian

    def _compile(self, pattern: str) -> Term:
        """One pattern as a Term, its parts folded and registered as units."""
        parts = [fold(part) for part in pattern.split()]
        if not parts:
            raise ValueError(f"empty pattern {pattern!r}")
        for part in parts:
            if len(part.strip("*")) < (MIN_STEM if "*" in part else 1):
                raise ValueError(f"pattern part too short in {pattern!r}")
        units = tuple(self._unit_ids.setdefault(p, len(self._unit_ids)) for p in parts)
        return Term(pattern, units)

    def _index_unit(self, unit: str, uid: int) -> None:
        """File a unit under exact, prefix, suffix or infix lookup."""
        core = unit.strip("*")
        if unit.startswith("*") and unit.endswith("*"):
            self._infix.append((core, uid))
        elif unit.endswith("*"):
            self._prefix.setdefault(len(core), {}).setdefault(core, []).append(uid)
        elif unit.startswith("*"):
            self._suffix.setdefault(len(core), {}).setdefault(core, []).append(uid)
        else:
            self._exact.setdefault(core, []).append(uid)

    def _units_uncached(self, token: str) -> frozenset[int]:
        """Every unit a folded token matches."""
        found = list(self._exact.get(token, ()))
        for length, table in self._prefix.items():
            if len(token) >= length:
                found.extend(table.get(token[:length], ()))
        for length, table in self._suffix.items():
            if len(token) >= length:
                found.extend(table.get(token[-length:], ()))
        found.extend(uid for core, uid in self._infix if core in token)
        return frozenset(found)

    def units_of(self, token: str) -> frozenset[int]:
        """Every unit a folded token matches, remembered per process (bounded)."""
        found = self._seen.get(token)
        if found is None:
            if len(self._seen) >= CACHE_TOKENS:
                self._seen.clear()
            found = self._seen[token] = self._units_uncached(token)
        return found

    def find(self, folded: Sequence[str]) -> list[Match]:
        """Leftmost-longest, non-overlapping occurrences of the terms in a folded token list;
        terms of equal length at one position all match (a token can be two words' stem)."""
        seen, units_of = self._seen, self.units_of
        units = [seen[t] if t in seen else units_of(t) for t in folded]
        matches: list[Match] = []
        n, end = len(units), 0
        for i in compress(range(n), units):  # most tokens match no unit: skipped in C
            if i < end:
                continue  # inside the previous match
            found = self._longest_at(units, i, n)
            if found:
                matches.extend(found)
                end = found[0].end
        return matches

    def _longest_at(self, units: Sequence[frozenset[int]], i: int, n: int) -> list[Match]:
        """The longest terms starting at token i (several when they tie)."""
        best: list[Match] = []
        for first in units[i]:
            for index in self._by_first.get(first, ()):
                parts = self.terms[index].units
                end = i + len(parts)
                if end > n or (best and end < best[0].end):
                    continue
                if all(parts[k] in units[i + k] for k in range(1, len(parts))):
                    best = (
                        [*best, Match(index, i, end)]
                        if best and end == best[0].end
                        else [Match(index, i, end)]
                    )
        return best

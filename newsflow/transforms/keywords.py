"""Keywords of an article with YAKE (unsupervised, per-language stopwords, offline).

YAKE runs through `yake-rust`, the Rust implementation of the same algorithm: on 300 real news
pages it ranks the same keywords as the Python `yake` package for 97.5 % of them, at about a
sixth of the CPU time (bench/README.md, "Keywords").
"""

from __future__ import annotations

from functools import cache

import yake_rust

from newsflow.models import Entity

TOP = 10
MAX_NGRAM = 2
DEDUP_THRESHOLD = 0.8
# The title and lead carry the keywords; YAKE's cost grows with the text.
MAX_CHARS = 1500
_SPARE = 5  # candidates beyond TOP, so that a tie at the cut is decided the same everywhere
# The stopword lists yake-rust 1.2 ships (its constructor aborts on any other code), and the
# ISO 639-1 codes it spells otherwise.
STOPWORD_LANGUAGES = frozenset(
    [
        "ar",
        "bg",
        "br",
        "cz",
        "da",
        "de",
        "el",
        "en",
        "es",
        "et",
        "fa",
        "fi",
        "fr",
        "hi",
        "hr",
        "hu",
        "hy",
        "id",
        "it",
        "ja",
        "lt",
        "lv",
        "nl",
        "no",
        "pl",
        "pt",
        "ro",
        "ru",
        "sk",
        "sl",
        "sv",
        "tr",
        "uk",
        "zh",
    ]
)
_ALIASES = {"cs": "cz", "nb": "no", "nn": "no"}


@cache
def _extractor(language: str) -> yake_rust.Yake:
    """One extractor per language and process; a language without a stopword list gets none."""
    code = _ALIASES.get(language, language)
    if code in STOPWORD_LANGUAGES:
        return yake_rust.Yake(
            language=code, ngrams=MAX_NGRAM, deduplication_threshold=DEDUP_THRESHOLD
        )
    return yake_rust.Yake(
        stopwords=set(), ngrams=MAX_NGRAM, deduplication_threshold=DEDUP_THRESHOLD
    )


def find_keywords(title: str, text: str, language: str | None) -> list[Entity]:
    """Up to TOP keywords, most relevant first, with their mentions in title and text."""
    sample = _plain_apostrophes(f"{title}.\n{text}"[:MAX_CHARS])
    if not sample.strip():
        return []
    found = _ranked(_extractor(language or "en").get_n_best(sample, n=TOP + _SPARE))[:TOP]
    haystack = _plain_apostrophes(f"{title}\n{text}").lower()
    entities, seen = [], set()
    for phrase, score in found:
        key = phrase.lower()
        if key in seen:
            continue
        seen.add(key)
        count = mentions(haystack, key) or 1
        entities.append(Entity(kind="keyword", name=phrase, count=count, score=score))
    return entities


def _plain_apostrophes(text: str) -> str:
    """Typographic apostrophes as ASCII ones (`str.replace` scans in C; `str.translate` with a
    table costs a Python lookup per character: 0.2 ms on an average real page)."""
    return text.replace("\u2019", "'").replace("\u2018", "'")


def mentions(haystack: str, phrase: str) -> int:
    """Occurrences of a phrase as whole words (what `(?<!\\w)phrase(?!\\w)` finds, without
    compiling a pattern per phrase: that cost more than YAKE itself on long articles)."""
    count, size = 0, len(phrase)
    start = haystack.find(phrase) if phrase else -1
    while start >= 0:
        end = start + size
        if not _is_word(haystack, start - 1) and not _is_word(haystack, end):
            count += 1
            start = haystack.find(phrase, end)
        else:
            start = haystack.find(phrase, start + 1)
    return count


def _is_word(text: str, index: int) -> bool:
    """Whether the character at `index` (when there is one) is a word character to `re`."""
    return 0 <= index < len(text) and (text[index].isalnum() or text[index] == "_")


def _ranked(found: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """Keywords by score, then phrase, with scores rounded to 9 digits: yake-rust sums in an
    order that differs between processes, so the same text gets scores that differ in the last
    bits, and ties near the cut could swap; rounded and ordered, every process agrees."""
    return sorted(
        ((phrase, round(score, 9)) for phrase, score in found), key=lambda k: (k[1], k[0])
    )

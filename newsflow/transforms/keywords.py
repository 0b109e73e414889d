"""Keywords of an article with YAKE (unsupervised, per-language stopwords, offline)."""

from __future__ import annotations

import re
from functools import cache

import yake

from newsflow.models import Entity

TOP = 10
MAX_NGRAM = 2
# YAKE costs about 10 µs per character; the title and lead carry the keywords.
MAX_CHARS = 1500
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})  # typographic apostrophes


@cache
def _extractor(language: str) -> yake.KeywordExtractor:
    """One YAKE extractor per language and process (YAKE falls back to no stopwords)."""
    return yake.KeywordExtractor(lan=language, n=MAX_NGRAM, top=TOP, dedupLim=0.8)


def find_keywords(title: str, text: str, language: str | None) -> list[Entity]:
    """Up to TOP keywords, most relevant first, with their mentions in title and text."""
    sample = f"{title}.\n{text}"[:MAX_CHARS].translate(_APOSTROPHES)
    if not sample.strip():
        return []
    found = _extractor(language or "en").extract_keywords(sample)
    haystack = f"{title}\n{text}".translate(_APOSTROPHES).lower()
    entities, seen = [], set()
    for phrase, score in found:
        key = phrase.lower()
        if key in seen:
            continue
        seen.add(key)
        count = len(re.findall(rf"(?<!\w){re.escape(key)}(?!\w)", haystack)) or 1
        entities.append(Entity(kind="keyword", name=phrase, count=count, score=float(score)))
    return entities

"""One call per article for the ingest: topics, places and keywords (runs in worker processes)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from newsflow.errors import UnsupportedLanguage
from newsflow.models import Entity
from newsflow.transforms.keywords import find_keywords
from newsflow.transforms.places import find_places
from newsflow.transforms.topics import DEFAULT_TAGGER, Tag, get_tagger

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Enrichment:
    """What enrichment found in one article; `note` says what could not be done, if anything."""

    tags: tuple[Tag, ...]
    entities: tuple[Entity, ...]
    tagger: str
    tagger_version: str
    note: str | None = None


def enrich_article(
    title: str, text: str, language: str | None, tagger: str = DEFAULT_TAGGER
) -> Enrichment:
    """Topics, places and keywords of one article. A language the tagger does not cover gives
    no tags and a note; places and keywords are still found."""
    topic_tagger = get_tagger(tagger)
    tags: tuple[Tag, ...] = ()
    note = None
    try:
        tags = tuple(topic_tagger.tag(title, text, language or ""))
    except UnsupportedLanguage as exc:
        note = str(exc)
        logger.info("no topics: %s", note)
    entities = (*find_places(title, text, language), *find_keywords(title, text, language))
    return Enrichment(tags, entities, topic_tagger.name, topic_tagger.version, note)

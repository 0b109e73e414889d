"""Versions of one article: what changed when a known URL is fetched again with another text."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from newsflow.models import Article
from newsflow.transforms.dedup.text import normalise_text, text_hash

DIFF_CONTEXT = 1


@dataclass(frozen=True)
class Revision:
    """A changed text at a known URL: the new version and how it differs from the previous."""

    article_id: str
    seen_at: datetime
    title: str | None
    text: str
    markdown: str
    text_hash: str
    previous_hash: str
    title_changed: bool
    words_added: int
    words_removed: int
    diff: str  # unified diff of the plain text, one line per paragraph


def version_hash(article: Article) -> str:
    """The text hash a version is identified by (normalised, as for exact duplicates)."""
    return text_hash(normalise_text(article.text, article.language))


def detect_revision(old: Article, new: Article) -> Revision | None:
    """The revision from `old` to `new` (same article, fetched later), or None when neither the
    normalised text nor the headline changed (spacing, punctuation or case alone is no edit)."""
    old_hash, new_hash = version_hash(old), version_hash(new)
    title_changed = normalise_text(old.title or "") != normalise_text(new.title or "")
    if old_hash == new_hash and not title_changed:
        return None
    added, removed = word_changes(old.text, new.text)
    return Revision(
        article_id=new.article_id,
        seen_at=new.fetched_at,
        title=new.title,
        text=new.text,
        markdown=new.markdown,
        text_hash=new_hash,
        previous_hash=old_hash,
        title_changed=title_changed,
        words_added=added,
        words_removed=removed,
        diff=unified_diff(old, new),
    )


def word_changes(old: str, new: str) -> tuple[int, int]:
    """Words added and removed between two texts (as multisets of casefolded words)."""
    before, after = Counter(old.casefold().split()), Counter(new.casefold().split())
    return sum((after - before).values()), sum((before - after).values())


def unified_diff(old: Article, new: Article) -> str:
    """A unified diff of headline and paragraphs, for people to read."""
    lines = difflib.unified_diff(
        _lines(old), _lines(new), "previous", "revised", n=DIFF_CONTEXT, lineterm=""
    )
    return "\n".join(lines)


def _lines(article: Article) -> list[str]:
    """The headline, then one line per non-empty paragraph."""
    paragraphs = [line.strip() for line in article.text.splitlines() if line.strip()]
    return [f"# {article.title or ''}", *paragraphs]

"""What every topic tagger returns and promises: the `Tag` record and the `Tagger` protocol."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

SCHEME = "iptc-mediatopic"


@dataclass(frozen=True)
class Tag:
    """One topic of an article: an IPTC Media Topic with its label, score and evidence."""

    code: str  # e.g. 'medtop:16000000'
    label: str  # in the article's language (English when IPTC has no label in it)
    label_en: str
    score: float  # 0..1, higher is surer
    evidence: tuple[str, ...] = ()  # lexicon terms (or features) that triggered the tag
    level: int = 1  # 1 = one of the 17 top-level topics
    scheme: str = SCHEME


@runtime_checkable
class Tagger(Protocol):
    """A topic tagger: pure, offline, loaded once per process."""

    name: str
    version: str
    languages: frozenset[str]

    def tag(self, title: str, text: str, language: str) -> list[Tag]:
        """Topics of one article, best first; ancestors of every subtopic included.

        Raises `newsflow.errors.UnsupportedLanguage` when `language` is not in `languages`.
        """
        ...

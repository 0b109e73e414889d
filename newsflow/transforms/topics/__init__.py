"""Topic tagging with IPTC Media Topics: the `Tagger` protocol, the `Tag` record, a registry.

    get_tagger("lexicon").tag(title, text, "fr")  ->  [Tag(code='medtop:16000000', ...), ...]

Taggers are looked up by name; each is built once per process. The default, "lexicon", is
offline and covers en, fr, de and es (lexicons, and small linear models for en and fr);
"lexicon-only" is the same without the models. Other languages raise `UnsupportedLanguage`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from newsflow.errors import UnknownTagger, UnsupportedLanguage
from newsflow.transforms.topics.base import SCHEME, Tag, Tagger
from newsflow.transforms.topics.lexicon import LexiconOnlyTagger, LexiconTagger

__all__ = [
    "DEFAULT_TAGGER",
    "SCHEME",
    "Tag",
    "Tagger",
    "UnsupportedLanguage",
    "available_taggers",
    "get_tagger",
    "register_tagger",
]

DEFAULT_TAGGER = "lexicon"
_FACTORIES: dict[str, Callable[[], Tagger]] = {
    LexiconTagger.name: LexiconTagger,
    LexiconOnlyTagger.name: LexiconOnlyTagger,
}


def register_tagger(name: str, factory: Callable[[], Tagger]) -> None:
    """Make a tagger available under `name` (replacing any tagger of that name)."""
    _FACTORIES[name] = factory
    _build.cache_clear()


def available_taggers() -> list[str]:
    """The names `get_tagger` accepts, sorted."""
    return sorted(_FACTORIES)


def get_tagger(name: str = DEFAULT_TAGGER) -> Tagger:
    """The tagger registered under `name`, built once per process."""
    return _build(name)


@cache
def _build(name: str) -> Tagger:
    """Build a registered tagger (cached by name, so the default and its name share one)."""
    try:
        factory = _FACTORIES[name]
    except KeyError:
        known = ", ".join(available_taggers())
        raise UnknownTagger(f"no topic tagger named {name!r} (known: {known})") from None
    return factory()

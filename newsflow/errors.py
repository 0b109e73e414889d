"""Errors newsflow raises on purpose (most of them stop a run before it can start).

    NewsflowError
    ├── ConfigError          a feeds file or a setting is unusable
    │   └── UnknownTagger    no topic tagger is registered under that name
    ├── WarehouseError       the DuckDB file cannot be opened or migrated
    └── UnsupportedLanguage  a topic tagger does not cover the article's language

`UnsupportedLanguage` is raised by `Tagger.tag`; `enrich_article` turns it into a value
(`Enrichment.note`) so that the ingest records "not covered" and goes on.
Failures of single feeds or pages are not exceptions: they are recorded as values
(`FetchResult.error`, `ParsedFeed.error`) and the run goes on.
"""


class NewsflowError(Exception):
    """Base class of every error newsflow raises on purpose."""


class ConfigError(NewsflowError):
    """A configuration file or setting is invalid."""


class WarehouseError(NewsflowError):
    """The warehouse cannot be opened, migrated or written."""


class UnknownTagger(ConfigError):
    """No topic tagger is registered under the requested name."""


class UnsupportedLanguage(NewsflowError):
    """A topic tagger has no model or lexicon for the article's language."""

    def __init__(self, tagger: str, language: str | None) -> None:
        """Keep the tagger and the language so callers can record what was not covered."""
        super().__init__(f"language {language!r} not covered by tagger {tagger}")
        self.tagger = tagger
        self.language = language

"""Errors that stop a run before it can start.

    NewsflowError
    ├── ConfigError      a feeds file or a setting is unusable
    └── WarehouseError   the DuckDB file cannot be opened or migrated

Failures of single feeds or pages are not exceptions: they are recorded as values
(`FetchResult.error`, `ParsedFeed.error`) and the run goes on.
"""


class NewsflowError(Exception):
    """Base class of every error newsflow raises on purpose."""


class ConfigError(NewsflowError):
    """A configuration file or setting is invalid."""


class WarehouseError(NewsflowError):
    """The warehouse cannot be opened, migrated or written."""

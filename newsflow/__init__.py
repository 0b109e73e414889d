"""newsflow: news feeds to clean, analyst-ready articles in DuckDB."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newsflow")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

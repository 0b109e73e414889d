"""URL list files for backfills: one URL per line, or a CSV file with a `url` column.

The file is streamed: only a digest per URL is kept (for de-duplication), so a list of ten
million URLs costs the memory of its digests, not of its text.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from newsflow.errors import ConfigError

DELIMITERS = (",", ";", "\t")
URL_COLUMN = "url"


def read_url_list(path: Path) -> Iterator[str]:
    """The http(s) URLs of a list file, in order and without repeats.

    A file whose first non-blank line is a header with a `url` column (any case; comma,
    semicolon or tab separated) is read as CSV; any other file has one URL per line, where blank
    lines and `#` comments are skipped and text after the URL is ignored. A missing or
    unreadable file, or a CSV header without a url column, raises ConfigError at once; a line
    that is not UTF-8 raises it (with its number) when reached.
    """
    header = _first_line(path)
    delimiter = _csv_delimiter(header[1]) if header else None
    if header is None or delimiter is None:
        return _unique(_plain_urls(path))
    column = _url_column(path, header, delimiter)
    return _unique(_csv_urls(path, delimiter, column))


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of every line, decoded as UTF-8 (a leading BOM dropped)."""
    try:
        with path.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ConfigError(f"{path}: line {number} is not UTF-8 ({exc.reason})") from exc
                yield number, text.removeprefix("\ufeff") if number == 1 else text
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the URL list: {exc.strerror or exc}") from exc


def _first_line(path: Path) -> tuple[int, str] | None:
    """The first non-blank line and its number (None for an empty file)."""
    lines = _lines(path)
    try:
        return next(((n, text) for n, text in lines if text.strip()), None)
    finally:
        lines.close()


def _csv_delimiter(line: str) -> str | None:
    """The delimiter when the first line is a CSV header, None when it starts a plain list."""
    text = line.strip()
    if text.startswith("#") or is_http_url(text.split(maxsplit=1)[0]):
        return None
    if text.lower() == URL_COLUMN:
        return ","
    present = [d for d in DELIMITERS if d in text]
    with_url = [d for d in present if URL_COLUMN in _cells(text, d)]
    return (with_url or present or [None])[0]


def _cells(line: str, delimiter: str) -> list[str]:
    """Lower-cased, stripped cells of one CSV line."""
    row = next(csv.reader([line], delimiter=delimiter), [])
    return [cell.strip().lower() for cell in row]


def _url_column(path: Path, header: tuple[int, str], delimiter: str) -> int:
    """Index of the url column in the header; ConfigError when there is none."""
    number, text = header
    cells = _cells(text, delimiter)
    if URL_COLUMN not in cells:
        columns = ", ".join(cells)
        raise ConfigError(f"{path}: line {number}: CSV header has no url column ({columns})")
    return cells.index(URL_COLUMN)


def _plain_urls(path: Path) -> Iterator[str]:
    """The first token of every line that is neither blank nor a comment."""
    for _, text in _lines(path):
        tokens = text.split(maxsplit=1)
        if tokens and not tokens[0].startswith("#"):
            yield tokens[0]


def _csv_urls(path: Path, delimiter: str, column: int) -> Iterator[str]:
    """The url cell of every CSV row after the header."""
    texts = (text for _, text in _lines(path))
    rows = csv.reader((t for t in texts if t.strip()), delimiter=delimiter)
    next(rows, None)  # the header
    for row in rows:
        if len(row) > column:
            yield row[column].strip()


def _unique(candidates: Iterable[str]) -> Iterator[str]:
    """The http(s) URLs among `candidates`, first occurrence only."""
    seen: set[bytes] = set()
    for url in candidates:
        if not is_http_url(url):
            continue
        # a 16-byte digest takes less memory than most URLs, and collisions are negligible
        digest = hashlib.blake2b(url.encode("utf-8"), digest_size=16).digest()
        if digest not in seen:
            seen.add(digest)
            yield url


def is_http_url(value: str) -> bool:
    """Whether `value` is an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)

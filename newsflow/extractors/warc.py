"""The one module that reads and writes WARC (ISO 28500) files, with warcio.

Reading serves backfills from web archives such as Common Crawl's CC-NEWS; writing keeps raw
captures of what newsflow fetched. Both sides deal in `Capture` (one HTTP response with its
decoded body) and `CaptureRef` (where its record lives, for random access later).

Damage in a file does not end a read early: `read_captures` yields every whole record, skips a
damaged stretch to the next place a record starts (the next gzip member of a .warc.gz, the next
`WARC/1.x` line of a .warc), and raises `WarcError` after the last record, naming the file and
the byte offset where the damage starts. A backfill of many hours keeps the records after a
flipped bit, yet never takes a damaged file for a complete one. "Whole" means: as long as its
Content-Length and, in a .warc.gz, its gzip member ended and passed its CRC check (warcio itself
checks neither). An uncompressed .warc has no checksum: damage inside a payload goes unseen.
ARC files are not read. Brotli bodies are decoded only if the `brotli` package is installed.
"""

from __future__ import annotations

import logging
import os
import threading
import zlib
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import WARCIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from newsflow import __version__
from newsflow.errors import NewsflowError
from newsflow.models import FetchResult

LOGGER = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
CAPTURE_TYPES = ("response", "resource")
HTTP_SCHEMES = ("http://", "https://")
GZIP_MAGIC = b"\x1f\x8b\x08"
PLAIN_RECORD_START = b"\r\n\r\nWARC/1."  # a record's end, then the next one's version line
SCAN_CHUNK = 1024 * 1024
MAX_REGIONS = 20  # damaged regions kept for the error message; more are only counted
# gzip's own default: warcio compresses at level 9, which costs half as much CPU again for files
# 1 % smaller on news pages (2.3 against 1.6 ms per page, bench/README.md)
CAPTURE_GZIP_LEVEL = 6


class WarcError(NewsflowError):
    """A WARC file holds no readable record where one was expected."""

    def __init__(self, path: str, regions: list[tuple[int, str]], count: int | None = None) -> None:
        """Keep the file and its damaged regions (start offset, reason), first one first."""
        self.path = path
        self.regions = tuple(regions)
        self.offset = regions[0][0]
        self.count = count or len(regions)
        more = f"; {self.count - 1} more damaged region(s)" if self.count > 1 else ""
        super().__init__(f"{path}: unreadable from byte {self.offset}: {regions[0][1]}{more}")


@dataclass(frozen=True)
class Capture:
    """One archived HTTP response: what a server sent for a URL, body decoded."""

    url: str
    fetched_at: datetime  # UTC, from WARC-Date
    status: int | None  # None for a `resource` record, which has no HTTP status line
    content_type: str | None
    headers: tuple[tuple[str, str], ...]  # HTTP response headers as archived
    body: bytes  # without chunking and content-encoding; at most read_captures' max_bytes
    record_id: str | None = None
    ip: str | None = None


@dataclass(frozen=True)
class CaptureRef:
    """Where a capture's record lives: file, byte offset and length of the (gzip) record."""

    path: str
    offset: int
    length: int


def read_captures(
    path: Path, *, max_bytes: int = MAX_BYTES
) -> Iterator[tuple[CaptureRef, Capture]]:
    """Stream the http(s) `response` and `resource` records of a .warc or .warc.gz file.

    Other records (request, metadata, warcinfo, revisit, dns) are skipped. A body longer than
    `max_bytes` is cut to its first `max_bytes` (and logged) rather than loaded whole: only one
    record is held at a time. Damaged stretches are skipped where a later record can be found;
    after the last whole record, `WarcError` names the file and where the damage starts.
    """
    path = Path(path)
    size = path.stat().st_size
    regions: list[tuple[int, str]] = []
    count = 0
    with path.open("rb") as stream:
        gzipped = stream.read(len(GZIP_MAGIC)) == GZIP_MAGIC or ".gz" in path.suffixes
        start: int | None = 0
        while start is not None:
            stop = yield from _read_from(stream, str(path), start, size, max_bytes)
            if stop is None:
                break
            if stop.records or not count:  # else a false resync point inside the same damage
                count += 1
                if len(regions) < MAX_REGIONS:
                    regions.append((stop.offset, stop.reason))
            # from just after the last good record: in a damaged .warc, warcio can misjudge a
            # record's length and stop (stop.offset) past the start of the next one
            start = _next_record_start(stream, stop.last_good + 1, gzipped)
    if count:
        raise WarcError(str(path), regions, count)


def read_capture(ref: CaptureRef, *, max_bytes: int = MAX_BYTES) -> Capture:
    """The capture whose record starts at `ref.offset`; WarcError if there is none."""
    with open(ref.path, "rb") as stream:
        stream.seek(ref.offset)
        records = WARCIterator(stream)  # WARC only: no guessing at ARC in damaged bytes
        try:
            record = next(records)
            capture = _capture(record, max_bytes)
            records.get_record_length()  # reads to the record's end, to see it is whole
            problem = _incomplete(records, record)
        except OSError:
            raise  # a failing disk is no damage in the file
        except Exception as exc:  # warcio meets damaged bytes with errors of many kinds
            raise WarcError(ref.path, [(ref.offset, _reason(exc))]) from exc
    if problem:
        raise WarcError(ref.path, [(ref.offset, problem)])
    if capture is None:
        raise WarcError(ref.path, [(ref.offset, f"a {record.rec_type} record, no capture")])
    return capture


@dataclass(frozen=True)
class _Stop:
    """Where and why a read stopped before the end of the file."""

    offset: int  # where warcio met the damage
    reason: str
    last_good: int  # start of the last whole record read since the (re)start, else the start
    records: int  # whole records read since the (re)start


def _read_from(
    stream: BinaryIO, path: str, start: int, size: int, max_bytes: int
) -> Generator[tuple[CaptureRef, Capture], None, _Stop | None]:
    """Yield the captures from byte `start` on; return None at a clean end of the file."""
    stream.seek(start)
    records = WARCIterator(stream)  # WARC only: no guessing at ARC in damaged bytes
    last_good, read = start, 0
    try:
        for record in records:
            offset = records.offset
            capture = _capture(record, max_bytes)
            length = records.get_record_length()
            problem = _incomplete(records, record)
            if problem:
                return _Stop(offset, problem, last_good, read)
            last_good, read = max(offset, last_good), read + 1
            if capture is not None:
                yield CaptureRef(path, offset, length), capture
    except OSError:
        raise  # a failing disk is no damage in the file
    except Exception as exc:  # warcio meets damaged bytes with errors of many kinds
        return _Stop(max(records.offset, start), _reason(exc), last_good, read)
    if records.offset < size:  # warcio ends quietly at a gzip member cut short
        return _Stop(records.offset, "incomplete record at the end of the file", last_good, read)
    return None


class _InvalidRecord(Exception):
    """A record lacks a field the WARC standard requires (a damaged header, most likely)."""


def _capture(record: Any, max_bytes: int) -> Capture | None:
    """The capture in a warcio record, body read up to max_bytes; None for other records."""
    warc = record.rec_headers
    url = warc.get_header("WARC-Target-URI") or ""
    if not record.rec_type:
        raise _InvalidRecord("record without WARC-Type")
    if record.rec_type not in CAPTURE_TYPES or not url.lower().startswith(HTTP_SCHEMES):
        return None
    fetched_at = _warc_date(warc.get_header("WARC-Date"))
    if fetched_at is None:
        raise _InvalidRecord(f"record of {url} without a valid WARC-Date")
    http = record.http_headers
    if record.rec_type == "resource":  # no HTTP message: the record itself is the payload
        content_type = warc.get_header("Content-Type")
    else:
        content_type = http.get_header("Content-Type") if http else None
    content = record.content_stream()
    body = content.read(max_bytes)
    if content.read(1):
        LOGGER.warning("body of %s cut to %s bytes", url, max_bytes)
    return Capture(
        url=url,
        fetched_at=fetched_at,
        status=_status(http),
        content_type=content_type,
        headers=tuple((str(name), str(value)) for name, value in http.headers) if http else (),
        body=body,
        record_id=warc.get_header("WARC-Record-ID"),
        ip=warc.get_header("WARC-IP-Address"),
    )


def _status(http: StatusAndHeaders | None) -> int | None:
    """The status code of an HTTP status line, when it is one."""
    if not http:
        return None
    code = http.get_statuscode()
    return int(code) if code.isdigit() else None


def _warc_date(value: str | None) -> datetime | None:
    """A WARC-Date (ISO 8601, UTC, optional fraction) as an aware datetime."""
    try:
        return iso_date_to_datetime(value, tz_aware=True) if value else None
    except (TypeError, ValueError):
        return None


def _incomplete(records: WARCIterator, record: Any) -> str | None:
    """Why a record that warcio has read to its end is not whole, if it is not."""
    if record.length is None:  # mandatory; missing when the file ends inside the headers
        return "record without Content-Length"
    stream = record.raw_stream
    if isinstance(stream, LimitReader) and stream.limit > 0:
        return "record cut short"  # the file ended, or its gzip member broke, before the end
    # warcio does not check that a record's gzip member ended (and so passed its CRC check);
    # its reader still holds the member's zlib object until the next record is asked for
    member = records.reader.decompressor
    if member is not None and not member.eof:
        return (
            "gzip member cut short or corrupt, or a file gzipped as a whole (`warcio recompress`)"
        )
    return None


def _reason(exc: BaseException) -> str:
    """The first line of an error from warcio, short and printable."""
    if isinstance(exc, StopIteration):
        return "no record"
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else ""
    if "non-chunked gzip" in text:
        text = "gzipped as a whole, not record by record (`warcio recompress` fixes that)"
    elif not isinstance(exc, ArchiveLoadFailed | _InvalidRecord):
        text = f"{type(exc).__name__}: {text}"
    return ascii(text[:120])[1:-1]


def _next_record_start(stream: BinaryIO, start: int, gzipped: bool) -> int | None:
    """The offset of the next place from `start` on where a record may begin, if any."""
    marker, skip = (GZIP_MAGIC, 0) if gzipped else (PLAIN_RECORD_START, 4)
    stream.seek(start)
    position, tail = start, b""
    while chunk := stream.read(SCAN_CHUNK):
        window = tail + chunk
        found = window.find(marker)
        if found >= 0:
            return position - len(tail) + found + skip
        tail = window[-(len(marker) - 1) :]
        position += len(chunk)
    return None


class _GzipMember:
    """A stream that writes everything up to its `flush` as one gzip member into `out`."""

    def __init__(self, out: BinaryIO, level: int) -> None:
        self.out = out
        self.compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)

    def write(self, data: bytes) -> None:
        self.out.write(self.compressor.compress(data))

    def flush(self) -> None:
        self.out.write(self.compressor.flush())
        self.out.flush()


class _CaptureWARCWriter(WARCWriter):  # type: ignore[misc]
    """warcio's writer with every record its own gzip member at CAPTURE_GZIP_LEVEL."""

    def __init__(self, out: BinaryIO) -> None:
        super().__init__(out, gzip=False, warc_version="1.1")

    def write_record(self, record: Any, params: Any = None) -> None:
        self._write_warc_record(_GzipMember(self.out, CAPTURE_GZIP_LEVEL), record)


@dataclass
class _OpenFile:
    """The file a CaptureWriter is writing now."""

    path: Path  # its name once closed
    stream: BinaryIO
    writer: WARCWriter


class CaptureWriter:
    """Writes fetched pages as `response` records into gzip-compressed WARC/1.1 files.

    Files are named `{prefix}-{UTC timestamp}-{serial:05d}.warc.gz` and carry a `.open` suffix
    until closed, so a killed process leaves a clearly partial file; each record is flushed as it
    is written, so `read_captures` reads such a file up to its last record. A new file starts
    once the current one reaches `max_file_bytes`. Safe to share between threads.
    """

    def __init__(
        self, folder: Path, prefix: str = "newsflow", max_file_bytes: int = 1_000_000_000
    ) -> None:
        """Write into `folder` (created when the first record comes)."""
        self.folder = Path(folder)
        self.prefix = prefix
        self.max_file_bytes = max_file_bytes
        self._serial = 0
        self._lock = threading.Lock()
        self._file: _OpenFile | None = None

    def __enter__(self) -> CaptureWriter:
        """Use as a context manager; leaving it closes the current file."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the current file, even after an error: the records in it are whole."""
        self.close()

    @property
    def open_path(self) -> Path | None:
        """The `.open` file being written now, if any."""
        return None if self._file is None else _open_name(self._file.path)

    def write(self, result: FetchResult) -> CaptureRef | None:
        """Archive the response in `result`; None when no response arrived (no status).

        The ref names the file as it is called once closed.
        """
        if result.status is None:
            return None
        with self._lock:
            current = self._file or self._start_file()
            offset = current.stream.tell()
            current.writer.write_record(_response_record(current.writer, result))
            end = current.stream.tell()
            if end >= self.max_file_bytes:
                self._finish_file()
        return CaptureRef(str(current.path), offset, end - offset)

    def flush(self) -> None:
        """Push the current file to disk (each record already reaches the OS when written)."""
        with self._lock:
            if self._file is not None:
                self._file.stream.flush()
                os.fsync(self._file.stream.fileno())

    def close(self) -> None:
        """Close the current file and drop its `.open` suffix."""
        with self._lock:
            self._finish_file()

    def _start_file(self) -> _OpenFile:
        """Open the next file under a name no other file has, and write its warcinfo."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
        while True:
            path = self.folder / f"{self.prefix}-{stamp}-{self._serial:05d}.warc.gz"
            self._serial += 1
            try:
                if not path.exists():
                    stream = _open_name(path).open("xb")
                    break
            except FileExistsError:  # another writer took the name
                continue
        writer = _CaptureWARCWriter(stream)
        info = {"software": f"newsflow/{__version__}", "format": "WARC File Format 1.1"}
        writer.write_record(writer.create_warcinfo_record(path.name, info))
        self._file = _OpenFile(path, stream, writer)
        return self._file

    def _finish_file(self) -> None:
        """Close the current file, if any, and rename it to its final name."""
        if self._file is None:
            return
        self._file.stream.close()
        _open_name(self._file.path).rename(self._file.path)
        self._file = None


def write_captures(
    folder: Path, results: Iterable[FetchResult], *, prefix: str = "newsflow"
) -> list[CaptureRef | None]:
    """Archive many fetch results into `folder`; one ref (or None) per result, in order."""
    with CaptureWriter(folder, prefix) as writer:
        return [writer.write(result) for result in results]


def _open_name(path: Path) -> Path:
    """The name a WARC file has while it is being written."""
    return path.with_name(path.name + ".open")


def _response_record(writer: WARCWriter, result: FetchResult) -> Any:
    """A WARC `response` record for a fetch result, digests computed by warcio."""
    date = result.fetched_at
    date = date.astimezone(UTC) if date.tzinfo else date  # naive times are taken as UTC
    return writer.create_warc_record(
        result.final_url or result.url,
        "response",
        payload=BytesIO(result.body),
        length=len(result.body),
        warc_headers_dict={
            "WARC-Date": datetime_to_iso_date(date.replace(tzinfo=None), use_micros=True)
        },
        http_headers=_http_headers(result),
    )


def _http_headers(result: FetchResult) -> StatusAndHeaders:
    """An HTTP/1.1 status line and headers rebuilt from a fetch result.

    The body is stored decoded, so no Content-Encoding or Transfer-Encoding is written: readers
    must not decode it again.
    """
    status = result.status or 0
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    named = (
        ("Content-Type", result.content_type),
        ("ETag", result.etag),
        ("Last-Modified", result.last_modified),
    )
    headers = [(name, _one_line(value)) for name, value in named if value]
    headers.append(("Content-Length", str(len(result.body))))
    return StatusAndHeaders(f"{status} {phrase}", headers, protocol="HTTP/1.1")


def _one_line(value: str) -> str:
    """A header value that cannot break the record's header block."""
    return value.replace("\r", " ").replace("\n", " ")

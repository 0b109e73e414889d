"""The one module that speaks HTTP: polite, bounded, SSRF-safe fetching with aiohttp.

Failures are values, not exceptions: every attempt returns a `FetchResult` whose
`error_class` says what went wrong, one of

    blocked        scheme other than http(s), or an address on a private network
    invalid_url    unparsable or overlong URL
    dns            the host name does not resolve
    connection     refused, reset or dropped connection
    tls            certificate or handshake failure
    timeout        connect, read or total time limit reached
    too_large      body above the size cap (checked while streaming, after decompression)
    decode         corrupt compressed body
    redirects      too many redirects, or a redirect loop
    http           the server answered with a status >= 400
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import ResolveResult
from aiohttp.resolver import ThreadedResolver

from newsflow.models import FetchRequest, FetchResult

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
CHUNK_SIZE = 64 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and manners of every request."""

    user_agent: str
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host: int = 4
    concurrency: int = 64
    allow_private: bool = False
    allowed_networks: tuple[str, ...] = ()  # private ranges allowed when allow_private is off
    max_url_length: int = 2048
    host_delay: float = 1.0  # seconds between two requests to the same host
    obey_robots: bool = True  # article pages only; feeds are meant to be polled


class HostPacer:
    """Process-wide minimum interval between requests to one host, shared by every batch and
    thread: each request reserves the next free slot of its host and sleeps until then."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}
        self._delays: dict[str, float] = {}
        self._lock = threading.Lock()

    def set_delay(self, host: str, seconds: float) -> None:
        """A host-specific interval (e.g. robots.txt Crawl-delay), used when longer."""
        with self._lock:
            self._delays[host] = seconds

    def reserve(self, host: str, delay: float) -> float:
        """Seconds to wait before this request may start."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + max(delay, self._delays.get(host, 0.0))
            return slot - now


PACER = HostPacer()


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date."""
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - (now or datetime.now(UTC))).total_seconds())


def freshness(headers: Any) -> float | None:
    """Seconds the response stays fresh: Cache-Control max-age (s-maxage ignored), else
    Expires minus Date. None when the server says nothing or forbids caching."""
    control = headers.get("Cache-Control", "")
    directives = {}
    for part in control.split(","):
        key, _, value = part.strip().partition("=")
        directives[key.lower()] = value.strip('"')
    if "no-store" in directives or "no-cache" in directives:
        return None
    if directives.get("max-age", "").isdigit():
        return float(directives["max-age"])
    expires = headers.get("Expires")
    if not expires:
        return None
    try:
        end = parsedate_to_datetime(expires)
        start = parsedate_to_datetime(headers["Date"]) if headers.get("Date") else None
    except (TypeError, ValueError):
        return None  # "Expires: 0" and other invalid dates mean already expired
    if end.tzinfo is None:
        return None
    return max(0.0, (end - (start or datetime.now(UTC))).total_seconds())


class FetchFailure(Exception):
    """Internal: carries an error class and message up to the result."""

    def __init__(self, error_class: str, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.status = status


def fetch_many(requests: Sequence[FetchRequest], policy: FetchPolicy) -> list[FetchResult]:
    """Fetch every request concurrently within the policy; results keep the input order."""
    if not requests:
        return []
    return asyncio.run(_fetch_all(requests, policy))


def refusal(
    url: str, allow_private: bool, max_length: int = 2048, allowed: tuple[str, ...] = ()
) -> tuple[str, str] | None:
    """(error class, reason) when this URL must not be fetched, else None.

    Names are checked after DNS resolution by `GuardedResolver`; literal addresses here.
    """
    if len(url) > max_length:
        return "invalid_url", f"URL longer than {max_length} characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:
        return "invalid_url", f"unparsable URL: {exc}"
    if parts.scheme not in ("http", "https"):
        return "blocked", f"scheme {parts.scheme or '(none)'!r} is not http or https"
    if not host:
        return "invalid_url", "URL has no host"
    if allow_private:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if is_public(address) or in_networks(address, allowed):
        return None
    return "blocked", f"{address} is not a public address"


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(address: IPAddress) -> bool:
    """True for globally routable unicast addresses (no loopback, private, link-local, metadata)."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def in_networks(address: IPAddress, networks: tuple[str, ...]) -> bool:
    """Is the address inside one of the CIDR ranges?"""
    return any(address in ipaddress.ip_network(n, strict=False) for n in networks)


class BlockedAddress(Exception):
    """A host name resolved only to non-public addresses."""


class GuardedResolver(ThreadedResolver):
    """Resolves names and drops non-public addresses, so redirects and DNS tricks are covered."""

    def __init__(self, allowed: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._allowed = allowed

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        """Resolve `host`; raise BlockedAddress when no public address remains."""
        results = await super().resolve(host, port, family)
        public = [
            r
            for r in results
            if is_public(address := ipaddress.ip_address(r["host"]))
            or in_networks(address, self._allowed)
        ]
        if not public:
            addresses = ", ".join(sorted({r["host"] for r in results}))
            raise BlockedAddress(f"{host} resolves to non-public address {addresses}")
        return public


async def _fetch_all(requests: Sequence[FetchRequest], policy: FetchPolicy) -> list[FetchResult]:
    """Open one session for the batch and run every request in it."""
    connector = aiohttp.TCPConnector(
        limit=0,  # concurrency is enforced by `Slots`, before any timeout starts
        limit_per_host=0,
        resolver=None if policy.allow_private else GuardedResolver(policy.allowed_networks),
        ttl_dns_cache=300,
    )
    timeout = aiohttp.ClientTimeout(
        total=None, connect=policy.connect_timeout, sock_read=policy.read_timeout
    )
    headers = {"User-Agent": policy.user_agent, "Accept-Encoding": "gzip, deflate"}
    async with aiohttp.ClientSession(
        connector=connector,
        timeout=timeout,
        headers=headers,
        auto_decompress=False,
        cookie_jar=aiohttp.DummyCookieJar(),
    ) as session:
        slots = Slots(policy.concurrency, policy.per_host)
        return await asyncio.gather(*(_fetch_one(session, r, policy, slots) for r in requests))


class Slots:
    """Concurrency limits of one batch, in all and per host. A request waits for its slots
    before its clock starts, so a queue behind a slow server never reads as a timeout."""

    def __init__(self, total: int, per_host: int) -> None:
        self._total = asyncio.Semaphore(max(1, total))
        self._per_host = max(1, per_host)
        self._hosts: dict[str, asyncio.Semaphore] = {}

    @asynccontextmanager
    async def hold(self, host: str) -> AsyncIterator[None]:
        """Hold one slot for `host` (and one overall) while the block runs."""
        semaphore = self._hosts.setdefault(host, asyncio.Semaphore(self._per_host))
        async with semaphore, self._total:
            yield


async def _fetch_one(
    session: aiohttp.ClientSession, request: FetchRequest, policy: FetchPolicy, slots: Slots
) -> FetchResult:
    """One request with redirects, limits and error classification; never raises."""
    host = _host(request.url)
    async with slots.hold(host):
        # politeness first: waiting for the host's next slot is not the server's time
        await asyncio.sleep(PACER.reserve(host, policy.host_delay))
        return await _timed_fetch(session, request, policy)


async def _timed_fetch(
    session: aiohttp.ClientSession, request: FetchRequest, policy: FetchPolicy
) -> FetchResult:
    """The request under the total timeout, its failures classified."""
    started, fetched_at = time.perf_counter(), datetime.now(UTC)
    sent_validators = bool(request.etag or request.last_modified)
    try:
        async with asyncio.timeout(policy.total_timeout):
            outcome = await _follow(session, request, policy)
    except FetchFailure as exc:
        outcome = {"error_class": exc.error_class, "error": str(exc), "status": exc.status}
    except TimeoutError:
        outcome = {"error_class": "timeout", "error": _timeout_message(policy)}
    except Exception as exc:  # every other failure is classified, never raised
        outcome = {"error_class": _classify(exc), "error": _describe(exc)}
    return FetchResult(
        url=request.url,
        kind=request.kind,
        source=request.source,
        fetched_at=fetched_at,
        elapsed_ms=round((time.perf_counter() - started) * 1000, 2),
        sent_validators=sent_validators,
        **outcome,
    )


async def _follow(
    session: aiohttp.ClientSession, request: FetchRequest, policy: FetchPolicy
) -> dict[str, Any]:
    """Follow redirects by hand so that every hop is checked; return the result fields."""
    url, seen = request.url, {request.url}
    moved_to, all_permanent = None, True
    headers = _conditional_headers(request)
    for _hop in range(policy.max_redirects + 1):
        refused = refusal(url, policy.allow_private, policy.max_url_length, policy.allowed_networks)
        if refused:
            raise FetchFailure(*refused)
        async with session.get(url, headers=headers, allow_redirects=False) as response:
            location = response.headers.get("Location")
            if response.status not in REDIRECT_STATUSES or not location:
                return await _read_response(response, url, moved_to, policy)
            target = urljoin(url, location)
            all_permanent = all_permanent and response.status in PERMANENT_REDIRECTS
            moved_to = target if all_permanent else moved_to
            if target in seen:
                raise FetchFailure("redirects", f"redirect loop back to {target}")
            seen.add(target)
            url = target
    raise FetchFailure("redirects", f"more than {policy.max_redirects} redirects")


def _conditional_headers(request: FetchRequest) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the stored validators, sent verbatim."""
    headers = {}
    if request.etag:
        headers["If-None-Match"] = request.etag
    if request.last_modified:
        headers["If-Modified-Since"] = request.last_modified
    return headers


async def _read_response(
    response: aiohttp.ClientResponse, url: str, moved_to: str | None, policy: FetchPolicy
) -> dict[str, Any]:
    """Read a final response's body within the cap and describe it."""
    fields: dict[str, Any] = {
        "final_url": url,
        "status": response.status,
        "content_type": response.headers.get("Content-Type"),
        "etag": response.headers.get("ETag"),
        "last_modified": response.headers.get("Last-Modified"),
        "permanent_redirect": moved_to,
        "max_age": freshness(response.headers),
    }
    if response.status == 304:
        return fields
    if response.status in (429, 503):
        fields["retry_after"] = retry_after_seconds(response.headers.get("Retry-After"))
    if response.status >= 400:
        fields.update(error_class="http", error=f"HTTP {response.status} {response.reason or ''}")
        fields["error"] = fields["error"].strip()
        return fields
    body, wire_bytes = await _read_body(response, policy.max_bytes)
    fields.update(body=body, wire_bytes=wire_bytes)
    return fields


async def _read_body(response: aiohttp.ClientResponse, max_bytes: int) -> tuple[bytes, int]:
    """Stream the body, decompressing as it comes, and stop as soon as it passes the cap."""
    declared = response.content_length
    encoding = response.headers.get("Content-Encoding", "").strip().lower()
    if declared is not None and declared > max_bytes and encoding in ("", "identity"):
        raise FetchFailure(
            "too_large", f"Content-Length {declared} exceeds {max_bytes} bytes", response.status
        )
    decoder = _decoder(encoding)
    parts: list[bytes] = []
    size = wire = 0
    async for chunk in response.content.iter_chunked(CHUNK_SIZE):
        wire += len(chunk)
        data = decoder(chunk, max_bytes - size + 1)
        size += len(data)
        if size > max_bytes:
            raise FetchFailure("too_large", f"body exceeds {max_bytes} bytes", response.status)
        parts.append(data)
    return b"".join(parts), wire


def _decoder(encoding: str) -> Any:
    """A function (chunk, limit) -> bytes that decompresses at most `limit` bytes at a time."""
    if encoding in ("", "identity"):
        return lambda chunk, _limit: chunk
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchFailure("decode", f"unsupported Content-Encoding {encoding!r}")
    state = {"inflater": zlib.decompressobj(zlib.MAX_WBITS | 32), "raw_tried": False}

    def decode(chunk: bytes, limit: int) -> bytes:
        try:
            data = state["inflater"].decompress(chunk, limit)
        except zlib.error as exc:
            if encoding == "deflate" and not state["raw_tried"]:  # raw deflate, no zlib header
                state["raw_tried"] = True
                state["inflater"] = zlib.decompressobj(-zlib.MAX_WBITS)
                return decode(chunk, limit)
            raise FetchFailure("decode", f"corrupt {encoding} body: {exc}") from None
        if state["inflater"].unconsumed_tail:  # more output than the cap allows: a bomb
            raise FetchFailure("too_large", f"decompressed body exceeds the cap ({encoding})")
        return data

    return decode


def _classify(exc: BaseException) -> str:
    """Map an exception raised while fetching to an error class."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(exc, BlockedAddress) or isinstance(cause, BlockedAddress):
        return "blocked"
    checks: list[tuple[type[BaseException] | tuple[type[BaseException], ...], str]] = [
        ((aiohttp.ClientSSLError, aiohttp.ClientConnectorCertificateError), "tls"),
        (aiohttp.ClientConnectorDNSError, "dns"),
        (aiohttp.InvalidURL, "invalid_url"),
        (asyncio.TimeoutError, "timeout"),
        ((aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, OSError), "connection"),
        (aiohttp.ClientResponseError, "http"),
        (UnicodeError, "invalid_url"),
    ]
    for kinds, name in checks:
        if isinstance(exc, kinds):
            return name
    return "connection"


def _describe(exc: BaseException) -> str:
    """A one-line message naming the exception and, when useful, its cause."""
    cause = exc.__cause__ or exc.__context__
    if isinstance(cause, BlockedAddress):
        return str(cause)
    text = str(exc) or repr(exc)
    return f"{type(exc).__name__}: {text}"


def _host(url: str) -> str:
    """host[:port] of a URL, or '' when it has none."""
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def _timeout_message(policy: FetchPolicy) -> str:
    """Say which limits applied, since asyncio does not tell which one fired."""
    return (
        f"timed out (total {policy.total_timeout:g}s, connect {policy.connect_timeout:g}s, "
        f"read {policy.read_timeout:g}s)"
    )

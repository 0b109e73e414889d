"""URL identity: canonical form of an article URL and the stable id derived from it."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit, urlunsplit

from courlan import normalize_url


def canonical_url(url: str) -> str:
    """Normalise a URL: lower-case scheme and host, no default port, sorted query without
    tracking parameters (utm_*, fbclid, gclid, …), no fragment."""
    try:
        normalised = normalize_url(url.strip())
    except (ValueError, TypeError):
        normalised = url.strip()
    parts = urlsplit(normalised)
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))


def article_id(canonical: str) -> str:
    """Stable 128-bit hex id of a canonical URL."""
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=16).hexdigest()


def choose_canonical(fetched_url: str, declared_url: str | None) -> str:
    """The page's declared canonical URL when it stays on the same host, else the fetched one.

    A page may not claim another site's identity: a declared URL on a different host is ignored.
    """
    fetched = canonical_url(fetched_url)
    if not declared_url or not declared_url.startswith(("http://", "https://")):
        return fetched
    declared = canonical_url(declared_url)
    if _host(declared) == _host(fetched):
        return declared
    return fetched


def _host(url: str) -> str:
    """Host name without a leading www., lower-case."""
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.")

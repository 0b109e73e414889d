"""URL identity: canonical form of an article URL and the stable id derived from it.

courlan normalises (scheme and host case, default port, tracking parameters such as utm_*,
fbclid and gclid, fragments, sorted query). What courlan lacks is added here: AMP variants of
a path (`/amp`, `/amp/`, `.amp`, `/amp.html`, `?amp=1`, `?outputType=amp`) fold into the
article's own URL, and host variants (`www.`, `m.`, `mobile.`, `amp.`) count as one site.

`canonical_url` keeps the host as given, so the stored URL stays fetchable; `url_key` also folds
the host variants, and `article_id` hashes that key, so `www.`, `m.` and `amp.` copies of one
URL share one article id.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url

_HOST_VARIANT = re.compile(r"^(?:www\d*|m|mobile|amp)\.(?=[^.]+\.)")
_AMP_SUFFIX = re.compile(r"(?:/amp/?|/amp\.html?|\.amp(?:\.html?)?)$")
_AMP_PREFIX = re.compile(r"^/amp(?=/.)")
_AMP_PARAMS = {("amp", ""), ("amp", "1"), ("amp", "true"), ("outputtype", "amp")}


def canonical_url(url: str) -> str:
    """Normalise a URL: lower-case scheme and host, no default port, sorted query without
    tracking parameters (utm_*, fbclid, gclid, …), no fragment, no AMP path variant."""
    try:
        normalised = normalize_url(url.strip())
    except (ValueError, TypeError):
        normalised = url.strip()
    parts = urlsplit(normalised)
    path, query = _strip_amp(parts.path, parts.query)
    return urlunsplit((parts.scheme, parts.netloc, path or "/", query, ""))


def _strip_amp(path: str, query: str) -> tuple[str, str]:
    """The path and query of the page an AMP variant stands for."""
    path = _AMP_PREFIX.sub("", _AMP_SUFFIX.sub("", path))
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if (k.lower(), v.lower()) not in _AMP_PARAMS]
    return path, query if len(kept) == len(pairs) else urlencode(kept)


def site_host(url: str) -> str:
    """Host name without a `www.`, `m.`, `mobile.` or `amp.` prefix, lower-case."""
    host = (urlsplit(url).hostname or "").lower()
    return _HOST_VARIANT.sub("", host)


def url_key(url: str) -> str:
    """The canonical URL with its host variant folded: one key per article across
    `www.`/`m.`/`amp.` hosts and AMP paths; http and https, and a trailing slash, agree."""
    parts = urlsplit(canonical_url(url))
    netloc = parts.netloc
    host = parts.hostname or ""
    if host:
        netloc = netloc.replace(host, _HOST_VARIANT.sub("", host), 1)
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("", netloc, path, parts.query, ""))


def article_id(canonical: str) -> str:
    """Stable 128-bit hex id of a canonical URL (of its `url_key`, so host variants agree)."""
    return hashlib.blake2b(url_key(canonical).encode("utf-8"), digest_size=16).hexdigest()


def choose_canonical(fetched_url: str, declared_url: str | None) -> str:
    """The page's declared canonical URL (`rel=canonical` or `og:url`) when it stays on the same
    site, else the fetched one.

    A page may not claim another site's identity: a declared URL on a different host is ignored;
    `www.`, `m.` and `amp.` hosts of one site agree.
    """
    fetched = canonical_url(fetched_url)
    if not declared_url or not declared_url.startswith(("http://", "https://")):
        return fetched
    declared = canonical_url(declared_url)
    if site_host(declared) == site_host(fetched):
        return declared
    return fetched

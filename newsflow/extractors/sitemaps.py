"""Sitemaps (sitemaps.org 0.9, Google News, plain text, gzip) to URL records, for backfills.

Everything here takes bytes and returns records; fetching the sitemaps is `http.py`'s job.
XML is read by lxml with a parser that never touches the network, never expands entities and
keeps the huge-tree limits on, so a hostile sitemap can cost memory but not secrets.
"""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree
from protego import Protego

LOGGER = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # the sitemaps.org limit for one uncompressed file
DEFAULT_SITEMAP_PATHS = (
    "/sitemap.xml",
    "/sitemap_index.xml",
    "/news-sitemap.xml",
    "/wp-sitemap.xml",
)
INDEX_SLACK = timedelta(days=1)  # date-only lastmods and sloppy time zones
_YEAR_MONTH = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_LEADING_JUNK = b"\xef\xbb\xbf \t\r\n"
_BARE_AMPERSAND = re.compile(
    rb"<!\[CDATA\[.*?\]\]>|&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);)", re.S
)


@dataclass(frozen=True)
class SitemapUrl:
    """One <url> of a urlset (or one <sitemap> of an index); the last four come from a Google
    News `<news:news>` element."""

    loc: str
    lastmod: datetime | None = None
    published_at: datetime | None = None
    title: str | None = None
    language: str | None = None
    publication: str | None = None


@dataclass(frozen=True)
class Sitemap:
    """A parsed sitemap: page URLs (a urlset) or child sitemaps (an index)."""

    kind: str  # 'urlset' | 'index'
    urls: tuple[SitemapUrl, ...] = ()
    sitemaps: tuple[SitemapUrl, ...] = ()
    error: str | None = None  # why a body gave nothing; then kind is 'urlset' and urls empty


def parse_sitemap(body: bytes, base_url: str) -> Sitemap:
    """Parse an XML urlset or sitemapindex (gzip or not) or a plain-text sitemap; never raises."""
    if body.startswith(GZIP_MAGIC):
        try:
            body = gunzip(body, MAX_UNCOMPRESSED)
        except ValueError as exc:
            return failed(str(exc))
    text = body.lstrip(_LEADING_JUNK)
    if not text:
        return failed("empty body")
    if text.startswith(b"<"):
        return _parse_xml_sitemap(text, base_url)
    return _parse_text_sitemap(text)


def failed(reason: str) -> Sitemap:
    """The empty result of a body that is no sitemap."""
    return Sitemap(kind="urlset", error=reason)


def gunzip(body: bytes, limit: int) -> bytes:
    """Decompress gzip (several members allowed) up to `limit` bytes; ValueError otherwise."""
    out = bytearray()
    rest = body
    while rest.startswith(GZIP_MAGIC):
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(rest, limit + 1 - len(out))
        except zlib.error as exc:
            raise ValueError(f"invalid gzip data: {exc}") from exc
        if len(out) > limit:
            raise ValueError(f"gzip body larger than {limit} bytes uncompressed")
        if not inflater.eof:
            raise ValueError("truncated gzip data")
        rest = inflater.unused_data
    return bytes(out)


def parse_xml_safely(body: bytes, base_url: str) -> tuple[etree._Element | None, str | None]:
    """(root element or None, first parser error or None): lxml without network, entities or
    huge trees, recovering what it can from broken XML such as a truncated document."""
    root, errors = _parse_xml(body, base_url)
    if errors:
        repaired = escape_bare_ampersands(body)
        if repaired != body:
            retried, remaining = _parse_xml(repaired, base_url)
            if retried is not None and len(remaining) < len(errors):
                root, errors = retried, remaining
    if root is None:
        return None, "broken XML: " + (errors[0] if errors else "no element found")
    return root, f"broken XML: {errors[0]}" if errors else None


def _parse_xml(body: bytes, base_url: str) -> tuple[etree._Element | None, list[str]]:
    """One parse with the safe settings: the root (if any) and the parser's complaints."""
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        recover=True,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(body.lstrip(_LEADING_JUNK), parser, base_url=base_url)
    except etree.XMLSyntaxError as exc:
        return None, [str(exc)]
    return root, [f"line {e.line}: {e.message}" for e in parser.error_log]


def escape_bare_ampersands(body: bytes) -> bytes:
    """Turn each `&` that starts no reference into `&amp;` (CDATA left alone): the commonest
    breakage of hand-made sitemaps, which lxml's recovery would mangle (`?a=1&b=2` → `?a=1=2`)."""
    return _BARE_AMPERSAND.sub(lambda m: m[0] if m[0].startswith(b"<") else b"&amp;", body)


def local_name(element: etree._Element) -> str:
    """The tag without its namespace ('' for entities and other non-elements)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _parse_xml_sitemap(body: bytes, base_url: str) -> Sitemap:
    """A urlset or sitemapindex document, with or without the sitemaps.org namespace."""
    root, problem = parse_xml_safely(body, base_url)
    if root is None:
        return failed(problem or "broken XML")
    kind = local_name(root)
    if kind in ("urlset", "sitemapindex"):
        entries = _entries(root, "url" if kind == "urlset" else "sitemap", base_url)
        if problem and not entries:
            return failed(problem)
        if problem:
            LOGGER.info("sitemap %s: kept %d entries despite %s", base_url, len(entries), problem)
        if kind == "urlset":
            return Sitemap(kind="urlset", urls=entries)
        return Sitemap(kind="index", sitemaps=entries)
    if kind in ("rss", "feed", "RDF"):
        return failed(f"not a sitemap: root element <{kind}> is a feed (read it with parse_feed)")
    return failed(f"not a sitemap: root element <{kind}>")


def _entries(root: etree._Element, tag: str, base_url: str) -> tuple[SitemapUrl, ...]:
    """Every <url> or <sitemap> child with an http(s) <loc>."""
    found = []
    for element in root:
        if local_name(element) != tag:
            continue
        entry = _entry(element, base_url)
        if entry is not None:
            found.append(entry)
    return tuple(found)


def _entry(element: etree._Element, base_url: str) -> SitemapUrl | None:
    """One <url>/<sitemap> element; None without a usable http(s) <loc>."""
    fields: dict[str, etree._Element] = {}
    for child in element:
        fields.setdefault(local_name(child), child)
    if "loc" not in fields:
        return None
    loc = absolute_http_url(text_of(fields["loc"]) or "", fields["loc"].base or base_url)
    if loc is None:
        return None
    lastmod = parse_w3c_datetime(text_of(fields["lastmod"])) if "lastmod" in fields else None
    news = fields.get("news")
    if news is None:
        return SitemapUrl(loc=loc, lastmod=lastmod)
    details = {local_name(child): text_of(child) for child in news.iter()}
    return SitemapUrl(
        loc=loc,
        lastmod=lastmod,
        published_at=parse_w3c_datetime(details.get("publication_date")),
        title=details.get("title"),
        language=details.get("language"),
        publication=details.get("name"),
    )


def text_of(element: etree._Element) -> str | None:
    """Whitespace-collapsed text of an element (CDATA included, entities left unexpanded are
    skipped); empty becomes None."""
    return " ".join(_text(element).split()) or None


def _text(element: etree._Element) -> str:
    """The text of an element and of its child elements, without entity references."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def absolute_http_url(value: str, base_url: str) -> str | None:
    """`value` resolved against `base_url` when it is an http(s) URL with a host, else None."""
    candidate = urljoin(base_url, value.strip()) if value.strip() else ""
    parts = urlsplit(candidate)
    return candidate if parts.scheme in ("http", "https") and parts.netloc else None


def _parse_text_sitemap(text: bytes) -> Sitemap:
    """A plain-text sitemap: one absolute URL per line (other lines are ignored)."""
    urls = []
    for line in text.decode("utf-8", errors="replace").splitlines():
        value = line.strip()
        if value and absolute_http_url(value, "") == value:
            urls.append(SitemapUrl(loc=value))
    if not urls:
        return failed("not a sitemap: no XML and no line holding an http(s) URL")
    return Sitemap(kind="urlset", urls=tuple(urls))


def parse_w3c_datetime(value: str | None) -> datetime | None:
    """A W3C datetime (YYYY, YYYY-MM, YYYY-MM-DD, with time and zone) as an aware UTC datetime;
    times without a zone are taken as UTC, and RFC 822 dates are accepted too."""
    if not value or not value.strip():
        return None
    value = value.strip()
    partial = _YEAR_MONTH.match(value)
    try:
        if partial:
            moment = datetime(int(partial[1]), int(partial[2] or 1), 1)
        else:
            moment = datetime.fromisoformat(value)
    except ValueError:
        moment = _rfc822(value)
        if moment is None:
            return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _rfc822(value: str) -> datetime | None:
    """An RFC 822 date ('Tue, 17 Nov 2026 06:15:00 GMT'), which some sitemaps use."""
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def sitemaps_from_robots(body: bytes, base_url: str | None = None) -> list[str]:
    """The `Sitemap:` URLs of a robots.txt body, in order and without repeats; relative ones are
    resolved against `base_url` when given and dropped otherwise."""
    rules = Protego.parse(body.decode("utf-8-sig", errors="replace"))
    found: list[str] = []
    for value in rules.sitemaps:
        url = absolute_http_url(value, base_url or "")
        if url is not None and url not in found:
            found.append(url)
    return found


def default_sitemap_urls(site_url: str) -> list[str]:
    """Where sitemaps usually live at a site's origin, to try when robots.txt names none."""
    parts = urlsplit(site_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    return [f"{parts.scheme}://{parts.netloc}{path}" for path in DEFAULT_SITEMAP_PATHS]


def url_in_range(url: SitemapUrl, since: datetime | None, until: datetime | None) -> bool:
    """Whether a URL's best known date (publication, else lastmod) is in [since, until).

    URLs without any date are kept: a sitemap that gives no dates cannot narrow a backfill.
    Naive bounds are taken as UTC."""
    moment = url.published_at or url.lastmod
    if moment is None:
        return True
    if since is not None and moment < as_utc(since):
        return False
    return until is None or moment < as_utc(until)


def index_entry_in_range(entry: SitemapUrl, since: datetime | None, until: datetime | None) -> bool:
    """Whether a child sitemap of an index may hold URLs of the range: not when it was last
    changed (a day of slack allowed) before `since`. `until` rules nothing out, since a sitemap
    changed later may still list older URLs; a child without lastmod is kept."""
    if since is None or entry.lastmod is None:
        return True
    return entry.lastmod + INDEX_SLACK >= as_utc(since)


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime (a naive one is taken as UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

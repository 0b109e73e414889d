"""Machine-readable documents: RSS 2.0, Atom 1.0 (with RFC 5005 archive links), OPML 2.0,
sitemaps (plain, Google News, index) and robots.txt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from newsflow.flows.demo.content import DemoArticle
from newsflow.flows.demo.templates.common import Theme, url

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
EMPTY_FEED_DATE = datetime(2026, 11, 1, tzinfo=UTC)
HISTORY_NS = "http://purl.org/syndication/history/1.0"
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@dataclass(frozen=True)
class FeedHistory:
    """RFC 5005 links (rel, href) a feed document carries besides its self link, and whether it
    is an archive document (`<fh:archive/>`)."""

    links: tuple[tuple[str, str], ...] = ()
    archive: bool = False


def history_markup(history: FeedHistory | None, link_tag: str, kind: str) -> str:
    """The head elements of a feed's history: `<fh:archive/>` and one link per relation."""
    if history is None:
        return ""
    marker = "<fh:archive/>\n" if history.archive else ""
    links = "".join(
        f"<{link_tag} rel={quoteattr(rel)} type={quoteattr(kind)} href={quoteattr(href)}/>\n"
        for rel, href in history.links
    )
    return marker + links


def history_namespace(history: FeedHistory | None) -> str:
    """The fh: namespace declaration an archive document needs."""
    return f" xmlns:fh={quoteattr(HISTORY_NS)}" if history and history.archive else ""


@dataclass(frozen=True)
class FeedRef:
    """One feed as listed in the OPML file."""

    title: str
    xml_url: str
    html_url: str
    language: str


def item_link(theme: Theme, base_url: str, article: DemoArticle) -> str:
    """The link a feed gives for an article, tracking parameters included."""
    link = url(base_url, article.path)
    return f"{link}?{theme.feed_link_query}" if theme.feed_link_query else link


def rss_guid(theme: Theme, base_url: str, article: DemoArticle) -> str:
    """A <guid>: the clean permalink, or an opaque agency id."""
    if theme.guid_is_permalink:
        return f"<guid>{escape(url(base_url, article.path))}</guid>"
    slug = article.path.rsplit("/", 1)[-1]
    opaque = f"{theme.slug.upper()}-{article.published:%Y%m%d}-{slug}"
    return f'<guid isPermaLink="false">{escape(opaque)}</guid>'


def categories(theme: Theme, article: DemoArticle) -> list[str]:
    """Category labels: the section, then the tags."""
    return [theme.section_label(article.section), *article.tags]


def rss_item(theme: Theme, base_url: str, article: DemoArticle) -> str:
    """One RSS <item>."""
    cats = "".join(f"<category>{escape(c)}</category>" for c in categories(theme, article))
    return (
        "<item>"
        f"<title>{escape(article.title)}</title>"
        f"<link>{escape(item_link(theme, base_url, article))}</link>"
        f"{rss_guid(theme, base_url, article)}"
        f"<pubDate>{format_datetime(article.published)}</pubDate>"
        f"<description>{escape(article.summary)}</description>"
        f"<dc:creator>{escape(article.author)}</dc:creator>"
        f"{cats}</item>"
    )


def rss(
    theme: Theme,
    base_url: str,
    self_url: str,
    title: str,
    articles: list[DemoArticle],
    history: FeedHistory | None = None,
) -> bytes:
    """An RSS 2.0 feed, items in the given (newest first) order."""
    built = max((a.published for a in articles), default=None)
    items = "\n".join(rss_item(theme, base_url, a) for a in articles)
    text = (
        f"{XML_DECLARATION}"
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        f'xmlns:atom="http://www.w3.org/2005/Atom"{history_namespace(history)}>\n<channel>\n'
        f"<title>{escape(title)}</title>\n"
        f"<link>{escape(url(base_url, f'/{theme.slug}/'))}</link>\n"
        f"<description>{escape(theme.tagline)}</description>\n"
        f"<language>{theme.locale.lower()}</language>\n"
        f"{f'<lastBuildDate>{format_datetime(built)}</lastBuildDate>' if built else ''}\n"
        "<ttl>15</ttl>\n"
        f'<atom:link href={quoteattr(self_url)} rel="self" type="application/rss+xml"/>\n'
        f"{history_markup(history, 'atom:link', 'application/rss+xml')}"
        f"{items}\n</channel>\n</rss>\n"
    )
    return text.encode("utf-8")


def tag_uri(theme: Theme, date: str, specific: str) -> str:
    """A tag: URI (RFC 4151) minted under the outlet's fictional domain."""
    return f"tag:{theme.domain},{date}:{specific}"


def atom_entry(theme: Theme, base_url: str, article: DemoArticle) -> str:
    """One Atom <entry>."""
    stamp = article.published.isoformat()
    link = item_link(theme, base_url, article)
    cats = "".join(f"<category term={quoteattr(c)}/>" for c in categories(theme, article))
    return (
        "<entry>"
        f"<id>{escape(tag_uri(theme, f'{article.published:%Y-%m-%d}', article.path))}</id>"
        f"<title>{escape(article.title)}</title>"
        f'<link rel="alternate" type="text/html" href={quoteattr(link)}/>'
        f"<published>{stamp}</published><updated>{stamp}</updated>"
        f"<author><name>{escape(article.author)}</name></author>"
        f'<summary type="text">{escape(article.summary)}</summary>'
        f"{cats}</entry>"
    )


def atom(
    theme: Theme,
    base_url: str,
    self_url: str,
    title: str,
    articles: list[DemoArticle],
    history: FeedHistory | None = None,
) -> bytes:
    """An Atom 1.0 feed, entries in the given (newest first) order."""
    updated = max((a.published for a in articles), default=EMPTY_FEED_DATE)
    feed_id = tag_uri(theme, "2026", self_url.removeprefix(base_url))
    home = url(base_url, f"/{theme.slug}/")
    entries = "\n".join(atom_entry(theme, base_url, a) for a in articles)
    text = (
        f"{XML_DECLARATION}"
        f'<feed xmlns="http://www.w3.org/2005/Atom"{history_namespace(history)} '
        f'xml:lang="{theme.locale}">\n'
        f"<id>{escape(feed_id)}</id>\n"
        f"<title>{escape(title)}</title>\n"
        f"<subtitle>{escape(theme.tagline)}</subtitle>\n"
        f"<updated>{updated.isoformat()}</updated>\n"
        f'<link rel="self" type="application/atom+xml" href={quoteattr(self_url)}/>\n'
        f'<link rel="alternate" type="text/html" href={quoteattr(home)}/>\n'
        f"{history_markup(history, 'link', 'application/atom+xml')}"
        f"{entries}\n</feed>\n"
    )
    return text.encode("utf-8")


def opml(feeds: list[FeedRef], created: datetime) -> bytes:
    """An OPML 2.0 subscription list of every feed."""
    outlines = "\n".join(
        f'<outline type="rss" text={quoteattr(f.title)} title={quoteattr(f.title)} '
        f"xmlUrl={quoteattr(f.xml_url)} htmlUrl={quoteattr(f.html_url)} "
        f"language={quoteattr(f.language)}/>"
        for f in feeds
    )
    text = (
        f'{XML_DECLARATION}<opml version="2.0">\n'
        "<head><title>newsflow demo site</title>"
        f"<dateCreated>{format_datetime(created)}</dateCreated></head>\n"
        f"<body>\n{outlines}\n</body>\n</opml>\n"
    )
    return text.encode("utf-8")


def sitemap(base_url: str, articles: list[DemoArticle]) -> bytes:
    """A sitemap urlset of article pages, each with its lastmod."""
    urls = "\n".join(
        f"<url><loc>{escape(url(base_url, a.path))}</loc>"
        f"<lastmod>{a.published.isoformat()}</lastmod></url>"
        for a in articles
    )
    text = f"{XML_DECLARATION}<urlset xmlns={quoteattr(SITEMAP_NS)}>\n{urls}\n</urlset>\n"
    return text.encode("utf-8")


def news_sitemap(
    base_url: str, publication: str, language: str, articles: list[DemoArticle]
) -> bytes:
    """A Google News sitemap: each article with its publication, date and title."""
    urls = "\n".join(
        f"<url><loc>{escape(url(base_url, a.path))}</loc><news:news>"
        f"<news:publication><news:name>{escape(publication)}</news:name>"
        f"<news:language>{escape(language)}</news:language></news:publication>"
        f"<news:publication_date>{a.published.isoformat()}</news:publication_date>"
        f"<news:title>{escape(a.title)}</news:title></news:news></url>"
        for a in articles
    )
    text = (
        f"{XML_DECLARATION}<urlset xmlns={quoteattr(SITEMAP_NS)} "
        f"xmlns:news={quoteattr(NEWS_NS)}>\n{urls}\n</urlset>\n"
    )
    return text.encode("utf-8")


def sitemap_index(sitemaps: list[tuple[str, datetime]]) -> bytes:
    """A sitemap index: each child sitemap's URL with its lastmod."""
    entries = "\n".join(
        f"<sitemap><loc>{escape(loc)}</loc><lastmod>{lastmod.isoformat()}</lastmod></sitemap>"
        for loc, lastmod in sitemaps
    )
    text = (
        f"{XML_DECLARATION}<sitemapindex xmlns={quoteattr(SITEMAP_NS)}>\n"
        f"{entries}\n</sitemapindex>\n"
    )
    return text.encode("utf-8")


def robots(sitemap_urls: list[str]) -> bytes:
    """A robots.txt that allows everything and lists the sitemaps."""
    lines = ["User-agent: *", "Allow: /", "", *(f"Sitemap: {u}" for u in sitemap_urls)]
    return ("\n".join(lines) + "\n").encode("utf-8")

"""Pieces every outlet template shares: page data, escaping, the <head>, body blocks, dates."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from newsflow.flows.demo.content import Block, DemoArticle

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
}
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"\*(.+?)\*")


@dataclass(frozen=True)
class ArticlePage:
    """What an article page shows besides the outlet's own chrome."""

    base_url: str
    article: DemoArticle
    blocks: tuple[Block, ...]
    read_also: DemoArticle | None
    related: tuple[DemoArticle, ...]


@dataclass(frozen=True)
class ListingPage:
    """A home or section page listing articles."""

    base_url: str
    path: str
    heading: str
    articles: tuple[DemoArticle, ...]


@dataclass(frozen=True)
class ErrorPage:
    """A styled 'not found' page."""

    base_url: str
    path: str


@dataclass(frozen=True)
class Theme:
    """An outlet's fixed identity, feed settings and page renderers."""

    slug: str
    name: str
    language: str
    locale: str
    feed_path: str
    feed_format: str
    domain: str
    tagline: str
    sections: tuple[tuple[str, str], ...]
    boilerplate: tuple[str, ...]
    layout: Callable[..., str]  # (base_url, path, title, description, main, page) -> HTML
    article_main: Callable[[ArticlePage], str]
    render_listing: Callable[[ListingPage], str]
    render_not_found: Callable[[ErrorPage], str]
    guid_is_permalink: bool = True
    feed_link_query: str = ""
    labels: tuple[tuple[str, str], ...] = ()

    def render_article(self, ap: ArticlePage) -> str:
        """A full article page: the outlet's article markup in its chrome."""
        a = ap.article
        return self.layout(ap.base_url, a.path, a.title, a.summary, self.article_main(ap), ap)

    def section_label(self, section: str) -> str:
        """Display name of a section slug (menu sections, then other known ones)."""
        known = dict(self.labels + self.sections)
        return known.get(section, section.replace("-", " ").title())


def esc(text: str) -> str:
    """Escape text for an HTML text node."""
    return html.escape(text, quote=False)


def attr(text: str) -> str:
    """Escape text for a double-quoted HTML attribute."""
    return html.escape(text, quote=True)


def inline(text: str) -> str:
    """Escaped HTML of a text with `**bold**` and `*italic*` markup."""
    return _ITALIC.sub(r"<em>\1</em>", _BOLD.sub(r"<strong>\1</strong>", esc(text)))


def url(base_url: str, path: str) -> str:
    """Absolute URL of a site path."""
    return base_url + quote(path)


def long_date(moment: datetime, language: str) -> str:
    """A date written out the way the language does, e.g. '18 novembre 2026'."""
    month = MONTHS[language].split()[moment.month - 1]
    if language == "de":
        return f"{moment.day}. {month} {moment.year}"
    if language == "es":
        return f"{moment.day} de {month} de {moment.year}"
    return f"{moment.day} {month} {moment.year}"


def hhmm(moment: datetime, separator: str = ":") -> str:
    """Clock time in the article's own UTC offset."""
    return f"{moment.hour:02d}{separator}{moment.minute:02d}"


def json_ld(theme: Theme, page: ArticlePage) -> str:
    """A schema.org NewsArticle script element."""
    article = page.article
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.published.isoformat(),
        "dateModified": article.published.isoformat(),
        "inLanguage": theme.locale,
        "articleSection": theme.section_label(article.section),
        "keywords": list(article.tags),
        "mainEntityOfPage": url(page.base_url, article.path),
        "author": {"@type": "Person", "name": article.author},
        "publisher": {
            "@type": "NewsMediaOrganization",
            "name": theme.name,
            "logo": {"@type": "ImageObject", "url": url(page.base_url, f"/{theme.slug}/logo.png")},
        },
    }
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


def feed_link(theme: Theme, base_url: str) -> str:
    """The <link rel=alternate> announcing the outlet's feed."""
    kind = "atom" if theme.feed_format == "atom" else "rss"
    href = attr(url(base_url, theme.feed_path))
    return (
        f'<link rel="alternate" type="application/{kind}+xml" '
        f'title="{attr(theme.name)}" href="{href}">'
    )


def head(
    theme: Theme,
    base_url: str,
    path: str,
    title: str,
    description: str,
    style: str,
    script: str,
    page: ArticlePage | None = None,
) -> str:
    """The whole <head>: meta, Open Graph, canonical, feed link, CSS, JSON-LD and JS."""
    canonical = attr(url(base_url, path))
    lines = [
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f'<meta name="description" content="{attr(description)}">',
        f'<link rel="canonical" href="{canonical}">',
        f'<meta property="og:site_name" content="{attr(theme.name)}">',
        f'<meta property="og:locale" content="{theme.locale.replace("-", "_")}">',
        f'<meta property="og:title" content="{attr(page.article.title if page else title)}">',
        f'<meta property="og:description" content="{attr(description)}">',
        f'<meta property="og:url" content="{canonical}">',
        f'<meta property="og:type" content="{"article" if page else "website"}">',
    ]
    if page:
        article = page.article
        label = theme.section_label(article.section)
        lines += [
            f'<meta name="author" content="{attr(article.author)}">',
            f'<meta property="article:published_time" content="{article.published.isoformat()}">',
            f'<meta property="article:section" content="{attr(label)}">',
        ]
        lines += [f'<meta property="article:tag" content="{attr(tag)}">' for tag in article.tags]
    lines += [feed_link(theme, base_url), f"<style>{style}</style>"]
    if page:
        lines.append(json_ld(theme, page))
    lines.append(f"<script>{script}</script>")
    return "<head>\n" + "\n".join(lines) + "\n</head>"


def read_also_slot(blocks: tuple[Block, ...]) -> int:
    """Index of the block after which the read-also box goes: between two paragraphs."""
    for index in range(1, len(blocks) - 1):
        if blocks[index].kind == "p" and blocks[index + 1].kind == "p":
            return index
    for index in range(len(blocks) - 1):
        if blocks[index].kind == "p" and blocks[index + 1].kind == "p":
            return index
    return 0


def body_html(
    blocks: tuple[Block, ...],
    read_also: str,
    p: str = "<p>{}</p>",
    h2: str = "<h2>{}</h2>",
    quote_: str = "<blockquote><p>{}</p></blockquote>",
    ul: str = "<ul>{}</ul>",
) -> str:
    """Body HTML from blocks, each kind through its format string, read-also box inserted."""
    slot = read_also_slot(blocks)
    placed = not read_also
    parts: list[str] = []
    items: list[str] = []
    for index, block in enumerate(blocks):
        if block.kind == "li":
            items.append(f"<li>{inline(block.text)}</li>")
        else:
            if items:
                parts.append(ul.format("".join(items)))
                items = []
            pattern = {"h2": h2, "quote": quote_}.get(block.kind, p)
            parts.append(pattern.format(inline(block.text)))
        if index == slot and not placed and not items:
            parts.append(read_also)
            placed = True
    if items:
        parts.append(ul.format("".join(items)))
    if not placed:
        parts.append(read_also)
    return "\n".join(parts)


def page(lang: str, head_html: str, body_attrs: str, body: str) -> str:
    """A complete HTML document."""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n{head_html}\n'
        f"<body {body_attrs}>\n{body}\n</body>\n</html>\n"
    )


def video_html(page_: ArticlePage, figure_class: str) -> str:
    """A video player and its one-line caption, standing in for the article text."""
    article = page_.article
    slug = article.path.rsplit("/", 1)[-1]
    src = attr(url(page_.base_url, f"/media/video/{slug}.mp4"))
    poster = attr(url(page_.base_url, f"/media/video/{slug}.jpg"))
    return (
        f'<figure class="{figure_class}">\n'
        f'<video controls preload="none" poster="{poster}" width="640" height="360">'
        f'<source src="{src}" type="video/mp4"></video>\n'
        f"<figcaption>{esc(article.summary)}</figcaption>\n</figure>"
    )

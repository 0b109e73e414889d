"""Northstar Wire: a news agency site, sparse markup with data-testid attributes."""

# Typographic quotes, dashes and guillemets are part of the pages' text, on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from newsflow.flows.demo.templates.common import (
    ArticlePage,
    ErrorPage,
    ListingPage,
    Theme,
    attr,
    body_html,
    esc,
    head,
    hhmm,
    long_date,
    page,
    url,
    video_html,
)

SLUG = "northstar"
NAME = "Northstar Wire"
COOKIE = (
    "Northstar Wire uses essential cookies to run this site and optional cookies "
    "to measure traffic."
)
NEWSLETTER = "Subscribe to the Northstar Daily Digest for a summary of the top wire stories."
COPYRIGHT = "© 2026 Northstar Wire Agency. Redistribution without written permission is prohibited."
BIO = "reports for Northstar Wire under the agency’s Editorial Independence Charter."
READ_ALSO = "Related coverage"
SHARE = "Share this report"
COMMENTS = "Wire copy is not open for comment. Send corrections to the Northstar Wire desk."
NAV_EXTRA = "Photo Archive"
SECTIONS = (
    ("world", "World"),
    ("business", "Business"),
    ("markets", "Markets"),
    ("politics", "Politics"),
    ("technology", "Technology"),
    ("environment", "Environment"),
    ("sport", "Sport"),
    ("lifestyle", "Lifestyle"),
)
STYLE = """
body{margin:0;font:16px/1.5 Arial,Helvetica,sans-serif;background:#fafafa}
[data-testid=consent]{background:#000;color:#fff;padding:8px 16px;font-size:14px}
.ns-topbar{background:#ff8000;height:4px}.ns-brand{font-weight:700;font-size:24px}
.ns-menu{display:flex;gap:20px;font-size:14px;border-bottom:1px solid #ddd}
.ns-article{max-width:760px;margin:24px auto;background:#fff;padding:24px}
.ns-article__title{font-size:34px;margin:8px 0}.ns-related-inline{font-size:14px;color:#555}
.ns-site-footer{font-size:12px;color:#666;padding:24px;border-top:1px solid #ddd}
"""
SCRIPT = """
document.addEventListener('click', function (event) {
  if (event.target.matches('[data-testid=consent-accept]')) {
    event.target.closest('[data-testid=consent]').remove();
  }
});
"""


def header(base_url: str) -> str:
    """Consent strip, brand bar and menu."""
    links = "\n".join(
        f'<a data-testid="nav-item" href="{attr(url(base_url, f"/{SLUG}/{slug}/"))}">'
        f"{esc(label)}</a>"
        for slug, label in SECTIONS
    )
    return f"""<div data-testid="consent" class="ns-consent"><span>{COOKIE}</span>
<button data-testid="consent-accept">OK</button></div>
<div class="ns-topbar"></div>
<header class="ns-header"><a class="ns-brand" href="{attr(url(base_url, f"/{SLUG}/"))}">{NAME}</a>
<nav class="ns-menu" aria-label="Main">
{links}
<a data-testid="nav-item" href="#photos">{NAV_EXTRA}</a>
</nav></header>"""


def footer() -> str:
    """The footer with legal links."""
    return f"""<footer class="ns-site-footer">
<nav aria-label="Legal"><a href="#terms">Terms of Use</a> ·
<a href="#privacy">Privacy Statement</a> ·
<a href="#cookies">Cookie Settings</a> · <a href="#licensing">Licensing</a> ·
<a href="#principles">Editorial Principles</a></nav>
<p>{COPYRIGHT}</p>
</footer>"""


def layout(
    base_url: str, path: str, title: str, description: str, main: str, ap: ArticlePage | None = None
) -> str:
    """Wrap a page's content in the outlet's chrome."""
    head_html = head(THEME, base_url, path, f"{title} | {NAME}", description, STYLE, SCRIPT, ap)
    body = f"{header(base_url)}\n{main}\n{footer()}"
    return page("en", head_html, 'data-theme="wire"', body)


def article_main(ap: ArticlePage) -> str:
    """The story: header first, then tools, body, and the agency's boxes."""
    article, base = ap.article, ap.base_url
    label = THEME.section_label(article.section)
    read_also = ""
    if ap.read_also:
        read_also = (
            f'<div class="ns-related-inline"><b>{READ_ALSO}:</b> '
            f'<a href="{attr(url(base, ap.read_also.path))}">{esc(ap.read_also.title)}</a></div>'
        )
    if article.status == "video":
        content = video_html(ap, "ns-media")
    else:
        content = body_html(
            ap.blocks,
            read_also,
            p='<p data-testid="paragraph">{}</p>',
            h2='<h3 data-testid="subhead">{}</h3>',
        )
    tags = " ".join(f'<li><a href="#topic">{esc(tag)}</a></li>' for tag in article.tags)
    related = "\n".join(
        f'<li><a href="{attr(url(base, other.path))}">{esc(other.title)}</a></li>'
        for other in ap.related
    )
    when = f"{long_date(article.published, 'en')} {hhmm(article.published)} UTC"
    return f"""<main class="ns-main">
<div class="ns-article" data-testid="article">
<div class="ns-breadcrumb"><a href="{attr(url(base, f"/{SLUG}/"))}">Northstar</a> /
<a href="{attr(url(base, f"/{SLUG}/{article.section}/"))}">{esc(label)}</a></div>
<h1 class="ns-article__title" data-testid="headline">{esc(article.title)}</h1>
<p class="ns-article__summary">{esc(article.summary)}</p>
<div class="ns-article__info"><span class="ns-article__author">By {esc(article.author)}</span>
<time datetime="{article.published.isoformat()}">{when}</time></div>
<div class="share-buttons"><span>{SHARE}</span> <a href="#x">X</a> <a href="#linkedin">LinkedIn</a>
<a href="#email">Email</a></div>
<div class="ns-article__body" data-testid="article-body">
{content}
</div>
<ul class="tags">{tags}</ul>
<div class="ns-author-bio"><p>{esc(article.author)} {BIO}</p></div>
<div class="ns-discussion"><p>{COMMENTS}</p></div>
</div>
<aside class="ns-more"><h2>More from Northstar Wire</h2><ul>
{related}
</ul></aside>
<div class="ns-digest"><p>{NEWSLETTER}</p><a href="#digest">Subscribe</a></div>
</main>"""


def render_listing(lp: ListingPage) -> str:
    """A home or section page."""
    items = "\n".join(
        f'<li data-testid="story-card"><a href="{attr(url(lp.base_url, a.path))}">'
        f"{esc(a.title)}</a>"
        f' <time datetime="{a.published.isoformat()}">{hhmm(a.published)}</time></li>'
        for a in lp.articles
    )
    main = (
        f'<main class="ns-main"><h1>{esc(lp.heading)}</h1>'
        f'<ul class="ns-list">\n{items}\n</ul></main>'
    )
    return layout(lp.base_url, lp.path, lp.heading, "Breaking news from Northstar Wire", main)


def render_not_found(ep: ErrorPage) -> str:
    """The styled 404 page."""
    main = (
        '<main class="ns-main"><h1>404 – Page not found</h1>'
        "<p>This story is no longer available.</p>"
        f'<a href="{attr(url(ep.base_url, f"/{SLUG}/"))}">Latest stories</a></main>'
    )
    return layout(ep.base_url, ep.path, "Page not found", "Error 404", main)


THEME = Theme(
    slug=SLUG,
    name=NAME,
    language="en",
    locale="en",
    feed_path=f"/{SLUG}/wire.xml",
    feed_format="rss",
    domain="northstarwire.example",
    tagline="Top stories from the Northstar Wire news agency",
    sections=SECTIONS,
    boilerplate=(COOKIE, NEWSLETTER, COPYRIGHT, BIO, READ_ALSO, SHARE, COMMENTS, NAV_EXTRA),
    layout=layout,
    article_main=article_main,
    render_listing=render_listing,
    render_not_found=render_not_found,
    guid_is_permalink=False,
)

"""The Lantern Post: a British daily, schema.org microdata and a sidebar of most-read stories."""

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

SLUG = "lantern"
NAME = "The Lantern Post"
COOKIE = (
    "We use cookies to give you the best experience on The Lantern Post "
    "and to show you relevant advertising."
)
NEWSLETTER = "Sign up for The Lantern Briefing, our morning round-up of the stories that matter."
COPYRIGHT = "© 2026 The Lantern Post Media Group. All rights reserved."
BIO = "writes for The Lantern Post and can be contacted through the newsroom."
READ_ALSO = "Read more"
SHARE = "Share this story"
COMMENTS = "Comments on this article are moderated by The Lantern Post community team."
NAV_EXTRA = "Crosswords"
SECTIONS = (
    ("uk", "UK"),
    ("world", "World"),
    ("politics", "Politics"),
    ("business", "Business"),
    ("science", "Science"),
    ("health", "Health"),
    ("environment", "Environment"),
    ("sport", "Sport"),
    ("culture", "Culture"),
)
STYLE = """
:root{--lp-ink:#111;--lp-accent:#b5121b}
body{margin:0;font:17px/1.6 'Helvetica Neue',Arial,sans-serif;color:var(--lp-ink)}
#cmp-banner{background:#222;color:#eee;padding:12px 20px}
.lp-header{display:flex;align-items:center;justify-content:space-between;padding:0 24px}
.lp-logo{font:700 32px Georgia,serif;color:var(--lp-accent);text-decoration:none}
.lp-nav ul{display:flex;gap:18px;list-style:none;margin:0;padding:8px 24px;background:#f4f4f4}
.lp-grid{display:grid;grid-template-columns:2fr 1fr;gap:32px;max-width:1100px;margin:auto}
.inline-link{font-weight:700;border-top:1px solid #ccc;border-bottom:1px solid #ccc}
.lp-footer{background:#111;color:#aaa;padding:32px}
"""
SCRIPT = """
(function () {
  var el = document.getElementById('cmp-banner');
  if (el && localStorage.getItem('lp-consent') === 'yes') { el.hidden = true; }
  window.lpAccept = function () { localStorage.setItem('lp-consent', 'yes'); el.hidden = true; };
})();
"""


def top(base_url: str) -> str:
    """Cookie banner, logo and navigation."""
    items = "\n".join(
        f'<li><a href="{attr(url(base_url, f"/{SLUG}/{slug}/"))}">{esc(label)}</a></li>'
        for slug, label in SECTIONS
    )
    return f"""<div id="cmp-banner" class="cookie-notice">
<p>{COOKIE}</p>
<button onclick="lpAccept()">Yes, I'm happy</button> <a href="#privacy">Manage preferences</a>
</div>
<a class="skip-link" href="#maincontent">Skip to main content</a>
<div class="lp-header"><a class="lp-logo" href="{attr(url(base_url, f"/{SLUG}/"))}">{NAME}</a>
<span class="lp-header__edition">UK edition</span> <a href="#subscribe">Subscribe</a></div>
<nav class="lp-nav" aria-label="Sections"><ul>
{items}
<li><a href="#crosswords">{NAV_EXTRA}</a></li>
</ul></nav>"""


def bottom() -> str:
    """The footer with legal links."""
    return f"""<footer class="lp-footer">
<div class="lp-footer__links"><a href="#terms">Terms and conditions</a> |
<a href="#privacy">Privacy policy</a> | <a href="#cookies">Cookie policy</a> |
<a href="#complaints">Complaints and corrections</a> | <a href="#contact">Contact us</a></div>
<p class="lp-footer__legal">{COPYRIGHT}</p>
</footer>"""


def layout(
    base_url: str, path: str, title: str, description: str, main: str, ap: ArticlePage | None = None
) -> str:
    """Wrap a page's content in the outlet's chrome."""
    head_html = head(THEME, base_url, path, f"{title} | {NAME}", description, STYLE, SCRIPT, ap)
    body = f"{top(base_url)}\n{main}\n{bottom()}"
    return page("en-GB", head_html, 'class="lp lp-article"', body)


def article_main(ap: ArticlePage) -> str:
    """Article column plus its sidebar."""
    article, base = ap.article, ap.base_url
    label = THEME.section_label(article.section)
    read_also = ""
    if ap.read_also:
        read_also = (
            f'<aside class="inline-link"><span>{READ_ALSO}</span> '
            f'<a href="{attr(url(base, ap.read_also.path))}">{esc(ap.read_also.title)}</a></aside>'
        )
    if article.status == "video":
        content = video_html(ap, "lp-video")
    else:
        pull = '<blockquote class="pull"><p>{}</p></blockquote>'
        content = body_html(ap.blocks, read_also, quote_=pull)
    tags = ", ".join(f'<a href="#topic" rel="tag">{esc(tag)}</a>' for tag in article.tags)
    related = "\n".join(
        f'<li><a href="{attr(url(base, other.path))}">{esc(other.title)}</a></li>'
        for other in ap.related
    )
    when = f"{long_date(article.published, 'en')} {hhmm(article.published, '.')}"
    return f"""<div class="lp-grid" id="maincontent">
<main class="lp-main" itemscope itemtype="https://schema.org/NewsArticle">
<div class="lp-headline">
<ol class="breadcrumbs"><li><a href="{attr(url(base, f"/{SLUG}/"))}">Home</a></li>
<li><a href="{attr(url(base, f"/{SLUG}/{article.section}/"))}">{esc(label)}</a></li></ol>
<h1 itemprop="headline">{esc(article.title)}</h1>
<p class="standfirst" itemprop="description">{esc(article.summary)}</p>
<address class="byline">By <span itemprop="author">{esc(article.author)}</span></address>
<p class="dateline"><time itemprop="datePublished"
datetime="{article.published.isoformat()}">{when}</time></p>
</div>
<div class="article-body" itemprop="articleBody">
{content}
</div>
<div class="share-tools"><p>{SHARE}</p><a href="#facebook">Facebook</a> <a href="#x">X</a>
<a href="#whatsapp">WhatsApp</a> <a href="#copy">Copy link</a></div>
<p class="topics">Topics: {tags}</p>
<div class="contributor"><img src="{attr(url(base, "/lantern/img/contributor.png"))}" alt="">
<p><strong>{esc(article.author)}</strong> {BIO}</p></div>
<section class="comments-cta"><h2>Comments</h2><p>{COMMENTS}</p>
<a href="#comments">View comments</a></section>
</main>
<aside class="lp-sidebar"><h2>Most read</h2><ol class="most-read">
{related}
</ol>
<div class="newsletter-box"><h3>The Lantern Briefing</h3><p>{NEWSLETTER}</p>
<form><input type="email" placeholder="Email address"><button>Sign up</button></form></div>
</aside>
</div>"""


def render_listing(lp: ListingPage) -> str:
    """A home or section page."""
    items = "\n".join(
        f'<li class="lp-card"><a href="{attr(url(lp.base_url, a.path))}">'
        f"<h3>{esc(a.title)}</h3></a><p>{esc(a.summary)}</p></li>"
        for a in lp.articles
    )
    main = (
        f'<main class="lp-front" id="maincontent"><h1>{esc(lp.heading)}</h1>'
        f"<ul>\n{items}\n</ul></main>"
    )
    return layout(lp.base_url, lp.path, lp.heading, "News, sport and opinion from the UK", main)


def render_not_found(ep: ErrorPage) -> str:
    """The styled 404 page."""
    main = (
        '<main class="lp-error" id="maincontent"><h1>Sorry, we couldn’t find that page</h1>'
        "<p>The page may have been moved or removed.</p>"
        f'<a href="{attr(url(ep.base_url, f"/{SLUG}/"))}">Go to the home page</a></main>'
    )
    return layout(ep.base_url, ep.path, "Page not found", "Error 404", main)


THEME = Theme(
    slug=SLUG,
    name=NAME,
    language="en",
    locale="en-GB",
    feed_path=f"/{SLUG}/atom.xml",
    feed_format="atom",
    domain="lanternpost.example",
    tagline="News, sport and opinion from The Lantern Post",
    sections=SECTIONS,
    boilerplate=(COOKIE, NEWSLETTER, COPYRIGHT, BIO, READ_ALSO, SHARE, COMMENTS, NAV_EXTRA),
    layout=layout,
    article_main=article_main,
    render_listing=render_listing,
    render_not_found=render_not_found,
)

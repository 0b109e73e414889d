"""Daily Meridian: a US metro daily, deeply nested divs, ad slots and tracked feed links."""

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
    page,
    url,
    video_html,
)

SLUG = "meridian"
NAME = "Daily Meridian"
COOKIE = (
    "Daily Meridian uses cookies and similar technologies to understand how you use "
    "our site and to improve your experience."
)
NEWSLETTER = "Get the Morning Meridian newsletter delivered to your inbox every weekday."
COPYRIGHT = "Copyright © 2026 Daily Meridian Publishing Co. All rights reserved."
BIO = "is a staff writer for the Daily Meridian."
READ_ALSO = "Read also"
SHARE = "Share this article"
COMMENTS = "Commenting is available to Daily Meridian subscribers."
AD_LABEL = "ADVERTISEMENT"
NAV_EXTRA = "Classifieds"
SECTIONS = (
    ("us", "U.S."),
    ("world", "World"),
    ("politics", "Politics"),
    ("business", "Business"),
    ("tech", "Tech"),
    ("health", "Health"),
    ("education", "Education"),
    ("climate", "Climate"),
    ("sports", "Sports"),
)
STYLE = """
*{box-sizing:border-box}body{margin:0;font-family:system-ui,-apple-system,sans-serif}
.dm-consent{position:fixed;inset:auto 0 0 0;background:#fffbe6;border-top:1px solid #d4b106}
.dm-masthead__logo{font:900 40px 'Times New Roman',serif;letter-spacing:-1px}
.dm-nav__list{display:flex;flex-wrap:wrap;gap:12px;list-style:none;text-transform:uppercase}
.dm-story{max-width:740px;margin:0 auto}.dm-story__headline{font-size:42px}
.ad-slot{min-height:250px;background:#f6f6f6;text-align:center;font-size:11px;color:#999}
.dm-inline-promo{background:#eef4fb;padding:12px}.dm-footer{background:#0b2545;color:#fff}
"""
SCRIPT = """
window.dataLayer = window.dataLayer || [];
window.dataLayer.push({event: 'pageview', section: document.body.dataset.section});
function dmConsent(choice) {
  document.cookie = 'dm_consent=' + choice + '; path=/; max-age=31536000';
  document.querySelector('.dm-consent').style.display = 'none';
}
"""


def masthead(base_url: str) -> str:
    """Consent banner, masthead and navigation."""
    items = "\n".join(
        f'<li class="dm-nav__item"><a class="dm-nav__link" '
        f'href="{attr(url(base_url, f"/{SLUG}/{slug}/"))}">{esc(label)}</a></li>'
        for slug, label in SECTIONS
    )
    return f"""<div class="dm-consent" role="region" aria-label="Cookie consent">
<div class="dm-consent__inner"><p class="dm-consent__text">{COOKIE}</p>
<div class="dm-consent__actions"><button onclick="dmConsent('all')">Accept all</button>
<button onclick="dmConsent('essential')">Essential only</button></div></div></div>
<div id="root"><div class="dm-app">
<header class="dm-masthead"><div class="dm-masthead__inner">
<a class="dm-masthead__logo" href="{attr(url(base_url, f"/{SLUG}/"))}">{NAME}</a>
<div class="dm-masthead__actions"><a href="#subscribe">Subscribe for $1</a>
<a href="#signin">Sign in</a></div>
</div>
<nav class="dm-nav"><ul class="dm-nav__list">
{items}
<li class="dm-nav__item"><a class="dm-nav__link" href="#classifieds">{NAV_EXTRA}</a></li>
</ul></nav></header>"""


def footer() -> str:
    """The footer, closing the app wrappers."""
    return f"""<footer class="dm-footer"><div class="dm-footer__inner">
<ul class="dm-footer__legal"><li><a href="#terms">Terms of Service</a></li>
<li><a href="#privacy">Privacy Policy</a></li><li><a href="#ca-notice">Your Privacy Choices</a></li>
<li><a href="#accessibility">Accessibility</a></li><li><a href="#contact">Contact Us</a></li></ul>
<p class="dm-footer__copyright">{COPYRIGHT}</p></div></footer>
</div></div>"""


def ad(slot: str) -> str:
    """An advertising slot placeholder."""
    return (
        f'<div class="ad-slot ad-slot--{slot}" data-ad-unit="{slot}"><span>{AD_LABEL}</span></div>'
    )


def layout(
    base_url: str, path: str, title: str, description: str, main: str, ap: ArticlePage | None = None
) -> str:
    """Wrap a page's content in the outlet's chrome."""
    head_html = head(THEME, base_url, path, f"{title} - {NAME}", description, STYLE, SCRIPT, ap)
    section = ap.article.section if ap else "home"
    body = f"{masthead(base_url)}\n{ad('leaderboard')}\n{main}\n{footer()}"
    return page("en-US", head_html, f'data-section="{attr(section)}"', body)


def byline_date(ap: ArticlePage) -> str:
    """US-style date line, e.g. 'Nov. 17, 2026 7:05 a.m.'."""
    moment = ap.article.published
    months = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.")
    months += ("Nov.", "Dec.")
    hour = moment.hour % 12 or 12
    suffix = "a.m." if moment.hour < 12 else "p.m."
    clock = f"{hour}:{moment.minute:02d} {suffix}"
    return f"{months[moment.month - 1]} {moment.day}, {moment.year} {clock}"


def article_main(ap: ArticlePage) -> str:
    """The story container."""
    article, base = ap.article, ap.base_url
    label = THEME.section_label(article.section)
    read_also = ""
    if ap.read_also:
        read_also = (
            f'<div class="dm-inline-promo"><span class="dm-inline-promo__kicker">{READ_ALSO}</span>'
            f'<a class="dm-inline-promo__link" href="{attr(url(base, ap.read_also.path))}">'
            f"{esc(ap.read_also.title)}</a></div>\n{ad('inline')}"
        )
    if article.status == "video":
        content = video_html(ap, "dm-video-player")
    else:
        content = body_html(
            ap.blocks,
            read_also,
            p='<div class="dm-text-block"><p class="dm-paragraph">{}</p></div>',
            h2='<h2 class="dm-subhead">{}</h2>',
        )
    tags = "".join(f'<a class="dm-topic" href="#topic">{esc(tag)}</a>' for tag in article.tags)
    related = "\n".join(
        f'<li class="dm-more__item"><a href="{attr(url(base, other.path))}">'
        f"{esc(other.title)}</a></li>"
        for other in ap.related
    )
    return f"""<main class="dm-main"><div class="dm-story">
<div class="dm-crumbs"><a href="{attr(url(base, f"/{SLUG}/"))}">Home</a> ›
<a href="{attr(url(base, f"/{SLUG}/{article.section}/"))}">{esc(label)}</a></div>
<div class="dm-story__header">
<h1 class="dm-story__headline">{esc(article.title)}</h1>
<h2 class="dm-story__dek">{esc(article.summary)}</h2>
<div class="dm-story__meta"><span class="dm-byline">By {esc(article.author)}</span>
<time class="dm-timestamp" datetime="{article.published.isoformat()}">{byline_date(ap)}</time></div>
<div class="dm-social-share"><span>{SHARE}</span><button>Facebook</button><button>X</button>
<button>Email</button></div>
</div>
<div class="dm-story__body"><div class="story-body">
{content}
</div></div>
<div class="dm-story__topics">{tags}</div>
<div class="dm-author-card"><div class="dm-author-card__text">
<p><a href="#author">{esc(article.author)}</a> {BIO}</p></div></div>
<div class="dm-comments-entry"><p>{COMMENTS}</p><button>Show comments</button></div>
<section class="dm-more"><h3>More from the Daily Meridian</h3><ul>
{related}
</ul></section>
<div class="dm-signup"><p class="dm-signup__pitch">{NEWSLETTER}</p>
<form><input type="email" aria-label="Email"><button>Sign up</button></form></div>
</div></main>"""


def render_listing(lp: ListingPage) -> str:
    """A home or section page."""
    items = "\n".join(
        f'<div class="dm-card"><a class="dm-card__link" href="{attr(url(lp.base_url, a.path))}">'
        f'<h3 class="dm-card__title">{esc(a.title)}</h3></a><p>{esc(a.summary)}</p></div>'
        for a in lp.articles
    )
    main = f'<main class="dm-main dm-front"><h1>{esc(lp.heading)}</h1>\n{items}</main>'
    return layout(lp.base_url, lp.path, lp.heading, "Local news, politics and sports", main)


def render_not_found(ep: ErrorPage) -> str:
    """The styled 404 page."""
    main = (
        '<main class="dm-main dm-404"><h1>Page not found</h1>'
        "<p>We can’t find the page you’re looking for. It may have been removed.</p>"
        f'<a href="{attr(url(ep.base_url, f"/{SLUG}/"))}">Back to the front page</a></main>'
    )
    return layout(ep.base_url, ep.path, "Page not found", "Error 404", main)


THEME = Theme(
    slug=SLUG,
    name=NAME,
    language="en",
    locale="en-US",
    feed_path=f"/{SLUG}/feed.rss",
    feed_format="rss",
    domain="dailymeridian.example",
    tagline="The latest news from the Daily Meridian",
    sections=SECTIONS,
    boilerplate=(
        COOKIE,
        NEWSLETTER,
        COPYRIGHT,
        BIO,
        READ_ALSO,
        SHARE,
        COMMENTS,
        AD_LABEL,
        NAV_EXTRA,
    ),
    layout=layout,
    article_main=article_main,
    render_listing=render_listing,
    render_not_found=render_not_found,
    feed_link_query="utm_source=rss&utm_medium=feed",
)

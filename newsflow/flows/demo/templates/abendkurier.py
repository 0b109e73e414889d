"""Der Abendkurier: a German regional evening paper, kicker above the headline, 'Lesen Sie auch'."""

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

SLUG = "abendkurier"
NAME = "Der Abendkurier"
COOKIE = (
    "Wir verwenden Cookies und ähnliche Technologien, um unser Angebot für Sie "
    "zu verbessern und Werbung anzuzeigen."
)
NEWSLETTER = (
    "Der Abendkurier-Newsletter bringt Ihnen jeden Abend die wichtigsten Nachrichten des Tages."
)
COPYRIGHT = "© 2026 Abendkurier Verlagsgesellschaft mbH. Alle Rechte vorbehalten."
BIO = "gehört zum Redaktionsteam des Abendkuriers und ist per E-Mail erreichbar."
READ_ALSO = "Lesen Sie auch"
SHARE = "Artikel teilen"
COMMENTS = "Die Kommentarfunktion steht nur registrierten Leserinnen und Lesern zur Verfügung."
NAV_EXTRA = "Kreuzworträtsel"
SECTIONS = (
    ("politik", "Politik"),
    ("ausland", "Ausland"),
    ("wirtschaft", "Wirtschaft"),
    ("panorama", "Panorama"),
    ("wissen", "Wissen"),
    ("kultur", "Kultur"),
    ("sport", "Sport"),
    ("region", "Region"),
)
STYLE = """
body{margin:0;font-family:'Source Serif Pro',Georgia,serif;background:#fdfcf8;color:#222}
#ak-cookie-layer{position:fixed;top:20%;left:10%;right:10%;background:#fff;border:1px solid #999}
.ak-kopf{background:#7a0019;color:#fff;padding:12px 24px}.ak-kopf a{color:#fff}
.ak-ressorts{display:flex;gap:14px;list-style:none;padding:6px 24px;background:#5c0013}
.ak-artikel{max-width:700px;margin:0 auto;padding:0 16px}
.ak-dachzeile{color:#7a0019;font-weight:700}
.ak-lesetipp{background:#f3eee3;padding:10px 14px;margin:18px 0}
.ak-fuss{background:#333;color:#ccc;padding:24px;font-size:13px}
"""
SCRIPT = """
var akConsent = {
  accept: function () { document.getElementById('ak-cookie-layer').style.display = 'none'; },
};
"""


def kopf(base_url: str) -> str:
    """Cookie layer, masthead and the section bar."""
    items = "\n".join(
        f'<li><a href="{attr(url(base_url, f"/{SLUG}/{slug}/"))}">{esc(label)}</a></li>'
        for slug, label in SECTIONS
    )
    return f"""<div id="ak-cookie-layer" class="ak-cmp"><h2>Ihre Privatsphäre</h2>
<p>{COOKIE}</p>
<button onclick="akConsent.accept()">Alle akzeptieren</button>
<a href="#datenschutz">Einstellungen</a>
</div>
<div class="ak-kopf"><a class="ak-logo" href="{attr(url(base_url, f"/{SLUG}/"))}">{NAME}</a>
<span class="ak-kopf__claim">Unabhängige Zeitung für Stadt und Land</span>
<a href="#abo">Abo</a> <a href="#login">Anmelden</a></div>
<nav class="ak-navigation"><ul class="ak-ressorts">
{items}
<li><a href="#raetsel">{NAV_EXTRA}</a></li>
</ul></nav>"""


def fuss() -> str:
    """The footer with legal links."""
    return f"""<div class="ak-fuss">
<p><a href="#impressum">Impressum</a> · <a href="#datenschutz">Datenschutz</a> ·
<a href="#agb">AGB</a> · <a href="#cookies">Cookie-Einstellungen</a> ·
<a href="#barrierefreiheit">Barrierefreiheit</a> · <a href="#kontakt">Kontakt</a></p>
<p class="ak-fuss__copyright">{COPYRIGHT}</p>
</div>"""


def layout(
    base_url: str, path: str, title: str, description: str, main: str, ap: ArticlePage | None = None
) -> str:
    """Wrap a page's content in the outlet's chrome."""
    head_html = head(THEME, base_url, path, f"{title} | {NAME}", description, STYLE, SCRIPT, ap)
    body = f'{kopf(base_url)}\n<div class="ak-seite">\n{main}\n</div>\n{fuss()}'
    return page("de-DE", head_html, 'class="ak"', body)


def article_main(ap: ArticlePage) -> str:
    """Breadcrumbs, then date before headline, body, then the boxes."""
    article, base = ap.article, ap.base_url
    label = THEME.section_label(article.section)
    read_also = ""
    if ap.read_also:
        read_also = (
            f'<div class="ak-lesetipp ak-related"><p class="ak-lesetipp__label">{READ_ALSO}</p>'
            f'<p><a href="{attr(url(base, ap.read_also.path))}">{esc(ap.read_also.title)}</a></p>'
            "</div>"
        )
    if article.status == "video":
        content = video_html(ap, "ak-video")
    else:
        content = body_html(
            ap.blocks,
            read_also,
            p='<p class="ak-absatz">{}</p>',
            h2='<h2 class="ak-zwischentitel">{}</h2>',
            quote_='<blockquote class="ak-zitat"><p>{}</p></blockquote>',
        )
    tags = " · ".join(f'<a href="#thema">{esc(tag)}</a>' for tag in article.tags)
    related = "\n".join(
        f'<li><a href="{attr(url(base, other.path))}">{esc(other.title)}</a></li>'
        for other in ap.related
    )
    when = f"{long_date(article.published, 'de')}, {hhmm(article.published)} Uhr"
    return f"""<div class="ak-brotkrumen"><a href="{attr(url(base, f"/{SLUG}/"))}">Startseite</a> ›
<a href="{attr(url(base, f"/{SLUG}/{article.section}/"))}">{esc(label)}</a></div>
<article class="ak-artikel">
<time class="ak-datum" datetime="{article.published.isoformat()}">{when}</time>
<p class="ak-dachzeile">{esc(label)}</p>
<h1 class="ak-titel">{esc(article.title)}</h1>
<p class="ak-vorspann"><strong>{esc(article.summary)}</strong></p>
<p class="ak-autor">Von {esc(article.author)}</p>
<div class="ak-teilen"><span>{SHARE}</span> <a href="#facebook">Facebook</a> <a href="#x">X</a>
<a href="#whatsapp">WhatsApp</a> <a href="#mail">E-Mail</a></div>
<div class="ak-artikel__text">
{content}
</div>
<p class="ak-themen">Themen: {tags}</p>
<div class="ak-autorenbox author-box"><p>{esc(article.author)} {BIO}</p></div>
</article>
<div class="ak-kommentare"><h2>Kommentare</h2><p>{COMMENTS}</p>
<a href="#login">Jetzt anmelden</a></div>
<div class="ak-mehr"><h2>Mehr zum Thema</h2><ul>
{related}
</ul></div>
<div class="ak-newsletter-box"><h2>Newsletter</h2><p>{NEWSLETTER}</p>
<form><input type="email" placeholder="E-Mail-Adresse"><button>Abonnieren</button></form></div>"""


def render_listing(lp: ListingPage) -> str:
    """A home or section page."""
    items = "\n".join(
        f'<div class="ak-anriss"><a href="{attr(url(lp.base_url, a.path))}">'
        f"<h2>{esc(a.title)}</h2></a><p>{esc(a.summary)}</p></div>"
        for a in lp.articles
    )
    main = f'<h1 class="ak-seitentitel">{esc(lp.heading)}</h1>\n{items}'
    return layout(lp.base_url, lp.path, lp.heading, "Nachrichten aus Stadt und Land", main)


def render_not_found(ep: ErrorPage) -> str:
    """The styled 404 page."""
    main = (
        '<div class="ak-fehler"><h1>Seite nicht gefunden</h1>'
        "<p>Die angeforderte Seite existiert nicht oder wurde entfernt.</p>"
        f'<a href="{attr(url(ep.base_url, f"/{SLUG}/"))}">Zur Startseite</a></div>'
    )
    return layout(ep.base_url, ep.path, "Seite nicht gefunden", "Fehler 404", main)


THEME = Theme(
    slug=SLUG,
    name=NAME,
    language="de",
    locale="de-DE",
    feed_path=f"/{SLUG}/feed.atom",
    feed_format="atom",
    domain="abendkurier.example",
    tagline="Nachrichten aus Stadt und Land vom Abendkurier",
    sections=SECTIONS,
    boilerplate=(COOKIE, NEWSLETTER, COPYRIGHT, BIO, READ_ALSO, SHARE, COMMENTS, NAV_EXTRA),
    layout=layout,
    article_main=article_main,
    render_listing=render_listing,
    render_not_found=render_not_found,
)

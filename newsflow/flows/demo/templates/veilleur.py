"""Le Veilleur: a French national daily, BEM class names and a 'Lire aussi' box."""

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

SLUG = "veilleur"
NAME = "Le Veilleur"
COOKIE = (
    "Le Veilleur et ses partenaires utilisent des cookies pour mesurer l’audience "
    "et personnaliser les contenus."
)
NEWSLETTER = "Recevez chaque matin la sélection de la rédaction dans votre boîte mail."
COPYRIGHT = "© Le Veilleur 2026 – Tous droits réservés"
BIO = "fait partie de la rédaction du Veilleur depuis plusieurs années."
READ_ALSO = "Lire aussi"
SHARE = "Partager l’article"
COMMENTS = "Les commentaires sont réservés aux abonnés du Veilleur."
NAV_EXTRA = "Mots croisés"
SECTIONS = (
    ("international", "International"),
    ("politique", "Politique"),
    ("societe", "Société"),
    ("economie", "Économie"),
    ("planete", "Planète"),
    ("sciences", "Sciences"),
    ("culture", "Culture"),
    ("sport", "Sport"),
)
OTHER_LABELS = (("sante", "Santé"), ("education", "Éducation"), ("justice", "Justice"))
STYLE = """
body{margin:0;font-family:Georgia,'Times New Roman',serif;color:#1a1a1a;background:#fff}
.consent-banner{position:fixed;bottom:0;left:0;right:0;background:#14213d;color:#fff;padding:1rem}
.masthead{border-bottom:3px solid #14213d;text-align:center}.logo{font-size:2.4rem;color:#14213d}
.menu__list{display:flex;gap:1rem;justify-content:center;list-style:none;padding:0}
.article{max-width:42rem;margin:0 auto}.article__title{font-size:2.2rem;line-height:1.15}
.article__desc{font-size:1.2rem;color:#444}.lire-aussi{border-left:4px solid #e63946;padding:.5rem}
.fil-ariane ol{list-style:none;display:flex;gap:.5rem;font-size:.8rem}
.pied{background:#f1f1f1;padding:2rem;font-size:.85rem}
"""
SCRIPT = """
document.addEventListener('DOMContentLoaded', function () {
  var banner = document.getElementById('consentement');
  var button = banner && banner.querySelector('button');
  if (button) { button.addEventListener('click', function () { banner.remove(); }); }
});
"""


def nav(base_url: str) -> str:
    """The masthead and its section menu."""
    items = "\n".join(
        f'<li class="menu__item"><a href="{attr(url(base_url, f"/{SLUG}/{slug}/"))}">'
        f"{esc(label)}</a></li>"
        for slug, label in SECTIONS
    )
    return f"""<header class="masthead">
<div class="masthead__top"><a class="btn-abonnement" href="#abonnement">S’abonner</a>
<a class="logo" href="{attr(url(base_url, f"/{SLUG}/"))}">{NAME}</a>
<a class="masthead__login" href="#connexion">Se connecter</a></div>
<nav class="menu" aria-label="Rubriques"><ul class="menu__list">
{items}
<li class="menu__item menu__item--jeux"><a href="#jeux">{NAV_EXTRA}</a></li>
</ul></nav>
</header>"""


def consent() -> str:
    """The cookie-consent banner."""
    return f"""<div id="consentement" class="consent-banner" role="dialog">
<p>{COOKIE}</p>
<button type="button">Accepter et fermer</button> <a href="#cookies">Paramétrer les cookies</a>
</div>"""


def footer() -> str:
    """The site footer with legal links."""
    return f"""<footer class="pied">
<ul class="pied__liens"><li><a href="#mentions">Mentions légales</a></li>
<li><a href="#confidentialite">Politique de confidentialité</a></li>
<li><a href="#cgv">Conditions générales de vente</a></li>
<li><a href="#cookies">Gestion des cookies</a></li>
<li><a href="#contact">Nous contacter</a></li></ul>
<p class="pied__copyright">{COPYRIGHT}</p>
</footer>"""


def layout(
    base_url: str, path: str, title: str, description: str, main: str, ap: ArticlePage | None = None
) -> str:
    """Wrap a page's main column in the outlet's chrome."""
    head_html = head(THEME, base_url, path, f"{title} – {NAME}", description, STYLE, SCRIPT, ap)
    body = f'{consent()}\n<div id="page">\n{nav(base_url)}\n{main}\n</div>\n{footer()}'
    return page("fr-FR", head_html, 'class="veilleur"', body)


def article_main(ap: ArticlePage) -> str:
    """The main column of an article page."""
    article, base = ap.article, ap.base_url
    label = THEME.section_label(article.section)
    read_also = ""
    if ap.read_also:
        read_also = (
            f'<section class="lire-aussi"><span class="lire-aussi__label">{READ_ALSO}</span> '
            f'<a href="{attr(url(base, ap.read_also.path))}">{esc(ap.read_also.title)}</a>'
            "</section>"
        )
    if article.status == "video":
        content = video_html(ap, "article__video")
    else:
        content = body_html(ap.blocks, read_also, p='<p class="article__paragraph">{}</p>')
        content = content.replace("<h2>", '<h2 class="article__sub-heading">')
    tags = " ".join(f'<li><a href="#sujet">{esc(tag)}</a></li>' for tag in article.tags)
    related = "\n".join(
        f'<li class="related__item"><a href="{attr(url(base, other.path))}">{esc(other.title)}</a>'
        f"</li>"
        for other in ap.related
    )
    date = f"Publié le {long_date(article.published, 'fr')} à {hhmm(article.published, 'h')}"
    return f"""<main id="main" class="page-article">
<nav class="fil-ariane" aria-label="Fil d’Ariane"><ol>
<li><a href="{attr(url(base, f"/{SLUG}/"))}">Accueil</a></li>
<li><a href="{attr(url(base, f"/{SLUG}/{article.section}/"))}">{esc(label)}</a></li></ol></nav>
<article class="article">
<header class="article__header">
<p class="article__kicker">{esc(label)}</p>
<h1 class="article__title">{esc(article.title)}</h1>
<p class="article__desc">{esc(article.summary)}</p>
<div class="meta"><span class="meta__author">Par
<a rel="author" href="#auteur">{esc(article.author)}</a></span>
<time class="meta__date" datetime="{article.published.isoformat()}">{date}</time></div>
<ul class="share-bar"><li>{SHARE}</li><li><a href="#facebook">Facebook</a></li>
<li><a href="#x">X</a></li><li><a href="#email">Envoyer par e-mail</a></li></ul>
</header>
<section class="article__content">
{content}
</section>
<footer class="article__footer">
<div class="tags"><span class="tags__label">Mots-clés :</span><ul>{tags}</ul></div>
<div class="author-card"><p class="author-card__name">{esc(article.author)}</p>
<p class="author-card__bio">{esc(article.author)} {BIO}</p></div>
</footer>
</article>
<section class="comments-teaser"><h2>Réactions</h2><p>{COMMENTS}</p>
<a href="#abonnement">Je m’abonne pour réagir</a></section>
<aside class="related"><h2>Sur le même sujet</h2><ul>
{related}
</ul></aside>
<section id="abonnement" class="newsletter"><h2>La lettre du matin</h2><p>{NEWSLETTER}</p>
<form action="#inscription"><input type="email" placeholder="Votre adresse e-mail">
<button type="submit">Je m’inscris</button></form></section>
</main>"""


def render_listing(lp: ListingPage) -> str:
    """A home or section page."""
    items = "\n".join(
        f'<article class="teaser"><h2 class="teaser__title">'
        f'<a href="{attr(url(lp.base_url, a.path))}">{esc(a.title)}</a></h2>'
        f'<p class="teaser__desc">{esc(a.summary)}</p><time datetime="{a.published.isoformat()}">'
        f"{long_date(a.published, 'fr')}</time></article>"
        for a in lp.articles
    )
    main = (
        f'<main id="main" class="une"><h1 class="une__titre">{esc(lp.heading)}</h1>\n{items}</main>'
    )
    return layout(lp.base_url, lp.path, lp.heading, "L’actualité en continu", main)


def render_not_found(ep: ErrorPage) -> str:
    """The styled 404 page."""
    main = (
        '<main id="main" class="erreur"><h1>Page introuvable</h1>'
        "<p>Cette page n’existe pas ou a été supprimée.</p>"
        f'<a href="{attr(url(ep.base_url, f"/{SLUG}/"))}">Retour à la une</a></main>'
    )
    return layout(ep.base_url, ep.path, "Page introuvable", "Erreur 404", main)


THEME = Theme(
    slug=SLUG,
    name=NAME,
    language="fr",
    locale="fr-FR",
    feed_path=f"/{SLUG}/rss.xml",
    feed_format="rss",
    domain="leveilleur.example",
    tagline="Toute l’actualité du Veilleur en continu",
    sections=SECTIONS,
    boilerplate=(COOKIE, NEWSLETTER, COPYRIGHT, BIO, READ_ALSO, SHARE, COMMENTS, NAV_EXTRA),
    layout=layout,
    article_main=article_main,
    render_listing=render_listing,
    render_not_found=render_not_found,
    labels=OTHER_LABELS,
)

"""La Voz del Puerto: a Spanish port-city paper, ids over classes and a 'Lee también' box."""

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

SLUG = "puerto"
NAME = "La Voz del Puerto"
COOKIE = (
    "Utilizamos cookies propias y de terceros para analizar el tráfico "
    "y mostrarte publicidad personalizada."
)
NEWSLETTER = (
    "Suscríbete a nuestro boletín y recibe cada mañana las noticias del puerto y de la comarca."
)
COPYRIGHT = "© 2026 La Voz del Puerto S.L. Todos los derechos reservados."
BIO = "forma parte de la redacción de La Voz del Puerto."
READ_ALSO = "Lee también"
SHARE = "Compartir en redes"
COMMENTS = "Los comentarios están disponibles para los suscriptores registrados."
NAV_EXTRA = "Pasatiempos"
SECTIONS = (
    ("local", "Local"),
    ("nacional", "Nacional"),
    ("internacional", "Internacional"),
    ("economia", "Economía"),
    ("sociedad", "Sociedad"),
    ("cultura", "Cultura"),
    ("deportes", "Deportes"),
    ("opinion", "Opinión"),
)
STYLE = """
body{margin:0;font-family:Lato,Verdana,sans-serif;color:#202020}
#aviso-cookies{background:#0d3b66;color:#fff;padding:14px;text-align:center}
#cabecera{text-align:center;padding:16px;border-bottom:4px double #0d3b66}
#cabecera .marca{font:italic 700 36px Georgia,serif;color:#0d3b66}
#menu-principal ul{display:flex;justify-content:center;gap:16px;list-style:none;padding:0}
#contenedor{display:flex;gap:28px;max-width:1040px;margin:0 auto}
.lee-tambien{border:1px solid #0d3b66;padding:10px}#pie{background:#eaeaea;padding:20px}
"""
SCRIPT = """
function aceptarCookies() {
  document.getElementById('aviso-cookies').style.display = 'none';
  try { localStorage.setItem('vdp-cookies', '1'); } catch (e) {}
}
"""


def cabecera(base_url: str) -> str:
    """Cookie notice, masthead and main menu."""
    items = "\n".join(
        f'<li><a href="{attr(url(base_url, f"/{SLUG}/{slug}/"))}">{esc(label)}</a></li>'
        for slug, label in SECTIONS
    )
    return f"""<div id="aviso-cookies"><p>{COOKIE}</p>
<button onclick="aceptarCookies()">Aceptar</button> <a href="#cookies">Configurar</a></div>
<div id="cabecera"><a class="marca" href="{attr(url(base_url, f"/{SLUG}/"))}">{NAME}</a>
<p class="lema">Diario independiente de la bahía</p></div>
<div id="menu-principal"><ul>
{items}
<li><a href="#pasatiempos">{NAV_EXTRA}</a></li>
</ul></div>"""


def pie() -> str:
    """The footer with legal links."""
    return f"""<div id="pie">
<ul class="legales"><li><a href="#aviso-legal">Aviso legal</a></li>
<li><a href="#privacidad">Política de privacidad</a></li>
<li><a href="#cookies">Política de cookies</a></li>
<li><a href="#publicidad">Publicidad</a></li><li><a href="#contacto">Contacto</a></li></ul>
<p>{COPYRIGHT}</p>
</div>"""


def layout(
    base_url: str, path: str, title: str, description: str, main: str, ap: ArticlePage | None = None
) -> str:
    """Wrap a page's content in the outlet's chrome."""
    head_html = head(THEME, base_url, path, f"{title} | {NAME}", description, STYLE, SCRIPT, ap)
    body = f'{cabecera(base_url)}\n<div id="contenedor">\n{main}\n</div>\n{pie()}'
    return page("es-ES", head_html, 'id="vdp"', body)


def article_main(ap: ArticlePage) -> str:
    """Article column with the sidebar of related news."""
    article, base = ap.article, ap.base_url
    label = THEME.section_label(article.section)
    read_also = ""
    if ap.read_also:
        read_also = (
            f'<div class="lee-tambien"><span>{READ_ALSO}</span> '
            f'<a href="{attr(url(base, ap.read_also.path))}">{esc(ap.read_also.title)}</a></div>'
        )
    if article.status == "video":
        content = video_html(ap, "video-principal")
    else:
        content = body_html(ap.blocks, read_also, h2='<h3 class="ladillo">{}</h3>')
    tags = "".join(f'<li><a href="#tema">{esc(tag)}</a></li>' for tag in article.tags)
    related = "\n".join(
        f'<li><a href="{attr(url(base, other.path))}">{esc(other.title)}</a></li>'
        for other in ap.related
    )
    when = f"{long_date(article.published, 'es')} - {hhmm(article.published)}"
    return f"""<div id="columna-principal">
<p class="migas"><a href="{attr(url(base, f"/{SLUG}/"))}">Portada</a> &gt;
<a href="{attr(url(base, f"/{SLUG}/{article.section}/"))}">{esc(label)}</a></p>
<div class="noticia">
<h1 class="titular">{esc(article.title)}</h1>
<h2 class="entradilla">{esc(article.summary)}</h2>
<div class="firma"><span class="autor">{esc(article.author)}</span> |
<time datetime="{article.published.isoformat()}">{when}</time></div>
<div class="social-links"><span>{SHARE}</span> <a href="#facebook">Facebook</a>
<a href="#x">X</a> <a href="#whatsapp">WhatsApp</a></div>
<div class="cuerpo-noticia entry-content">
{content}
</div>
<ul class="etiquetas">{tags}</ul>
<div class="ficha-autor"><p><b>{esc(article.author)}</b> {BIO}</p></div>
<div class="bloque-comentarios"><p>{COMMENTS}</p><a href="#registro">Regístrate</a></div>
</div>
</div>
<div id="columna-lateral"><h4>Noticias relacionadas</h4><ul>
{related}
</ul>
<div class="boletin"><p>{NEWSLETTER}</p><input type="email"><button>Suscribirme</button></div>
</div>"""


def render_listing(lp: ListingPage) -> str:
    """A home or section page."""
    items = "\n".join(
        f'<div class="pieza"><h2><a href="{attr(url(lp.base_url, a.path))}">{esc(a.title)}</a></h2>'
        f"<p>{esc(a.summary)}</p></div>"
        for a in lp.articles
    )
    main = f'<div id="columna-principal"><h1>{esc(lp.heading)}</h1>\n{items}</div>'
    return layout(lp.base_url, lp.path, lp.heading, "Noticias del puerto y la comarca", main)


def render_not_found(ep: ErrorPage) -> str:
    """The styled 404 page."""
    main = (
        '<div id="columna-principal"><h1>Página no encontrada</h1>'
        "<p>La noticia que buscas ya no está disponible.</p>"
        f'<a href="{attr(url(ep.base_url, f"/{SLUG}/"))}">Volver a la portada</a></div>'
    )
    return layout(ep.base_url, ep.path, "Página no encontrada", "Error 404", main)


THEME = Theme(
    slug=SLUG,
    name=NAME,
    language="es",
    locale="es-ES",
    feed_path=f"/{SLUG}/rss",
    feed_format="rss",
    domain="lavozdelpuerto.example",
    tagline="Últimas noticias de La Voz del Puerto",
    sections=SECTIONS,
    boilerplate=(COOKIE, NEWSLETTER, COPYRIGHT, BIO, READ_ALSO, SHARE, COMMENTS, NAV_EXTRA),
    layout=layout,
    article_main=article_main,
    render_listing=render_listing,
    render_not_found=render_not_found,
)

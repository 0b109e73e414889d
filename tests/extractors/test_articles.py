from datetime import UTC, datetime, timedelta, timezone

from newsflow.extractors.articles import (
    decode_html,
    extract_page,
    html_language,
    parse_page_date,
    split_authors,
)

BODY = " ".join(
    f"<p>Le conseil municipal a voté mercredi soir le budget numéro {n} de la ville, après "
    "un long débat sur les écoles, les crèches et la rénovation énergétique des gymnases.</p>"
    for n in range(6)
)
PAGE = f"""<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">
<title>Budget voté à Nantes</title>
<link rel="canonical" href="https://ville.example/budget">
<meta property="og:site_name" content="La Gazette">
<meta name="author" content="Anne Martin; Paul Durand">
<meta property="article:published_time" content="2026-11-18T07:30:00+01:00">
<meta name="description" content="Le budget a été voté.">
</head><body><nav><a href="/">Accueil</a> <a href="/politique">Politique</a></nav>
<div class="cookie">Nous utilisons des cookies pour mesurer l'audience.</div>
<article><h1>Budget voté à Nantes</h1>{BODY}</article>
<footer>© 2026 La Gazette. Tous droits réservés.</footer></body></html>"""


def test_extracts_text_markdown_and_metadata():
    page = extract_page(PAGE.encode(), "https://ville.example/budget?utm_source=rss")
    assert page is not None
    assert "rénovation énergétique" in page.text and page.text.count("conseil municipal") == 6
    assert "cookies" not in page.text and "Tous droits" not in page.text
    assert page.markdown.count("conseil municipal") == 6
    assert page.title == "Budget voté à Nantes"
    assert page.authors == ("Anne Martin", "Paul Durand")
    assert page.site_name == "La Gazette"
    assert page.declared_url == "https://ville.example/budget"
    assert page.html_language == "fr"
    assert page.published_at is not None and page.published_at.date().isoformat() == "2026-11-18"


def test_mis_declared_charsets_still_give_correct_text():
    latin = PAGE.replace('<meta charset="utf-8">', "").encode("latin-1", errors="replace")
    page = extract_page(latin, "https://ville.example/budget", charset="utf-8")
    assert page is not None and "rénovation énergétique" in page.text
    utf8 = extract_page(PAGE.encode(), "https://ville.example/budget", charset="iso-8859-1")
    assert utf8 is not None and "rénovation énergétique" in utf8.text


def test_pages_without_an_article_give_none():
    assert extract_page(b"", "https://x.example/") is None
    assert extract_page(b"\x00\xff" * 500, "https://x.example/") is None
    teaser = b"<html><body><h1>Video</h1><p>Watch our report.</p></body></html>"
    assert extract_page(teaser, "https://x.example/") is None


def test_helpers():
    assert decode_html("é".encode(), None) == "é"
    assert decode_html(b"\xef\xbb\xbfhi", "latin-1") == "hi"
    assert decode_html("é".encode("latin-1"), "latin-1") == "é"
    assert split_authors("A B; C D;") == ("A B", "C D") and split_authors(None) == ()
    assert parse_page_date("2026-11-18") == datetime(2026, 11, 18, tzinfo=UTC)
    cet = timezone(timedelta(hours=1))
    assert parse_page_date("2026-11-18T07:30:00+0100") == datetime(2026, 11, 18, 7, 30, tzinfo=cet)
    assert parse_page_date("yesterday") is None
    assert html_language(b'<!doctype html><html class="x" lang="de-AT">') == "de"
    assert html_language(b"<html>") is None

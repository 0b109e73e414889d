"""One HTML template per outlet, plus the feed, OPML and sitemap documents."""

from newsflow.flows.demo.templates import (
    abendkurier,
    lantern,
    meridian,
    northstar,
    puerto,
    veilleur,
)
from newsflow.flows.demo.templates.common import ArticlePage, ErrorPage, ListingPage, Theme

THEMES: tuple[Theme, ...] = (
    veilleur.THEME,
    lantern.THEME,
    meridian.THEME,
    northstar.THEME,
    abendkurier.THEME,
    puerto.THEME,
)

__all__ = ["THEMES", "ArticlePage", "ErrorPage", "ListingPage", "Theme"]

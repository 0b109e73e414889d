"""robots.txt is obeyed for article pages: fetched once per host, cached, Crawl-delay kept."""

from aiohttp import web

from newsflow.extractors.http import PACER, FetchPolicy
from newsflow.extractors.robots import rules_from_response
from newsflow.flows import pipeline
from newsflow.models import FeedEntry
from tests.servers import serve_app

ROBOTS = (
    "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.5\n\nUser-agent: otherbot\nDisallow: /\n"
)


def robots_app(counter: list[str]) -> web.Application:
    async def robots(request: web.Request) -> web.Response:
        counter.append(request.path)
        return web.Response(text=ROBOTS)

    async def page(request: web.Request) -> web.Response:
        counter.append(request.path)
        return web.Response(
            text="<html><body><article>" + "<p>word " * 200 + "</article>", content_type="text/html"
        )

    app = web.Application()
    app.router.add_get("/robots.txt", robots)
    app.router.add_get("/{tail:.*}", page)
    return app


def test_disallowed_pages_are_not_fetched_and_robots_is_cached():
    seen: list[str] = []
    policy = FetchPolicy(user_agent="newsflow/9 (test)", allow_private=True, host_delay=0)
    with serve_app(robots_app(seen)) as base:
        entries = [FeedEntry("s", f"{base}/private/a"), FeedEntry("s", f"{base}/news/b")]
        first = pipeline.fetch_and_extract(entries, {}, policy, workers=1)
        second = pipeline.fetch_and_extract([FeedEntry("s", f"{base}/news/c")], {}, policy, 1)
        host = base.removeprefix("http://")
    by_url = {o.fetch.url: o for o in first}
    refused = by_url[f"{base}/private/a"].fetch
    assert (refused.kind, refused.error_class, refused.status) == ("article", "robots", None)
    assert by_url[f"{base}/news/b"].article is not None
    assert by_url[f"{base}/robots.txt"].fetch.kind == "robots"
    assert [o.fetch.kind for o in second] == ["article"]  # robots.txt came from the cache
    assert seen == ["/robots.txt", "/news/b", "/news/c"]  # /private/a was never requested
    assert PACER.reserve(host, 0) >= 0 and PACER.reserve(host, 0) > 0.4  # Crawl-delay 0.5


def test_rfc9309_status_rules():
    assert rules_from_response(404, b"").allows("https://x.example/a", "newsflow")
    unreachable = rules_from_response(503, b"")
    assert not unreachable.allows("https://x.example/a", "newsflow")
    assert unreachable.reason == "robots.txt answered 503"
    assert not rules_from_response(None, b"").allows("https://x.example/a", "newsflow")
    parsed = rules_from_response(200, ROBOTS.encode())
    assert parsed.allows("https://x.example/news", "newsflow")
    assert not parsed.allows("https://x.example/news", "otherbot")

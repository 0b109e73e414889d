"""A fault-injection HTTP server: every way a feed server can misbehave, on loopback only."""

from __future__ import annotations

import asyncio
import gzip
from functools import cache

from aiohttp import web

RSS = """<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>{title}</title><link>{base}/</link>
{items}</channel></rss>"""


def rss(base: str, title: str, links: list[str], encoding: str = "utf-8") -> str:
    """A small RSS 2.0 feed whose items point to `links`."""
    items = "".join(
        f"<item><title>{title} {n}</title><link>{link}</link>"
        f"<pubDate>Fri, 20 Nov 2026 {10 + n}:00:00 GMT</pubDate></item>"
        for n, link in enumerate(links)
    )
    return RSS.format(encoding=encoding, title=title, base=base, items=items)


def fault_app(elsewhere: str) -> web.Application:
    """Endpoints under /f/…; `elsewhere` is a loopback origin that must stay refused."""
    routes = web.RouteTableDef()

    @routes.get("/f/timeout")
    async def timeout(request: web.Request) -> web.Response:
        await asyncio.sleep(60)
        return web.Response(text="too late")

    @routes.get("/f/drip")
    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        for _ in range(600):
            await response.write(b" ")
            await asyncio.sleep(0.1)
        return response

    @routes.get("/f/reset")
    async def reset(request: web.Request) -> web.Response:
        assert request.transport is not None
        request.transport.abort()
        await asyncio.sleep(1)
        return web.Response(text="unreachable")

    @routes.get("/f/500")
    async def error(request: web.Request) -> web.Response:
        return web.Response(status=500, text="internal error")

    @routes.get("/f/503")
    async def unavailable(request: web.Request) -> web.Response:
        return web.Response(status=503, headers={"Retry-After": "7200"}, text="maintenance")

    @routes.get("/f/404")
    async def missing(request: web.Request) -> web.Response:
        return web.Response(status=404, text="not found")

    @routes.get("/f/410")
    async def gone(request: web.Request) -> web.Response:
        return web.Response(status=410, text="gone")

    @routes.get("/f/moved")
    async def moved(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/f/ok-moved")

    @routes.get("/f/chain")
    async def chain(request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/f/chain-2")

    @routes.get("/f/chain-2")
    async def chain_2(request: web.Request) -> web.Response:
        raise web.HTTPFound("/f/ok-chain")

    @routes.get("/f/loop")
    async def loop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/f/loop-2")

    @routes.get("/f/loop-2")
    async def loop_2(request: web.Request) -> web.Response:
        raise web.HTTPFound("/f/loop")

    @routes.get("/f/huge")
    async def huge(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        chunk = b"<!-- " + b"x" * (1024 * 1024 - 9) + b" -->"
        for _ in range(50):  # 50 MB, streamed without Content-Length
            await response.write(chunk)
        return response

    @routes.get("/f/bomb")
    async def bomb(request: web.Request) -> web.Response:
        headers = {"Content-Encoding": "gzip", "Content-Type": "application/rss+xml"}
        return web.Response(body=bomb_body(), headers=headers)

    @routes.get("/f/charset")
    async def charset(request: web.Request) -> web.Response:
        base = f"http://{request.host}"
        body = rss(base, "Café crème", [f"{base}/f/page"], encoding="utf-8").encode("latin-1")
        return web.Response(
            body=body, headers={"Content-Type": "application/rss+xml; charset=utf-8"}
        )

    @routes.get("/f/html")
    async def html(request: web.Request) -> web.Response:
        return web.Response(
            text="<!DOCTYPE html><html><body><p>Welcome</p></body></html>", content_type="text/html"
        )

    @routes.get("/f/home")
    async def home(request: web.Request) -> web.Response:
        return web.Response(
            text='<!DOCTYPE html><html><head><link rel="alternate" type="application/rss+xml" '
            'href="/f/ok-discovered"></head><body>Home</body></html>',
            content_type="text/html",
        )

    @routes.get("/f/empty")
    async def empty(request: web.Request) -> web.Response:
        return web.Response(body=b"", content_type="application/rss+xml")

    @routes.get("/f/private-items")
    async def private_items(request: web.Request) -> web.Response:
        base = f"http://{request.host}"
        links = [f"{elsewhere}/secret", "file:///etc/passwd"]
        return web.Response(text=rss(base, "Bait", links), content_type="application/rss+xml")

    @routes.get("/f/{name:ok-[a-z]+}")
    async def ok(request: web.Request) -> web.Response:
        base = f"http://{request.host}"
        name = request.match_info["name"]
        body = rss(base, name, [f"{base}/f/page?from={name}"])
        return web.Response(text=body, content_type="application/rss+xml")

    @routes.get("/f/page")
    async def page(request: web.Request) -> web.Response:
        words = " ".join(f"word{n}" for n in range(120))
        return web.Response(
            text=f"<html><body><article><h1>Page</h1><p>{words}.</p><p>{words}.</p>"
            "</article></body></html>",
            content_type="text/html",
        )

    app = web.Application()
    app.add_routes(routes)
    return app


@cache
def bomb_body() -> bytes:
    """100 MB of zeros in about 100 KB of gzip."""
    return gzip.compress(b"\0" * 100_000_000, compresslevel=9)


#: what each fault must be recorded as: (error_class, a fragment of the error message)
EXPECTED_FAULTS = {
    "/f/timeout": ("timeout", "timed out"),
    "/f/drip": ("timeout", "timed out"),
    "/f/reset": ("connection", ""),
    "/f/500": ("http", "HTTP 500"),
    "/f/503": ("http", "HTTP 503"),
    "/f/404": ("http", "HTTP 404"),
    "/f/410": ("http", "HTTP 410"),
    "/f/loop": ("redirects", "loop"),
    "/f/huge": ("too_large", "exceeds"),
    "/f/bomb": ("too_large", "decompressed"),
    "/f/html": ("not_a_feed", "HTML page; no feed found"),
    "/f/empty": ("not_a_feed", "empty body"),
}
HEALTHY_FAULT_FEEDS = ("/f/charset", "/f/moved", "/f/chain", "/f/home", "/f/private-items")

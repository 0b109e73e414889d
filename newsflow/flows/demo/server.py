"""Serve the demo site over HTTP: aiohttp on its own event loop in a daemon thread."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Protocol, TypeVar

from aiohttp import web

from newsflow.flows.demo.site import DemoResponse, DemoSite

BACKLOG = 1024
START_TIMEOUT = 10.0


class Site(Protocol):
    """What the server needs of a site: an answer to every request."""

    def respond(
        self, method: str, path_and_query: str, headers: Mapping[str, str]
    ) -> DemoResponse: ...


S = TypeVar("S", bound=Site)


def make_app(site: Site) -> web.Application:
    """An aiohttp application answering every path from `site.respond`, compressing bodies
    the site did not compress itself."""

    async def handle(request: web.Request) -> web.Response:
        # HEAD is answered from the GET body so Content-Length is right; aiohttp sends no body
        method = "GET" if request.method == "HEAD" else request.method
        answer = site.respond(method, request.raw_path, request.headers)
        response = web.Response(status=answer.status, body=answer.body, headers=answer.headers)
        if answer.body and "Content-Encoding" not in answer.headers:
            response.headers["Vary"] = "Accept-Encoding"
            response.enable_compression()
        return response

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    return app


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (port 0 picks a free one), not yet listening."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    return sock


def base_url(sock: socket.socket) -> str:
    """The http:// URL a bound socket answers on."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


async def start(site: Site, sock: socket.socket) -> web.AppRunner:
    """Start serving the site on an already bound socket."""
    runner = web.AppRunner(make_app(site), access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock, backlog=BACKLOG).start()
    return runner


@contextmanager
def serve_demo_site(
    host: str = "127.0.0.1",
    port: int = 0,
    copies: int = 1,
    revision: int = 0,
    variants: bool = False,
    distinct: bool = False,
) -> Iterator[DemoSite]:
    """Serve the demo site in a background thread; yield it, its base_url on the bound port."""

    def make(url: str) -> DemoSite:
        return DemoSite(url, copies, revision=revision, variants=variants, distinct=distinct)

    with serve_site(make, host, port) as site:
        yield site


@contextmanager
def serve_site(
    make_site: Callable[[str], S], host: str = "127.0.0.1", port: int = 0
) -> Iterator[S]:
    """Serve the site `make_site(base_url)` in a background thread of this process; yield it."""
    sock = bind(host, port)
    site = make_site(base_url(sock))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="newsflow-demo-site", daemon=True)
    thread.start()
    try:
        runner = asyncio.run_coroutine_threadsafe(start(site, sock), loop).result(START_TIMEOUT)
        try:
            yield site
        finally:
            asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(START_TIMEOUT)
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(START_TIMEOUT)
        loop.close()
        sock.close()

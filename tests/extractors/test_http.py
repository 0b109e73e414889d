import asyncio
import gzip
from datetime import UTC, datetime

import pytest
from aiohttp import web

from newsflow.extractors.http import (
    FetchPolicy,
    HostPacer,
    fetch_many,
    freshness,
    is_public,
    refusal,
    retry_after_seconds,
)
from newsflow.models import FetchRequest
from tests.servers import serve_app

BIG = b"x" * 300_000


def make_app() -> web.Application:
    async def feed(request: web.Request) -> web.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304)
        return web.Response(
            body=b"<rss/>",
            headers={
                "ETag": '"v1"',
                "Last-Modified": "Fri, 20 Nov 2026 10:00:00 GMT",
                "Content-Type": "application/rss+xml; charset=ISO-8859-1",
            },
        )

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="late")

    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse()
        await response.prepare(request)
        for _ in range(50):
            await response.write(b"x")
            await asyncio.sleep(0.1)
        return response

    async def redirect(request: web.Request) -> web.Response:
        hops = int(request.match_info["n"])
        target = "/feed" if hops == 0 else f"/redirect/{hops - 1}"
        raise web.HTTPMovedPermanently(target)

    async def loop_(request: web.Request) -> web.Response:
        raise web.HTTPFound("/loop")

    async def gzip_bomb(request: web.Request) -> web.Response:
        return web.Response(
            body=gzip.compress(b"\0" * 50_000_000), headers={"Content-Encoding": "gzip"}
        )

    async def gzipped(request: web.Request) -> web.Response:
        return web.Response(
            body=gzip.compress(b"hello " * 100), headers={"Content-Encoding": "gzip"}
        )

    async def to_private(request: web.Request) -> web.Response:
        raise web.HTTPFound("file:///etc/passwd")

    async def big(request: web.Request) -> web.Response:
        return web.Response(body=BIG)

    async def stream(request: web.Request) -> web.Response:
        return web.Response(body=iter_chunks())

    async def error(request: web.Request) -> web.Response:
        return web.Response(status=500, text="boom")

    app = web.Application()
    app.router.add_get("/feed", feed)
    app.router.add_get("/slow", slow)
    app.router.add_get("/drip", drip)
    app.router.add_get("/redirect/{n}", redirect)
    app.router.add_get("/loop", loop_)
    app.router.add_get("/big", big)
    app.router.add_get("/bigstream", stream)
    app.router.add_get("/bomb", gzip_bomb)
    app.router.add_get("/gzip", gzipped)
    app.router.add_get("/500", error)
    app.router.add_get("/to-private", to_private)
    return app


async def iter_chunks():
    for _ in range(10):
        yield b"y" * 50_000


@pytest.fixture(scope="module")
def base():
    with serve_app(make_app()) as url:
        yield url


POLICY = FetchPolicy(
    user_agent="newsflow-test",
    host_delay=0,
    allow_private=True,
    total_timeout=2.0,
    read_timeout=1.0,
    max_bytes=200_000,
    max_redirects=3,
)


def fetch(url, policy=POLICY, **fields):
    (result,) = fetch_many([FetchRequest(url=url, kind="feed", **fields)], policy)
    return result


def test_ok_response_keeps_validators_and_charset(base):
    result = fetch(f"{base}/feed")
    assert result.ok and result.body == b"<rss/>" and result.status == 200
    assert (result.etag, result.last_modified) == ('"v1"', "Fri, 20 Nov 2026 10:00:00 GMT")
    assert result.charset == "iso-8859-1"
    assert result.wire_bytes == 6 and result.elapsed_ms > 0


def test_conditional_get_gets_304(base):
    result = fetch(f"{base}/feed", etag='"v1"')
    assert result.not_modified and not result.ok and result.body == b""
    assert result.sent_validators


def test_total_timeout_and_slow_drip(base):
    for path in ("/slow", "/drip"):
        result = fetch(f"{base}{path}")
        assert result.error_class == "timeout", path
        assert result.elapsed_ms < 4000


def test_size_cap_by_header_and_while_streaming(base):
    assert fetch(f"{base}/big").error_class == "too_large"
    streamed = fetch(f"{base}/bigstream")
    assert streamed.error_class == "too_large" and streamed.error == "body exceeds 200000 bytes"


def test_gzip_is_decoded_and_bombs_are_stopped(base):
    assert fetch(f"{base}/gzip").body == b"hello " * 100
    bomb = fetch(f"{base}/bomb")
    assert bomb.error_class == "too_large" and "decompressed" in bomb.error


def test_redirects_are_followed_capped_and_loops_detected(base):
    moved = fetch(f"{base}/redirect/2")
    assert moved.ok and moved.final_url == f"{base}/feed"
    assert moved.permanent_redirect == f"{base}/feed"
    assert fetch(f"{base}/redirect/5").error_class == "redirects"
    looped = fetch(f"{base}/loop")
    assert looped.error_class == "redirects" and "loop" in looped.error


def test_http_errors_are_recorded_not_raised(base):
    result = fetch(f"{base}/500")
    assert (result.status, result.error_class, result.error) == (
        500,
        "http",
        "HTTP 500 Internal Server Error",
    )


def test_private_addresses_are_refused_unless_allowed(base):
    strict = FetchPolicy(user_agent="t", total_timeout=2.0)
    assert fetch(f"{base}/feed", strict).error_class == "blocked"
    named = fetch(base.replace("127.0.0.1", "localhost") + "/feed", strict)
    assert named.error_class == "blocked" and "non-public" in named.error
    redirected = fetch(f"{base}/to-private", POLICY)  # every hop is checked, not just the first
    assert redirected.error_class == "blocked" and "'file'" in redirected.error


def test_refusal_rules():
    assert refusal("file:///etc/passwd", True)[0] == "blocked"
    assert refusal("http://169.254.169.254/latest/meta-data", False)[0] == "blocked"
    assert refusal("http://[::ffff:127.0.0.1]/", False)[0] == "blocked"
    assert refusal("https://example.org/" + "a" * 3000, True)[0] == "invalid_url"
    assert refusal("https://example.org/news", False) is None
    assert not is_public(__import__("ipaddress").ip_address("100.64.0.1"))


def test_connection_refused_is_classified(base):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert fetch(f"http://127.0.0.1:{port}/").error_class == "connection"


def test_results_keep_input_order(base):
    urls = [f"{base}/500", f"{base}/feed", f"{base}/gzip"]
    results = fetch_many([FetchRequest(url=u, kind="article") for u in urls], POLICY)
    assert [r.url for r in results] == urls


def test_host_pacer_spaces_requests_to_one_host_only():
    pacer = HostPacer()
    waits = [pacer.reserve("a.example", 10.0) for _ in range(3)]
    assert waits[0] == 0.0
    assert 9.9 < waits[1] <= 10.0 and 19.9 < waits[2] <= 20.0
    assert pacer.reserve("b.example", 10.0) == 0.0
    pacer.set_delay("c.example", 30.0)  # e.g. a robots.txt Crawl-delay longer than ours
    pacer.reserve("c.example", 1.0)
    assert pacer.reserve("c.example", 1.0) > 29.0


def test_retry_after_and_freshness_headers():
    now = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Fri, 20 Nov 2026 10:05:00 GMT", now) == 300.0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    assert freshness({"Cache-Control": "public, max-age=600"}) == 600.0
    assert freshness({"Cache-Control": "no-cache, max-age=600"}) is None
    dated = {"Expires": "Fri, 20 Nov 2026 11:00:00 GMT", "Date": "Fri, 20 Nov 2026 10:00:00 GMT"}
    assert freshness(dated) == 3600.0
    assert freshness({"Expires": "0"}) is None

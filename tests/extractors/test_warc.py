import gzip
import logging
import random
import re
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsflow import __version__
from newsflow.errors import NewsflowError
from newsflow.extractors.warc import (
    Capture,
    CaptureRef,
    CaptureWriter,
    WarcError,
    read_capture,
    read_captures,
    write_captures,
)
from tests.factories import NOW, make_fetch

NAME = re.compile(r"^newsflow-\d{14}-(\d{5})\.warc\.gz$")


def page(n: int) -> bytes:
    """An HTML page whose length varies with n, with some non-ASCII text."""
    return f"<html><title>Été {n}</title><p>{'mot ' * (n * 37 % 500)}</p></html>".encode()


def fetches(count: int) -> list:
    """Fetch results as the HTTP module makes them: varied statuses, types and validators."""
    results = []
    for n in range(count):
        status = (200, 200, 200, 404, 304, 500)[n % 6]
        results.append(
            make_fetch(
                f"https://news.example/story-{n}?utm=x",
                kind="article",
                final_url=f"https://news.example/story-{n}" if n % 3 else None,
                status=status,
                body=b"" if status == 304 else page(n),
                content_type="text/html; charset=utf-8" if n % 4 else None,
                etag=f'"v{n}"' if n % 2 else None,
                last_modified="Fri, 20 Nov 2026 11:00:00 GMT" if n % 5 == 0 else None,
                fetched_at=NOW + timedelta(seconds=n, microseconds=7 * n),
            )
        )
    return results


def test_written_responses_read_back_exactly(tmp_path: Path) -> None:
    results = fetches(36)
    refs = write_captures(tmp_path, results)
    (path,) = tmp_path.iterdir()
    assert NAME.match(path.name)
    read = list(read_captures(path))
    assert [ref for ref, _ in read] == refs
    for result, (_, capture) in zip(results, read, strict=True):
        assert capture.url == (result.final_url or result.url)
        assert capture.body == result.body
        assert capture.status == result.status
        assert capture.fetched_at == result.fetched_at
        assert capture.fetched_at.tzinfo is not None
        assert capture.content_type == result.content_type
        headers = dict(capture.headers)
        assert headers["Content-Length"] == str(len(result.body))
        assert headers.get("ETag") == result.etag
        assert headers.get("Last-Modified") == result.last_modified
        assert not {"Content-Encoding", "Transfer-Encoding"} & set(headers)
    assert len({capture.record_id for _, capture in read}) == len(results)


def test_every_capture_is_reachable_by_its_ref(tmp_path: Path) -> None:
    refs = write_captures(tmp_path, fetches(30))
    by_stream = dict(read_captures(Path(refs[0].path)))
    assert len(by_stream) == 30
    for ref in refs:
        assert read_capture(ref) == by_stream[ref]
    assert read_capture(refs[7]).url == "https://news.example/story-7"


def test_each_capture_is_one_gzip_member_at_gzips_default_level(tmp_path: Path) -> None:
    refs = write_captures(tmp_path, fetches(5))
    data = Path(refs[0].path).read_bytes()
    for ref in refs:
        member = data[ref.offset : ref.offset + ref.length]
        assert member[:3] == b"\x1f\x8b\x08"
        assert member[8] == 0  # XFL: 2 would be level 9 (warcio's), 4 level 1
        assert gzip.decompress(member).startswith(b"WARC/1.1\r\n")


def test_files_start_with_warcinfo_and_carry_valid_digests(tmp_path: Path) -> None:
    refs = write_captures(tmp_path, fetches(6))
    with open(refs[0].path, "rb") as stream:
        records = []
        for record in ArchiveIterator(stream, check_digests="raise"):
            records.append((record.rec_type, record.rec_headers, record.content_stream().read()))
            assert record.digest_checker.passed is True
    kind, headers, info = records[0]
    assert kind == "warcinfo" and headers.protocol == "WARC/1.1"
    assert f"software: newsflow/{__version__}".encode() in info
    assert headers.get_header("WARC-Filename") == Path(refs[0].path).name
    assert [kind for kind, _, _ in records[1:]] == ["response"] * 6
    for _, warc, _ in records[1:]:
        assert warc.get_header("WARC-Payload-Digest").startswith("sha1:")
        assert warc.get_header("WARC-Block-Digest").startswith("sha1:")


def test_decoded_bodies_are_not_decoded_again(tmp_path: Path) -> None:
    archive = gzip.compress(b"a file that happens to be gzip")
    (ref,) = write_captures(tmp_path, [make_fetch(body=archive, content_type="application/gzip")])
    assert ref is not None
    assert read_capture(ref).body == archive


def test_a_result_without_status_is_not_captured(tmp_path: Path) -> None:
    failed = make_fetch(status=None, error_class="dns", error="no such host")
    assert write_captures(tmp_path / "out", [failed]) == [None]
    assert not (tmp_path / "out").exists()
    refs = write_captures(tmp_path / "out", [failed, make_fetch(body=b"ok")])
    assert refs[0] is None and refs[1] is not None
    assert [c.body for _, c in read_captures(Path(refs[1].path))] == [b"ok"]


def test_naive_fetch_times_are_taken_as_utc(tmp_path: Path) -> None:
    naive = datetime(2026, 11, 20, 12, 30, 1, 250)
    (ref,) = write_captures(tmp_path, [make_fetch(fetched_at=naive)])
    assert ref is not None
    assert read_capture(ref).fetched_at == naive.replace(tzinfo=UTC)


def test_header_values_cannot_break_the_record(tmp_path: Path) -> None:
    result = make_fetch(etag='"a"\r\nX-Injected: 1', body=b"body")
    (ref,) = write_captures(tmp_path, [result, make_fetch(body=b"next")])[:1]
    assert ref is not None
    capture = read_capture(ref)
    assert "X-Injected" not in dict(capture.headers)
    assert capture.body == b"body"


def test_files_rotate_by_size(tmp_path: Path) -> None:
    results = fetches(40)
    with CaptureWriter(tmp_path, max_file_bytes=6_000) as writer:
        refs = [writer.write(result) for result in results]
    paths = sorted(tmp_path.iterdir())
    assert len(paths) >= 3
    assert [int(NAME.match(p.name).group(1)) for p in paths] == list(range(len(paths)))
    for path in paths:
        mine = [ref for ref in refs if ref.path == str(path)]
        last = max(mine, key=lambda ref: ref.offset)
        size = path.stat().st_size
        assert size == last.offset + last.length
        if path != paths[-1]:
            assert last.offset < 6_000 <= size  # closed as soon as it reached the limit
    read = [capture for path in paths for _, capture in read_captures(path)]
    assert [c.body for c in read] == [r.body for r in results]


def test_an_open_file_reads_up_to_its_last_flushed_record(tmp_path: Path) -> None:
    results = fetches(8)
    writer = CaptureWriter(tmp_path)
    refs = [writer.write(result) for result in results[:5]]
    writer.flush()
    open_path = writer.open_path
    assert open_path is not None and open_path.name.endswith(".warc.gz.open")
    assert not Path(refs[0].path).exists()
    assert [c.body for _, c in read_captures(open_path)] == [r.body for r in results[:5]]

    # a process killed while writing the sixth record leaves half a gzip member behind
    torn = tmp_path / "torn.warc.gz.open"
    sixth = writer.write(results[5])
    data = open_path.read_bytes()
    torn.write_bytes(data[: sixth.offset + sixth.length // 2])
    captures = []
    with pytest.raises(WarcError) as caught:
        for _, capture in read_captures(torn):
            captures.append(capture)
    assert [c.body for c in captures] == [r.body for r in results[:5]]
    assert caught.value.offset == sixth.offset and str(torn) in str(caught.value)

    writer.close()
    assert not open_path.exists() and Path(refs[0].path).exists()
    assert len(list(read_captures(Path(refs[0].path)))) == 6


def chunked(data: bytes, size: int = 100) -> bytes:
    """HTTP/1.1 chunked transfer encoding of data."""
    parts = [data[i : i + size] for i in range(0, len(data), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


def http(status: str, *headers: tuple[str, str]) -> StatusAndHeaders:
    return StatusAndHeaders(status, list(headers), protocol="HTTP/1.1")


def crawl_warc(path: Path, gzipped: bool) -> dict[str, bytes]:
    """A WARC/1.0 file as crawlers write it; returns the decoded body expected per URL."""
    html = page(40) * 20
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gzipped)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "crawler"}))

        def response(url: str, date: str, block: bytes, head: StatusAndHeaders, **warc: str):
            warc = {"WARC-Date": date, **warc}
            record = writer.create_warc_record(
                url,
                "response",
                BytesIO(block),
                len(block),
                http_headers=head,
                warc_headers_dict=warc,
            )
            get = StatusAndHeaders("GET / HTTP/1.1", [("Host", "a")], is_http_request=True)
            request = writer.create_warc_record(url, "request", BytesIO(b""), 0, http_headers=get)
            writer.write_request_response_pair(request, record)
            return record.rec_headers.get_header("WARC-Payload-Digest")

        digest = response(
            "https://a.example/one",
            "2016-10-26T13:01:27Z",
            chunked(gzip.compress(html)),
            http(
                "200 OK",
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Encoding", "gzip"),
                ("Transfer-Encoding", "chunked"),
            ),
            **{"WARC-IP-Address": "203.0.113.7"},
        )
        deflated = zlib.compress(b"<p>deflated</p>")
        response(
            "http://b.example/two",
            "2016-10-26T13:01:28Z",
            deflated,
            http("200 OK", ("Content-Encoding", "deflate"), ("Content-Length", str(len(deflated)))),
        )
        response("https://a.example/gone", "2016-10-26T13:01:29Z", b"nope", http("404 Not Found"))
        writer.write_record(
            writer.create_revisit_record(
                "https://a.example/one",
                digest,
                "https://a.example/one",
                "2016-10-26T13:01:27Z",
                http_headers=http("200 OK", ("Content-Type", "text/html")),
            )
        )
        for uri, kind, block in (
            ("https://a.example/one", "metadata", b"fetchTimeMs: 12\r\n"),
            ("dns:a.example", "response", b"20161026130127\na.example. 300 IN A 203.0.113.7\n"),
            ("urn:test:notes", "resource", b"not a web capture"),
            ("https://a.example/logo.txt", "resource", b"LOGO"),
        ):
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    kind,
                    BytesIO(block),
                    len(block),
                    warc_content_type="text/plain",
                    warc_headers_dict={"WARC-Date": "2016-10-26T13:02:00Z"},
                )
            )
    return {
        "https://a.example/one": html,
        "http://b.example/two": b"<p>deflated</p>",
        "https://a.example/gone": b"nope",
        "https://a.example/logo.txt": b"LOGO",
    }


@pytest.mark.parametrize("suffix", [".warc.gz", ".warc"])
def test_a_crawlers_warc_reads_correctly(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"crawl{suffix}"
    expected = crawl_warc(path, gzipped=suffix.endswith(".gz"))
    read = list(read_captures(path))
    captures = {capture.url: capture for _, capture in read}
    assert list(captures) == list(expected)  # request, revisit, metadata, dns, urn: skipped
    assert {url: c.body for url, c in captures.items()} == expected
    one = captures["https://a.example/one"]
    assert one.status == 200 and one.content_type == "text/html; charset=utf-8"
    assert one.fetched_at == datetime(2016, 10, 26, 13, 1, 27, tzinfo=UTC)
    assert one.ip == "203.0.113.7" and one.record_id.startswith("<urn:uuid:")
    assert ("Transfer-Encoding", "chunked") in one.headers  # headers stay as archived
    assert captures["https://a.example/gone"].status == 404
    logo = captures["https://a.example/logo.txt"]
    assert (logo.status, logo.content_type, logo.headers) == (None, "text/plain", ())
    for ref, capture in read:
        assert read_capture(ref) == capture


def test_a_ref_to_a_record_that_is_no_capture_is_an_error(tmp_path: Path) -> None:
    refs = write_captures(tmp_path, fetches(2))
    with pytest.raises(WarcError, match="warcinfo record"):
        read_capture(CaptureRef(refs[0].path, 0, refs[0].offset))
    with pytest.raises(WarcError) as caught:
        read_capture(CaptureRef(refs[0].path, refs[0].offset + 3, 10))
    assert isinstance(caught.value, NewsflowError) and caught.value.offset == refs[0].offset + 3


def read_until_error(path: Path) -> tuple[list[Capture], WarcError | None]:
    """Every capture read from path, and the error raised after them, if any."""
    captures = []
    try:
        for _, capture in read_captures(path):
            captures.append(capture)
    except WarcError as exc:
        return captures, exc
    return captures, None


def crawler_file(path: Path, results: list) -> list[int]:
    """Responses written with warcio alone, gzipped if the name says so; their offsets."""
    offsets = []
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=path.suffix == ".gz")
        for result in results:
            offsets.append(out.tell())
            head = http(f"{result.status} X", ("Content-Length", str(len(result.body))))
            record = writer.create_warc_record(
                result.url,
                "response",
                BytesIO(result.body),
                len(result.body),
                http_headers=head,
                warc_headers_dict={"WARC-Date": result.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")},
            )
            writer.write_record(record)
    return offsets


@pytest.mark.parametrize("suffix", [".warc.gz", ".warc"])
@pytest.mark.parametrize("kept", [0.1, 0.8])  # cut in the record's headers, or in its payload
def test_a_truncated_file_yields_its_whole_records_then_fails(
    tmp_path: Path, suffix: str, kept: float
) -> None:
    results = fetches(10)
    path = tmp_path / f"whole{suffix}"
    offsets = crawler_file(path, results)
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(path.read_bytes()[: offsets[7] + int((offsets[8] - offsets[7]) * kept)])
    captures, error = read_until_error(cut)
    assert [c.body for c in captures] == [r.body for r in results[:7]]
    assert error is not None and error.offset == offsets[7]
    assert str(cut) in str(error) and f"byte {offsets[7]}" in str(error)
    assert read_capture(CaptureRef(str(cut), offsets[6], 0)).body == results[6].body
    with pytest.raises(WarcError):
        read_capture(CaptureRef(str(cut), offsets[7], 0))


def test_a_gzip_member_cut_in_its_trailer_is_not_taken_as_whole(tmp_path: Path) -> None:
    results = fetches(4)
    path = tmp_path / "crawl.warc.gz"
    offsets = crawler_file(path, results)
    path.write_bytes(path.read_bytes()[:-3])  # the payload is there, the CRC check is not
    captures, error = read_until_error(path)
    assert [c.body for c in captures] == [r.body for r in results[:3]]
    assert error is not None and error.offset == offsets[3] and "gzip member" in str(error)


def test_records_after_a_corrupt_gzip_member_are_still_read(tmp_path: Path) -> None:
    results = fetches(12)
    refs = write_captures(tmp_path / "out", results)
    data = bytearray(Path(refs[0].path).read_bytes())
    data[1] ^= 0xFF  # the warcinfo's gzip header: the file no longer starts like a .warc.gz
    for bad in (refs[3], refs[4], refs[8]):  # 3 and 4 make one damaged stretch
        middle = bad.offset + bad.length // 2
        data[middle : middle + 8] = bytes(b ^ 0xFF for b in data[middle : middle + 8])
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(bytes(data))
    captures, error = read_until_error(damaged)
    kept = [r for n, r in enumerate(results) if n not in (3, 4, 8)]
    assert [c.body for c in captures] == [r.body for r in kept]
    assert error is not None and [offset for offset, _ in error.regions] == [
        0,
        refs[3].offset,
        refs[8].offset,
    ]
    assert error.count == 3 and "2 more damaged region" in str(error)


def test_records_after_a_corrupt_plain_record_are_still_read(tmp_path: Path) -> None:
    path = tmp_path / "plain.warc"
    results = fetches(8)
    offsets = crawler_file(path, results)
    data = path.read_bytes()
    # a damaged end of headers makes warcio misjudge where record 5 ends and 6 begins
    head_end = data.index(b"\r\n\r\n", offsets[5])
    data = data[:head_end] + b"\r\n\x1a\n" + data[head_end + 4 :]
    # a Content-Length that claims more than the file holds swallows the records after it
    head_end = data.index(b"\r\n\r\n", offsets[2])
    length = re.search(rb"Content-Length: \d+", data[offsets[2] : head_end]).group(0)
    data = data[: offsets[2]] + data[offsets[2] :].replace(length, b"Content-Length: 99999999", 1)
    path.write_bytes(data)
    captures, error = read_until_error(path)
    bodies = [c.body for c in captures]
    assert all(results[n].body in bodies for n in (0, 1, 3, 4, 6, 7))
    assert results[2].body not in bodies
    assert error is not None and error.offset == offsets[2] and "cut short" in str(error)
    assert error.count == 2 and offsets[5] < error.regions[1][0] < offsets[7]


@pytest.mark.parametrize("suffix", [".warc.gz", ".warc"])
def test_damage_never_loses_a_record_silently(tmp_path: Path, suffix: str) -> None:
    results = fetches(12)
    path = tmp_path / f"clean{suffix}"
    offsets = crawler_file(path, results)
    clean = path.read_bytes()
    spans = list(zip(offsets, [*offsets[1:], len(clean)], strict=True))
    damaged = tmp_path / f"damaged{suffix}"
    rng = random.Random(11)
    for _ in range(150):
        at = rng.randrange(len(clean))
        if rng.random() < 0.5:  # one byte changed
            data, present = bytearray(clean), range(len(results))
            data[at] ^= rng.randrange(1, 256)
        else:  # the file cut short
            data, present = bytearray(clean[:at]), [i for i, (a, _) in enumerate(spans) if a < at]
        damaged.write_bytes(data)
        captures, error = read_until_error(damaged)
        bodies = [c.body for c in captures]
        untouched = [i for i in present if not spans[i][0] <= at < spans[i][1]]
        assert all(results[i].body in bodies for i in untouched), at
        if suffix.endswith(".gz"):  # gzip's CRC catches what an uncompressed file cannot
            assert all(c.body in [r.body for r in results] for c in captures), at
            assert error is not None or len(captures) == len(present), at


@pytest.mark.parametrize("field", [b"WARC-Date", b"WARC-Type"])
def test_a_record_without_a_required_field_is_damage(tmp_path: Path, field: bytes) -> None:
    path = tmp_path / "plain.warc"
    offsets = crawler_file(path, fetches(3))
    data = path.read_bytes()
    at = data.index(field, offsets[1])
    path.write_bytes(data[:at] + b"X-" + data[at + 2 :])
    captures, error = read_until_error(path)
    assert [c.url for c in captures] == [r.url for r in fetches(3)[::2]]
    assert error is not None and error.offset == offsets[1]
    assert f"without {'a valid ' if field == b'WARC-Date' else ''}{field.decode()}" in str(error)


def test_a_file_that_is_no_warc_fails_at_byte_zero(tmp_path: Path) -> None:
    path = tmp_path / "page.warc.gz"
    path.write_bytes(b"<html><body>not an archive</body></html>\n" * 10)
    captures, error = read_until_error(path)
    assert captures == [] and error is not None and error.offset == 0
    assert error.regions[0][1].startswith("Invalid WARC record")


def test_a_file_gzipped_as_a_whole_is_reported(tmp_path: Path) -> None:
    plain = tmp_path / "crawl.warc"
    crawl_warc(plain, gzipped=False)
    whole = tmp_path / "crawl.warc.gz"
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    captures, error = read_until_error(whole)
    assert captures == [] and error is not None and error.offset == 0
    assert "recompress" in str(error)


def test_a_huge_payload_is_cut_to_max_bytes(tmp_path: Path, caplog) -> None:
    big = random.Random(3).randbytes(12 * 1024 * 1024)
    refs = write_captures(
        tmp_path, [make_fetch(body=big), make_fetch("https://b.example/", body=b"after")]
    )
    caplog.set_level(logging.WARNING, logger="newsflow.extractors.warc")
    tracemalloc.start()
    try:
        read = list(read_captures(Path(refs[0].path), max_bytes=1024 * 1024))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [c.body for _, c in read] == [big[: 1024 * 1024], b"after"]
    assert peak < 6 * 1024 * 1024  # the 12 MB body was never held whole
    assert [ref for ref, _ in read] == refs
    assert "cut to 1048576 bytes" in caplog.text
    assert read_capture(refs[0], max_bytes=10).body == big[:10]


def test_a_content_encoded_payload_is_cut_after_decoding(tmp_path: Path) -> None:
    path = tmp_path / "bomb.warc.gz"
    zeros = gzip.compress(bytes(5 * 1024 * 1024))
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        head = http("200 OK", ("Content-Encoding", "gzip"))
        writer.write_record(
            writer.create_warc_record(
                "https://z.example/",
                "response",
                BytesIO(zeros),
                len(zeros),
                http_headers=head,
                warc_headers_dict={"WARC-Date": "2026-11-20T12:00:00Z"},
            )
        )
    ((_, capture),) = read_captures(path, max_bytes=4096)
    assert capture.body == bytes(4096)

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsflow.errors import ConfigError
from newsflow.extractors.urllists import read_url_list


def write(tmp_path: Path, text: str, name: str = "urls.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def test_plain_list_skips_comments_blanks_and_repeats(tmp_path):
    path = write(
        tmp_path,
        "\ufeff# archive of the Example Times\n"
        "\n"
        "https://news.example/a\n"
        "   http://news.example/b   \r\n"
        "https://news.example/a\n"
        "  # an indented comment\n"
        "https://news.example/c  checked by hand\n"
        "ftp://news.example/d\n"
        "news.example/e\n"
        "javascript:alert(1)\n"
        "http://news.example/b\n"
        "HTTPS://news.example/f",
    )
    assert list(read_url_list(path)) == [
        "https://news.example/a",
        "http://news.example/b",
        "https://news.example/c",
        "HTTPS://news.example/f",
    ]


def test_first_line_with_a_comma_in_a_url_is_still_a_plain_list(tmp_path):
    path = write(tmp_path, "https://news.example/a,b\nhttps://news.example/c\n")
    assert list(read_url_list(path)) == ["https://news.example/a,b", "https://news.example/c"]


def test_csv_with_a_url_column(tmp_path):
    path = write(
        tmp_path,
        "id,URL ,title\n"
        '1,https://news.example/a,"Rates held, markets rally"\n'
        "2, https://news.example/b ,Storm\n"
        "\n"
        '3,"https://news.example/c?x=1,2",Quoted\n'
        "4,https://news.example/a,Again\n"
        "5,not-a-url,Broken\n"
        "6\n",
        "urls.csv",
    )
    assert list(read_url_list(path)) == [
        "https://news.example/a",
        "https://news.example/b",
        "https://news.example/c?x=1,2",
    ]


def test_csv_with_semicolons_or_tabs(tmp_path):
    semicolons = write(tmp_path, "title;url\nA;https://news.example/a\n", "a.csv")
    tabs = write(tmp_path, "url\tsection\nhttps://news.example/b\tworld\n", "b.tsv")
    assert list(read_url_list(semicolons)) == ["https://news.example/a"]
    assert list(read_url_list(tabs)) == ["https://news.example/b"]


def test_single_url_column_header(tmp_path):
    path = write(tmp_path, "Url\nhttps://news.example/a\nhttps://news.example/b\n")
    assert list(read_url_list(path)) == ["https://news.example/a", "https://news.example/b"]


def test_csv_without_url_column_raises_at_once(tmp_path):
    path = write(tmp_path, "\nid,link,title\n1,https://news.example/a,A\n", "export.csv")
    with pytest.raises(ConfigError) as raised:
        read_url_list(path)  # not iterated: the header is checked when the list is opened
    message = str(raised.value)
    assert "export.csv" in message and "line 2" in message and "id, link, title" in message


def test_missing_file_raises_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"missing\.txt: cannot read"):
        read_url_list(tmp_path / "missing.txt")
    with pytest.raises(ConfigError, match="cannot read"):
        read_url_list(tmp_path)  # a directory


def test_bad_encoding_is_reported_with_its_line_number_when_reached(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes(
        b"https://news.example/a\nhttps://news.example/b\nhttps://news.example/caf\xe9\n"
    )
    urls = read_url_list(path)
    assert next(urls) == "https://news.example/a"
    assert next(urls) == "https://news.example/b"
    with pytest.raises(ConfigError, match=r"latin1\.txt: line 3 is not UTF-8"):
        next(urls)


def test_streams_lazily(tmp_path):
    path = tmp_path / "big.txt"
    lines = "".join(f"https://news.example/{n}\n" for n in range(100_000)).encode()
    path.write_bytes(lines + b"\xff\n")
    urls = read_url_list(path)
    assert isinstance(urls, Iterator) and not isinstance(urls, list | tuple)
    assert next(urls) == "https://news.example/0"  # the broken last line is not read yet
    seen = 1
    with pytest.raises(ConfigError, match="line 100001"):
        for _ in urls:
            seen += 1
    assert seen == 100_000


def test_empty_and_comment_only_files(tmp_path):
    assert list(read_url_list(write(tmp_path, "", "empty.txt"))) == []
    assert list(read_url_list(write(tmp_path, "# nothing yet\n\n", "c.txt"))) == []

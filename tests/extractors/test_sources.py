from pathlib import Path

import pytest

from newsflow.errors import ConfigError
from newsflow.extractors.sources import load_sources, parse_opml, parse_sources_yaml
from newsflow.models import Source


def test_yaml_sources_with_all_fields_and_url_shorthand():
    sources = parse_sources_yaml(
        """
sources:
  - url: https://example.org/rss.xml
    name: Example
    language: fr-FR
    tags: [world, politics]
  - https://example.com/atom.xml
"""
    )
    assert sources == [
        Source("https://example.org/rss.xml", "Example", "fr", ("world", "politics")),
        Source("https://example.com/atom.xml"),
    ]


def test_repeated_urls_are_kept_once():
    sources = parse_sources_yaml("sources: [https://a.example/feed, https://a.example/feed]")
    assert [s.url for s in sources] == ["https://a.example/feed"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("sources: [", "invalid YAML (line 1)"),
        ("feeds: []", "'sources:' list"),
        ("sources: []", "non-empty list"),
        ("sources: [{name: x}]", "source #1: 'url' is required"),
        ("sources: [{url: 'ftp://example.org/feed'}]", "is not an http(s) URL"),
        ("sources: [{url: 'https://a.example/f', lang: fr}]", "unknown keys lang"),
        ("sources: [{url: 'https://a.example/f', language: french}]", "not an ISO 639-1"),
        ("sources: [{url: 'https://a.example/f', tags: [1]}]", "list of strings"),
    ],
)
def test_invalid_yaml_files_say_what_is_wrong(content, message):
    with pytest.raises(ConfigError, match=None) as caught:
        parse_sources_yaml(content)
    assert message in str(caught.value)


OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="World">
      <outline type="rss" text="Le Veilleur" xmlUrl="https://veilleur.example/rss.xml"/>
      <outline text="Europe">
        <outline type="rss" title="Kurier" text="K" xmlUrl="https://kurier.example/feed"/>
      </outline>
    </outline>
    <outline type="rss" text="Top level" xmlUrl="https://top.example/rss"/>
  </body>
</opml>"""


def test_opml_nested_outlines_become_tags():
    assert parse_opml(OPML) == [
        Source("https://veilleur.example/rss.xml", "Le Veilleur", None, ("World",)),
        Source("https://kurier.example/feed", "Kurier", None, ("World", "Europe")),
        Source("https://top.example/rss", "Top level", None, ()),
    ]


def test_load_sources_detects_opml_by_content(tmp_path: Path):
    path = tmp_path / "subscriptions.xml"
    path.write_bytes(OPML)
    assert len(load_sources(path)) == 3


def test_load_sources_errors_name_the_file(tmp_path: Path):
    path = tmp_path / "feeds.yaml"
    path.write_text("sources: [{name: missing url}]")
    with pytest.raises(ConfigError) as caught:
        load_sources(path)
    assert str(caught.value) == f"{path}: source #1: 'url' is required"


def test_missing_file_and_broken_opml_are_config_errors(tmp_path: Path):
    with pytest.raises(ConfigError, match="cannot read feeds file"):
        load_sources(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.opml"
    broken.write_bytes(b"<?xml version='1.0'?><opml><body><outline")
    with pytest.raises(ConfigError, match="invalid OPML"):
        load_sources(broken)


def test_default_feeds_file_is_valid():
    sources = load_sources(Path(__file__).parents[2] / "feeds.yaml")
    assert len(sources) >= 18
    assert {s.language for s in sources} >= {"en", "fr", "de", "es"}
    assert all(s.url.startswith("https://") for s in sources)

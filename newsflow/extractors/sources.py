"""Feeds files (YAML or OPML) to `Source` records; a bad file is a `ConfigError` naming it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import lxml.etree
import yaml

from newsflow.errors import ConfigError
from newsflow.models import Source


def load_sources(path: str | Path) -> list[Source]:
    """Read a feeds file: YAML (`sources:` list) or OPML, chosen by content."""
    path = Path(path)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read feeds file: {exc.strerror or exc}") from None
    try:
        if _is_opml(content):
            return parse_opml(content)
        return parse_sources_yaml(content)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None


def parse_sources_yaml(content: bytes | str) -> list[Source]:
    """The YAML form: `sources:` holding mappings with url, name, language, tags."""
    try:
        document = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ConfigError(f"invalid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(document, dict) or "sources" not in document:
        raise ConfigError("expected a mapping with a 'sources:' list")
    items = document["sources"]
    if not isinstance(items, list) or not items:
        raise ConfigError("'sources:' must be a non-empty list")
    return _unique([_source_from_item(item, number) for number, item in enumerate(items, 1)])


def parse_opml(content: bytes) -> list[Source]:
    """The OPML form: every outline with an xmlUrl; enclosing outlines become tags."""
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, recover=False)
    try:
        root = lxml.etree.fromstring(content, parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise ConfigError(f"invalid OPML: {exc}") from None
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise ConfigError("invalid OPML: no <opml><body>")
    sources = list(_opml_outlines(body, ()))
    if not sources:
        raise ConfigError("OPML lists no outline with an xmlUrl")
    return _unique(sources)


def _opml_outlines(node: Any, tags: tuple[str, ...]) -> list[Source]:
    """Walk nested outlines depth-first, collecting feeds."""
    found = []
    for outline in node.findall("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        label = outline.get("title") or outline.get("text")
        if url:
            _check_url(url, f"outline {label!r}")
            language = outline.get("language")
            found.append(Source(url=url, name=label, language=_language(language), tags=tags))
        else:
            found.extend(_opml_outlines(outline, (*tags, label) if label else tags))
    return found


def _source_from_item(item: Any, number: int) -> Source:
    """One `sources:` item: a URL string or a mapping."""
    where = f"source #{number}"
    if isinstance(item, str):
        item = {"url": item}
    if not isinstance(item, dict):
        raise ConfigError(f"{where}: expected a mapping with 'url', got {type(item).__name__}")
    unknown = set(item) - {"url", "name", "language", "tags"}
    if unknown:
        raise ConfigError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    url = item.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"{where}: 'url' is required")
    _check_url(url.strip(), where)
    tags = item.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ConfigError(f"{where}: 'tags' must be a list of strings")
    name = item.get("name")
    return Source(
        url=url.strip(),
        name=str(name) if name is not None else None,
        language=_language(item.get("language"), where),
        tags=tuple(tags),
    )


def _check_url(url: str, where: str) -> None:
    """Feed URLs must be absolute http(s) URLs."""
    if not url.startswith(("http://", "https://")) or len(url) < 10:
        raise ConfigError(f"{where}: {url!r} is not an http(s) URL")


def _language(value: Any, where: str = "outline") -> str | None:
    """An ISO 639-1 code such as 'fr' (region suffixes like 'fr-CA' are cut)."""
    if value is None or value == "":
        return None
    code = str(value).strip().lower().replace("_", "-").split("-")[0]
    if len(code) != 2 or not code.isalpha():
        raise ConfigError(f"{where}: language {value!r} is not an ISO 639-1 code like 'fr'")
    return code


def _unique(sources: list[Source]) -> list[Source]:
    """Drop repeated URLs, keeping the first occurrence."""
    seen: set[str] = set()
    result = []
    for source in sources:
        if source.url not in seen:
            seen.add(source.url)
            result.append(source)
    return result


def _is_opml(content: bytes) -> bool:
    """OPML is XML whose root is <opml>."""
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return (head.startswith(b"<?xml") and b"<opml" in head) or head.startswith(b"<opml")

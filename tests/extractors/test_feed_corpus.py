"""Every feed of the shared third-party corpus (../shared/data/feeds) through the parser."""

from pathlib import Path

import feedparser
import pytest

from newsflow.extractors.feeds import parse_feed

CORPUS = Path(__file__).parents[3] / "shared" / "data" / "feeds"
FILES = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix not in (".md", ".csv"))

pytestmark = pytest.mark.skipif(not FILES, reason=f"evaluation corpus not found at {CORPUS}")


def test_no_exception_escapes_and_every_file_gets_an_answer():
    outcomes = {"feeds": 0, "errors": 0}
    for path in FILES:
        feed = parse_feed(path.read_bytes(), f"https://feeds.example/{path.name}")
        assert feed.entries or feed.error is not None or feed.version, path
        outcomes["errors" if feed.error else "feeds"] += 1
    assert outcomes["feeds"] > 3500  # most of the corpus is usable, not merely survived


def test_wellformed_entry_counts_match_feedparser():
    """Every entry feedparser finds with an article link is kept."""
    mismatches = []
    for path in (p for p in FILES if "wellformed" in p.parts and p.suffix != ".json"):
        body = path.read_bytes()
        reference = feedparser.parse(
            body, response_headers={"content-location": "https://feeds.example/"}
        )
        if not reference.get("version"):
            continue
        expected = sum(
            1
            for e in reference.entries
            if e.get("link") or _href(e) or str(e.get("id", "")).startswith(("http://", "https://"))
        )
        got = len(parse_feed(body, "https://feeds.example/").entries)
        if got != expected:
            mismatches.append((path.name, expected, got))
    assert mismatches == []


def _href(entry):
    """An article link; enclosure-only items (podcasts) have none and are not articles."""
    links = entry.get("links") or []
    return any(link.get("href") and link.get("rel", "alternate") == "alternate" for link in links)

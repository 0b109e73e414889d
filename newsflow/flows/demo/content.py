"""Load the demo site's bundled articles: front matter plus a small Markdown subset."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

ARTICLES_DIR = Path(__file__).parent / "articles"
STATUSES = ("ok", "gone", "video")
REQUIRED_KEYS = ("title", "author", "published", "section", "summary")

_HEADING = re.compile(r"^#{1,6}\s+")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"\*(.+?)\*")
_SPACES = re.compile(r"\s+")
_LONG_WORD = re.compile(r"[^\W\d_]{6,}")  # six letters or more: content words, seldom stopwords
LENGTH_FACTORS = (0.5, 0.75, 1.0, 1.5, 2.0)  # of a distinct copy's body, against its original
SYNDICATED_EVERY = 10  # one distinct copy in ten is a near copy of the one before


@dataclass(frozen=True)
class DemoArticle:
    """One served article, with the gold text an extractor should recover."""

    outlet: str
    path: str
    language: str
    title: str
    author: str
    published: datetime
    section: str
    summary: str
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    story: str | None
    status: str


@dataclass(frozen=True)
class Block:
    """One body element; `kind` is 'p', 'h2', 'quote' or 'li', `text` keeps inline markup."""

    kind: str
    text: str


@dataclass(frozen=True)
class Story:
    """An article together with the body blocks its page is rendered from."""

    article: DemoArticle
    blocks: tuple[Block, ...]


def plain(text: str) -> str:
    """Drop the inline `**bold**` and `*italic*` markers."""
    return _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text))


def gold_paragraphs(blocks: tuple[Block, ...]) -> tuple[str, ...]:
    """Plain text of every block, in order."""
    return tuple(plain(block.text) for block in blocks)


def split_front_matter(text: str) -> tuple[str, str]:
    """Split a content file into its front matter and its body."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("content file must start with a '---' front matter line")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :])
    raise ValueError("front matter has no closing '---' line")


def parse_value(raw: str) -> Any:
    """Read one front matter value as YAML, falling back to the raw text (e.g. 'Grève : ...')."""
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError:
        return raw.strip()


def parse_front_matter(text: str) -> dict[str, tuple[str, Any]]:
    """Map each `key: value` line to its raw text and its YAML reading."""
    fields: dict[str, tuple[str, Any]] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, raw = line.partition(":")
        if not sep:
            raise ValueError(f"front matter line without a key: {line!r}")
        fields[key.strip()] = (raw.strip(), parse_value(raw))
    return fields


def text_field(fields: dict[str, tuple[str, Any]], key: str) -> str:
    """A text field: the YAML string, or the raw text when YAML read a number, date or bool."""
    raw, value = fields[key]
    text = value if isinstance(value, str) else raw
    return _SPACES.sub(" ", text).strip()


def parse_published(raw: str, value: Any) -> datetime:
    """A timezone-aware publication date."""
    published = value if isinstance(value, datetime) else datetime.fromisoformat(raw)
    if published.tzinfo is None:
        raise ValueError(f"published date needs a UTC offset: {raw!r}")
    return published


def parse_tags(raw: str, value: Any) -> tuple[str, ...]:
    """Tags from a YAML list, or from a comma-separated string."""
    items = value if isinstance(value, list) else raw.strip("[]").split(",")
    return tuple(str(item).strip().strip("'\"") for item in items if str(item).strip())


def parse_body(text: str) -> tuple[Block, ...]:
    """Blocks of the Markdown subset: paragraphs, `## ` headings, `> ` quotes, `- ` items."""
    blocks: list[Block] = []
    pending: list[str] = []
    pending_kind = "p"

    def flush() -> None:
        if pending:
            blocks.append(Block(pending_kind, _SPACES.sub(" ", " ".join(pending)).strip()))
            pending.clear()

    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line:
            flush()
        elif _HEADING.match(line):
            flush()
            blocks.append(Block("h2", _HEADING.sub("", line)))
        elif line.startswith(("- ", "* ")):
            flush()
            pending_kind = "li"
            pending.append(line[2:])
        elif line.startswith(">"):
            if pending_kind != "quote":
                flush()
            pending_kind = "quote"
            pending.append(line.lstrip(">").strip())
        else:
            if pending_kind == "quote":
                flush()
            if not pending:
                pending_kind = "p"
            pending.append(line)
    flush()
    return tuple(block for block in blocks if block.text)


def parse_article(text: str, outlet: str, language: str, slug: str) -> Story:
    """Parse one content file into a Story (an original, not a benchmark copy)."""
    front, body = split_front_matter(text)
    fields = parse_front_matter(front)
    missing = [key for key in REQUIRED_KEYS if key not in fields]
    if missing:
        raise ValueError(f"front matter lacks {', '.join(missing)}")
    status = text_field(fields, "status") if "status" in fields else "ok"
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    section = text_field(fields, "section")
    story = text_field(fields, "story") if "story" in fields else ""
    blocks = parse_body(body)
    article = DemoArticle(
        outlet=outlet,
        path=f"/{outlet}/{section}/{slug}",
        language=language,
        title=text_field(fields, "title"),
        author=text_field(fields, "author"),
        published=parse_published(*fields["published"]),
        section=section,
        summary=text_field(fields, "summary"),
        tags=parse_tags(*fields["tags"]) if "tags" in fields else (),
        # a video page shows no article text, so there is nothing to extract
        paragraphs=() if status == "video" else gold_paragraphs(blocks),
        story=story or None,
        status=status,
    )
    return Story(article, blocks)


def load_outlet(outlet: str, language: str, root: Path = ARTICLES_DIR) -> list[Story]:
    """Every article file of one outlet, newest first."""
    stories = []
    for path in sorted((root / outlet).glob("*.md")):
        try:
            text = path.read_text(encoding="utf-8")
            stories.append(parse_article(text, outlet, language, path.stem))
        except (ValueError, KeyError) as exc:
            raise ValueError(f"{path}: {exc}") from exc
    return sorted(stories, key=lambda story: story.article.published, reverse=True)


def make_copy(story: Story, n: int, path: str | None = None) -> Story:
    """Benchmark copy n of an ok story: own URL (`path`, by default the story's with `-c<n>`),
    headline suffixed, paragraphs rotated by n."""
    shift = n % len(story.blocks) if story.blocks else 0
    blocks = story.blocks[shift:] + story.blocks[:shift]
    original = story.article
    article = replace(
        original,
        path=path or f"{original.path}-c{n}",
        title=f"{original.title} ({n})",
        paragraphs=gold_paragraphs(blocks),
    )
    return Story(article, blocks)


def vocabulary(stories: Sequence[Story]) -> tuple[str, ...]:
    """The long words of an outlet's stories (lower case, sorted): what distinct copies draw
    their replacement words from, so that they stay in the outlet's language."""
    words = {
        word.lower()
        for story in stories
        for block in story.blocks
        for word in _LONG_WORD.findall(plain(block.text))
    }
    return tuple(sorted(words))


def make_distinct_copy(story: Story, n: int, words: Sequence[str]) -> Story:
    """Benchmark copy n of an ok story as another story of the same outlet: every word of six
    letters or more replaced by a word of the outlet's `vocabulary`, chosen from the word and
    n, and the body cut or extended (LENGTH_FACTORS, extra paragraphs rewritten anew) so that
    lengths vary. Every SYNDICATED_EVERY-th copy is instead copy n - 1 with its paragraphs
    rotated: a near copy, as syndication makes. The same (story, n) gives the same copy in
    every process."""
    if n % SYNDICATED_EVERY == 0:
        return make_copy(
            make_distinct_copy(story, n - 1, words), 1, path=f"{story.article.path}-c{n}"
        )
    blocks = _resized(story.blocks, LENGTH_FACTORS[_stable(f"length:{n}") % len(LENGTH_FACTORS)])
    rewritten = tuple(
        Block(block.kind, _rewrite(block.text, f"{n}:{index // len(story.blocks)}", words))
        for index, block in enumerate(blocks)
    )
    original = story.article
    article = replace(
        original,
        path=f"{original.path}-c{n}",
        title=_rewrite(original.title, str(n), words),
        summary=_rewrite(original.summary, str(n), words),
        paragraphs=gold_paragraphs(rewritten),
    )
    return Story(article, rewritten)


def _resized(blocks: tuple[Block, ...], factor: float) -> tuple[Block, ...]:
    """The blocks cut to, or repeated up to, `factor` times as many (at least two)."""
    if not blocks:
        return blocks
    wanted = max(2, round(len(blocks) * factor))
    return tuple(blocks[index % len(blocks)] for index in range(wanted))


def _rewrite(text: str, seed: str, words: Sequence[str]) -> str:
    """Every long word replaced by one of `words`, the same one for the same word and seed."""
    if not words:
        return text

    def replacement(match: re.Match[str]) -> str:
        word = match.group(0)
        chosen = words[_stable(f"{seed}:{word.lower()}") % len(words)]
        return chosen.capitalize() if word[0].isupper() else chosen

    return _LONG_WORD.sub(replacement, text)


def _stable(key: str) -> int:
    """A hash of `key` that every process agrees on (unlike `hash`)."""
    return zlib.crc32(key.encode("utf-8"))

"""A labelled syndication scenario for dedup benchmarks, generated from the demo articles.

Every demo article with text is a story. Each story is published by its outlet and copied by
others with edits (a new headline, boilerplate, a rewritten lead, an added paragraph, removed
sentences, a heavy rewrite, combinations). Each story also gets "siblings": distinct stories of
the same kind, made by changing the event's facts (the main names, every number, the day)
while keeping the wording, each with copies of its own. Labels: the story each article tells.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from newsflow.extractors.urls import article_id
from newsflow.flows.demo.content import DemoArticle, load_outlet
from newsflow.flows.demo.templates import THEMES
from newsflow.models import Article

SIBLINGS = 2
SIBLING_COPIES = 2
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÀ-Ý\"\u201c\u00ab])")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZÀ-Ý][a-zà-ÿ]{3,}\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SYLLABLES = (
    *("ka", "ro", "mi", "ten", "dal", "vos", "ri", "an", "el", "tor"),
    *("bra", "ves", "lun", "gar", "po", "sel", "thi", "mar", "nor", "ost"),
)
BOILERPLATE = (
    "Advertisement",
    "Sign up for our morning newsletter and get the day's top stories in your inbox.",
    "Follow us on Facebook and X for breaking news.",
    "© 2026 {outlet}. All rights reserved. This material may not be republished.",
    "Read also: {other}",
)
LOCAL = (
    "Closer to home, business owners in {town} said they were watching the situation "
    'closely. "We have about {n} days of stock left, after that it gets difficult," '
    "said {person}, who runs a family firm on {street} Road."
)


@dataclass(frozen=True)
class Labelled:
    """One generated article and the story it tells."""

    article: Article
    story: str
    edit: str


def base_articles() -> list[DemoArticle]:
    """The demo articles with text, one per story (syndicated copies of the wire story dropped)."""
    seen: set[str] = set()
    chosen = []
    for theme in THEMES:
        for story in load_outlet(theme.slug, theme.language):
            article = story.article
            if article.status != "ok" or (article.story and article.story in seen):
                continue
            seen.add(article.story or article.path)
            chosen.append(article)
    return chosen


def fake_name(rng: random.Random) -> str:
    """An invented proper name."""
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def fact_changer(text: str, rng: random.Random) -> Callable[[str], str]:
    """A rewrite to another event with the same wording: the most frequent names of `text`
    (five, or a quarter of them when there are more than twenty) and every number replaced."""
    names = Counter(_NAME.findall(text))
    mapping = {name: fake_name(rng) for name, _ in names.most_common(max(5, len(names) // 4))}
    numbers: dict[str, str] = {}

    def number(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        if digits not in numbers:
            numbers[digits] = str(max(2, int(int(digits) * rng.uniform(0.3, 2.5)) + 1))
        return numbers[digits]

    def rewrite(value: str) -> str:
        for old, new in mapping.items():
            value = re.sub(rf"\b{re.escape(old)}\b", new, value)
        return _NUMBER.sub(number, value)

    return rewrite


def sentences(paragraph: str) -> list[str]:
    """A paragraph split into sentences."""
    return _SENTENCE.split(paragraph)


def drop_sentences(paragraphs: list[str], share: float, rng: random.Random) -> list[str]:
    """Remove about `share` of the sentences after the lead."""
    kept = [paragraphs[0]]
    for paragraph in paragraphs[1:]:
        left = [s for s in sentences(paragraph) if rng.random() >= share]
        if left:
            kept.append(" ".join(left))
    return kept


def edits(
    base: DemoArticle, paragraphs: list[str], rng: random.Random
) -> dict[str, tuple[str, list[str]]]:
    """Copies of a story: edit name → (headline, paragraphs)."""
    other = rng.choice(["Council approves new budget", "Storm warning for the coast"])
    boiler = [b.format(outlet="The Courier", other=other) for b in BOILERPLATE]
    lead = [base.summary, *paragraphs[1:]]
    local = LOCAL.format(
        town=fake_name(rng),
        n=rng.randint(5, 20),
        person=f"Dana {fake_name(rng)}",
        street=fake_name(rng),
    )
    shuffled = paragraphs[1:]
    rng.shuffle(shuffled)
    heavy = drop_sentences([base.summary, *shuffled], 0.5, rng)
    return {
        "verbatim": (base.title, paragraphs),
        "headline": (f"{base.summary.split(',')[0].rstrip('.')}", paragraphs),
        "boilerplate": (base.title, [boiler[0], *paragraphs, *boiler[1:]]),
        "lead_rewrite": (base.title, lead),
        "added_paragraph": (base.title, [*paragraphs, local]),
        "removed_sentences": (base.title, drop_sentences(paragraphs, 0.25, rng)),
        "combo": (f"Update: {base.title}", [*drop_sentences(lead, 0.2, rng), *boiler[2:4]]),
        "heavy_rewrite": (base.summary.split(".")[0], heavy),
    }


def make_article(
    url: str, title: str, paragraphs: list[str], language: str, published: datetime
) -> Article:
    """An article record as the pipeline would build it."""
    body = "\n".join(paragraphs)
    return Article(
        article_id=article_id(url),
        url=url,
        canonical_url=url,
        source=url.rsplit("/", 2)[0],
        title=title,
        text=body,
        markdown=body,
        language=language,
        published_at=published,
        authors=(),
        site_name=None,
        description=None,
        fetched_at=published + timedelta(minutes=5),
        extractor="scenario",
        word_count=len(body.split()),
    )


def scenario(seed: int = 7) -> list[Labelled]:
    """The whole labelled scenario, in a shuffled arrival order."""
    rng = random.Random(seed)
    out: list[Labelled] = []
    for n, base in enumerate(base_articles()):
        paragraphs = list(base.paragraphs)
        published = base.published.astimezone(UTC)
        out += _story(f"s{n}", base, paragraphs, published, rng, copies=None)
        for k in range(SIBLINGS):
            change = fact_changer("\n".join(paragraphs), rng)
            sibling = replace(base, title=change(base.title), summary=change(base.summary))
            text = change("\n".join(paragraphs))
            when = published + timedelta(hours=rng.choice([3, 20, 40, 96, 170]))
            out += _story(f"s{n}-{k}", sibling, text.split("\n"), when, rng, copies=SIBLING_COPIES)
    rng.shuffle(out)
    return out


def _story(
    story: str,
    base: DemoArticle,
    paragraphs: list[str],
    published: datetime,
    rng: random.Random,
    copies: int | None,
) -> list[Labelled]:
    """The original and its copies (all edits, or `copies` of them chosen at random)."""
    url = f"https://origin.example/{story}"
    out = [
        Labelled(
            make_article(url, base.title, paragraphs, base.language, published), story, "original"
        )
    ]
    variants = list(edits(base, paragraphs, rng).items())
    if copies is not None:
        variants = rng.sample(variants, copies)
    for i, (edit, (title, body)) in enumerate(variants):
        when = published + timedelta(minutes=rng.randint(10, 600))
        copy = make_article(
            f"https://outlet{i}.example/{story}/{edit}", title, body, base.language, when
        )
        out.append(Labelled(copy, story, edit))
    return out

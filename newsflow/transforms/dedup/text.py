"""Text features for dedup: normalised text and its hash, words, the lead, and facts."""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np
from babel.dates import get_day_names, get_month_names

# scripts written without spaces between words: shingles are made of characters there
UNSPACED_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo"})
LEAD_WORDS = 60
LEAD_MIN_CHARS = 4  # lead tokens shorter than this are mostly function words

_NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f]\d{3}(?!\d))*(?:[.,]\d+)?")
_APOSTROPHES = "'\u2019"
_NAME = re.compile(rf"[^\W\d_][\w{_APOSTROPHES}-]*")
_SENTENCE_END = frozenset('.!?:;"\u201c\u201d\u00ab\u00bb\u2014\u2013-\n')
_POSSESSIVE = re.compile(rf"[{_APOSTROPHES}]s$")
CALENDAR_LOCALES = ("en", "fr", "de", "es", "it", "pt", "nl")


def _calendar_words() -> frozenset[str]:
    """Month and weekday names and their abbreviations (CLDR, through Babel), casefolded: they
    are capitalised in several languages but name no one ("Nov", "Monday", "Januar")."""
    words: set[str] = set()
    for locale in CALENDAR_LOCALES:
        for width in ("wide", "abbreviated"):
            for names in (
                get_month_names(width, locale=locale),
                get_day_names(width, locale=locale),
            ):
                words.update(n.casefold().rstrip(".") for n in names.values())
    return frozenset(w for w in words if len(w) >= 3)


CALENDAR_WORDS = _calendar_words()


@functools.cache
def separators() -> np.ndarray:
    """For every code point, whether normalisation turns it into a space: anything that is not
    a letter, digit or combining mark below U+30000 (Unicode M*, which `str.isalnum` lacks, stays
    part of its word: Devanagari, Thai, …). Punctuation, symbols, spaces and `_` are."""
    table = np.fromiter((not chr(c).isalnum() for c in range(0x110000)), bool, 0x110000)
    for code in np.flatnonzero(table[:0x30000]):
        if unicodedata.category(chr(code))[0] == "M":
            table[code] = False
    return table


def normalise_text(text: str, language: str | None = None) -> str:
    """Unicode NFKC, casefolded (Turkish dotted and dotless i kept apart), punctuation and
    symbols removed, whitespace collapsed."""
    return normalise_texts([text], [language])[0]


def normalise_texts(texts: Sequence[str], languages: Sequence[str | None]) -> list[str]:
    """`normalise_text` of many texts at once: the punctuation of all of them is replaced in
    one numpy pass over their code points."""
    folded = [_fold(text, language) for text, language in zip(texts, languages, strict=True)]
    joined = "".join(folded)
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), "<u4")
    spaced = np.where(separators()[codes], np.uint32(32), codes).astype("<u4", copy=False)
    joined = spaced.tobytes().decode("utf-32-le", "surrogatepass")
    out, start = [], 0
    for text in folded:
        out.append(" ".join(joined[start : start + len(text)].split()))
        start += len(text)
    return out


def _fold(text: str, language: str | None) -> str:
    """NFKC and casefolding (with the Turkish and Azerbaijani i)."""
    text = unicodedata.normalize("NFKC", text)
    if language in ("tr", "az"):
        text = text.replace("I", "\u0131").replace("\u0130", "i")
    return text.casefold()


def spaced_words(normalised: str, language: str | None = None) -> str:
    """The words signatures are made of, separated by single spaces: a normalised text, or its
    characters for languages written without spaces."""
    if language in UNSPACED_LANGUAGES:
        return " ".join(normalised.replace(" ", ""))
    return normalised


def text_hash(normalised: str) -> str:
    """BLAKE2b-128 hex of a normalised text."""
    return hashlib.blake2b(normalised.encode("utf-8"), digest_size=16).hexdigest()


def tokens(normalised: str, language: str | None = None) -> list[str]:
    """Words of a normalised text; characters for languages written without spaces."""
    if language in UNSPACED_LANGUAGES:
        return list(normalised.replace(" ", ""))
    return normalised.split()


def shingles(words: Sequence[str], size: int) -> list[str]:
    """Overlapping runs of `size` tokens, joined by a space (the whole text when shorter)."""
    if len(words) <= size:
        return [" ".join(words)] if words else []
    return [" ".join(words[i : i + size]) for i in range(len(words) - size + 1)]


def lead_tokens(title: str | None, text: str, language: str | None = None) -> list[str]:
    """Distinct content words of the headline and the first words of the text."""
    words = tokens(normalise_text(f"{title or ''} {text}", language), language)
    head = words[: LEAD_WORDS + len((title or "").split())]
    if language in UNSPACED_LANGUAGES:
        return sorted(set(shingles(head, 2)))
    return sorted({w for w in head if len(w) >= LEAD_MIN_CHARS})


def facts(text: str) -> tuple[str, ...]:
    """Names and numbers a story is about, most frequent first: capitalised words that do not
    open a sentence (casefolded, possessive dropped), then numbers without separators (`#6400`).
    Names never start with `#`, so the numbers are the tail of the tuple."""
    return facts_and_protagonists(text)[0]


def facts_and_protagonists(text: str, count: int = 3) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`facts(text)` and `protagonists(text, count)`, finding the names once."""
    names = _names(text).most_common()
    numbers = Counter("#" + re.sub(r"\D", "", m.group()) for m in _NUMBER.finditer(text))
    found = tuple(name for name, _ in names) + tuple(n for n, _ in numbers.most_common())
    return found, tuple(name for name, n in names[:count] if n > 1)


def headline_names(title: str | None, body_facts: Sequence[str]) -> tuple[str, ...]:
    """The capitalised words of a headline that the body names too (Title Case words that are
    not names are left out that way), in the headline's order."""
    if not title:
        return ()
    names = set(body_facts)
    words = (_POSSESSIVE.sub("", m.group().casefold()) for m in _NAME.finditer(title))
    return tuple(dict.fromkeys(w for w in words if w in names))


def protagonists(text: str, count: int = 3) -> tuple[str, ...]:
    """The names a text mentions more than once, the `count` most frequent."""
    return facts_and_protagonists(text, count)[1]


def _names(text: str) -> Counter[str]:
    """Occurrences of each name: a capitalised word that does not open a sentence and is no
    month or weekday."""
    names: Counter[str] = Counter()
    for match in _NAME.finditer(text):
        word = match.group()
        if word[0].isupper() and not _opens_sentence(text, match.start()):
            name = _POSSESSIVE.sub("", word.casefold()).rstrip(_APOSTROPHES + "-")
            if name not in CALENDAR_WORDS:
                names[name] += 1
    return names


def _opens_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` is the first of a sentence, paragraph or quotation."""
    before = text[max(0, start - 3) : start].rstrip(" \t(")
    return not before or before[-1] in _SENTENCE_END

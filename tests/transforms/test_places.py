import re
from pathlib import Path

import pytest

from newsflow.transforms.keywords import find_keywords, mentions
from newsflow.transforms.places import find_places

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "article-fr.txt"


def countries(entities):
    return {e.code: e.count for e in entities if e.kind == "country"}


def test_seed_article_names_the_koreas_russia_the_us_and_ukraine():
    if not SEED.exists():
        pytest.skip(f"{SEED} not available")
    places = find_places("", SEED.read_text(encoding="utf-8"), "fr")
    assert {"KP", "RU", "KR", "US", "UA"} <= set(countries(places))
    assert ("city", "KP", "Pyongyang") in {(e.kind, e.code, e.name) for e in places}
    assert places[0].code in {"KP", "RU"}  # the two most named


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("fr", "Le dirigeant nord-coréen a reçu un émissaire russe.", {"KP", "RU"}),
        ("de", "Die nordkoreanische Armee und Südkorea; Gespräche in Wien.", {"KP", "KR", "AT"}),
        ("es", "El ministro surcoreano viajó a Estados Unidos y a Pekín.", {"KR", "US", "CN"}),
        (
            "en",
            "The US and the UK sent envoys to Kyiv, said a Russian official.",
            {"US", "GB", "UA", "RU"},
        ),
    ],
)
def test_names_demonyms_cities_and_abbreviations(language, text, expected):
    assert set(countries(find_places("", text, language))) == expected


def test_proper_names_must_be_capitalised_and_cities_count_for_their_country():
    assert countries(find_places("", "we spoke to us about china plates", "en")) == {}
    places = find_places("Visite à Pyongyang", "La Corée du Nord reçoit.", "fr")
    assert countries(places) == {"KP": 2}


def test_keywords_are_ranked_yake_phrases_with_counts():
    text = "Le missile anti-aérien a été testé. Le missile est nouveau. " * 3
    keywords = find_keywords("Missile testé à Pyongyang", text, "fr")
    assert 0 < len(keywords) <= 10
    assert all(k.kind == "keyword" and k.code is None and k.score is not None for k in keywords)
    assert any("missile" in k.name.lower() and k.count >= 3 for k in keywords)
    assert find_keywords("", "  ", "fr") == []


def test_gazetteer_values_are_all_strings():
    """YAML reads a bare NO (Norway) as false: every code and name must stay a string."""
    from pathlib import Path

    import yaml

    import newsflow.transforms.places as places

    gazetteer = yaml.safe_load((Path(places.__file__).parent / "gazetteer.yaml").read_text())

    def leaves(node):
        if isinstance(node, dict):
            for key, value in node.items():
                yield key
                yield from leaves(value)
        elif isinstance(node, list):
            for value in node:
                yield from leaves(value)
        else:
            yield node

    assert all(isinstance(leaf, str) for leaf in leaves(gazetteer))
    oslo = find_places("Oslo", "Une réunion à Oslo.", "fr")
    assert {(e.kind, e.code) for e in oslo} >= {("city", "NO"), ("country", "NO")}


def test_keywords_in_every_stopword_language_and_in_languages_without_one():
    from newsflow.transforms.keywords import STOPWORD_LANGUAGES

    text = "Kim Jong-un visited Pyongyang. Kim Jong-un spoke about Pyongyang again."
    for language in [*sorted(STOPWORD_LANGUAGES), "cs", "sw", "xx", None]:
        names = {k.name.lower() for k in find_keywords("Kim in Pyongyang", text, language)}
        assert "pyongyang" in names, language


def test_stopwords_are_not_keywords_in_the_articles_language():
    text = "Die Regierung hat die Reform der Rente beschlossen. Die Rente steigt. " * 2
    names = {k.name.lower() for k in find_keywords("Rente", text, "de")}
    assert "rente" in names
    assert not names & {"die", "der", "hat"}


@pytest.mark.parametrize(
    ("haystack", "phrase"),
    [
        ("missile tests; the missile's range, missiles and anti-missile talk", "missile"),
        ("new york, new yorker and new-york", "new york"),
        ("aaa aa aa_aa aa", "aa"),
        ("été, étés et l'été", "été"),
        ("covid-19 and covid-190, covid-19.", "covid-19"),
        ("", "x"),
        ("x", ""),
    ],
)
def test_keyword_mentions_count_whole_words_as_a_word_boundary_pattern_does(haystack, phrase):
    pattern = rf"(?<!\w){re.escape(phrase)}(?!\w)"
    expected = len(re.findall(pattern, haystack)) if phrase else 0
    assert mentions(haystack, phrase) == expected

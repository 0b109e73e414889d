from pathlib import Path

import numpy as np
import pytest

from newsflow.errors import UnknownTagger, UnsupportedLanguage
from newsflow.transforms.enrich import Enrichment, enrich_article
from newsflow.transforms.terms import (
    Matcher,
    analysed,
    fold,
    fold_words,
    folded_tokens,
    tokens,
)
from newsflow.transforms.topics import available_taggers, get_tagger
from newsflow.transforms.topics.iptc import ancestors, taxonomy, top_level
from newsflow.transforms.topics.lexicon import (
    LANGUAGES,
    LexiconTagger,
    load_lexicon,
    read_lexicon,
)
from newsflow.transforms.topics.model import LinearModel, from_json, load_model, to_json

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "article-fr.txt"
DEMO = Path(__file__).resolve().parents[2] / "newsflow" / "flows" / "demo" / "articles"
CONFLICT, POLITICS = "medtop:16000000", "medtop:11000000"
DEFENCE, INTERNATIONAL = "medtop:20000598", "medtop:20000638"
SPORT = "medtop:15000000"


def codes(tags):
    return {t.code for t in tags}


@pytest.fixture(scope="module")
def seed():
    if not SEED.exists():
        pytest.skip(f"{SEED} not available")
    lines = SEED.read_text(encoding="utf-8").splitlines()
    return lines[2], "\n".join(lines[3:])  # line 0 is the breadcrumb, line 2 the headline


def test_seed_article_gets_conflict_defence_and_international_relations(seed):
    tags = get_tagger().tag(*seed, "fr")
    assert {CONFLICT, POLITICS, DEFENCE, INTERNATIONAL} <= codes(tags)
    by_code = {t.code: t for t in tags}
    assert by_code[CONFLICT].label == "Conflit, guerre et paix"
    assert by_code[CONFLICT].label_en == "conflict, war and peace"
    assert "missile*" in by_code[DEFENCE].evidence
    assert "medtop:15000000" not in codes(tags)  # no sport in a missile story


def test_every_subtopic_brings_its_ancestors_and_scores_are_ordered():
    text = "Les élections législatives ont lieu dimanche; les électeurs votent, le scrutin ferme."
    tags = get_tagger().tag("Élections législatives", text, "fr")
    assert "medtop:20000574" in codes(tags)  # election
    for tag in tags:
        assert set(ancestors(tag.code)) <= codes(tags)
        assert 0.0 <= tag.score <= 1.0
    by_code = {t.code: t for t in tags}
    assert by_code[POLITICS].score >= by_code["medtop:20000574"].score


@pytest.mark.parametrize(
    ("language", "title", "text", "expected"),
    [
        (
            "en",
            "Striker scores twice",
            "The striker scored two goals as the club won the match.",
            "medtop:15000000",
        ),
        (
            "de",
            "Erdbeben in der Türkei",
            "Ein schweres Erdbeben hat viele Tote gefordert; "
            "Rettungskräfte suchen nach Überlebenden.",
            "medtop:03000000",
        ),
        (
            "es",
            "Huelga en el puerto",
            "Los estibadores convocan una huelga; los sindicatos "
            "exigen un nuevo convenio colectivo.",
            "medtop:09000000",
        ),
        (
            "fr",
            "Grippe : l'épidémie arrive tôt",
            "Les hôpitaux voient affluer des malades de "
            "la grippe; les médecins appellent à la vaccination.",
            "medtop:07000000",
        ),
    ],
)
def test_best_top_level_topic_per_language(language, title, text, expected):
    top = [t for t in get_tagger().tag(title, text, language) if t.level == 1]
    assert top and top[0].code == expected


def test_uncovered_language_raises_a_typed_error():
    with pytest.raises(UnsupportedLanguage) as caught:
        get_tagger("lexicon").tag("Titolo", "Un testo in italiano sulla guerra.", "it")
    assert caught.value.language == "it" and caught.value.tagger == "lexicon"


def test_enrich_records_not_covered_and_still_finds_places():
    result = enrich_article("Titolo", "La Russia e l'Ucraina: guerra a Kiev.", "it")
    assert isinstance(result, Enrichment)
    assert result.tags == () and result.note == "language 'it' not covered by tagger lexicon"
    assert {"RU", "UA"} <= {e.code for e in result.entities if e.kind == "country"}


def test_enrich_is_picklable_for_worker_processes(seed):
    import pickle

    result = enrich_article(*seed, "fr")
    assert pickle.loads(pickle.dumps(result)) == result
    assert result.tagger == "lexicon" and result.note is None
    assert 0 < len([e for e in result.entities if e.kind == "keyword"]) <= 10


def test_demo_article_on_a_korean_missile_test_gets_conflict_and_politics():
    page = (DEMO / "veilleur" / "coree-du-nord-essai-missile.md").read_text(encoding="utf-8")
    _, header, body = page.split("---", 2)
    title = next(line[7:] for line in header.splitlines() if line.startswith("title: "))
    found = codes(get_tagger().tag(title, body, "fr"))
    assert {CONFLICT, POLITICS, DEFENCE} <= found


def test_registry():
    assert {"lexicon", "lexicon-only"} <= set(available_taggers())
    assert get_tagger("lexicon") is get_tagger()
    assert get_tagger("lexicon-only").version == get_tagger().version
    with pytest.raises(UnknownTagger):
        get_tagger("nope")


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_lexicons_cover_every_top_level_topic_with_known_codes(language):
    lexicon = read_lexicon(language)
    assert {c.code for c in top_level()} <= set(lexicon) | {
        a for code in lexicon for a in ancestors(code)
    }
    assert set(lexicon) <= set(taxonomy())
    assert load_lexicon(language).matcher.terms


def test_matcher_patterns_prefix_suffix_infix_and_longest_phrase():
    matcher = Matcher(["coreen*", "nord coreen*", "*wahl", "*klima*", "guerre"])
    words = [fold(w) for w in ("Nord", "coréens", "Landtagswahl", "Klimaschutz", "guerres")]
    words.append("guerre")
    found = [(matcher.terms[m.term].pattern, m.start) for m in matcher.find(words)]
    assert found == [("nord coreen*", 0), ("*wahl", 2), ("*klima*", 3), ("guerre", 5)]


def test_folding_a_whole_text_equals_folding_each_token():
    text = "Straße, Œuvre, ﬁn; Élysée-Palast — naïve 2e Coréens ﬀ İstanbul"
    assert folded_tokens(text) == [fold(t) for t in tokens(text)]
    assert folded_tokens("plain ascii Text") == ["plain", "ascii", "text"]


def test_the_tagger_and_the_place_finder_share_one_analysis_of_a_text():
    text = "Les Coréens du Nord ont tiré depuis Pyongyang, a dit Séoul."
    words, folded = analysed(text)
    assert list(words) == tokens(text)
    assert list(folded) == folded_tokens(text)
    assert analysed(text) is analysed(text)  # remembered, not recomputed


def test_folding_words_at_once_keeps_one_folded_word_per_word():
    # U+FDFA is one letter whose compatibility form is four words: the fast path must not
    # shift every later word by three
    words = ["Séoul", "\ufdfa", "Kyïv", "ÉTATS"]
    assert fold_words(words) == [fold(w) for w in words]
    assert len(fold_words(words)) == len(words)
    assert fold_words(words)[-1] == "etats"


def toy_model(beta=1.0):
    """Two classes: 'goal' pulls towards sport, 'vote' towards politics."""
    return LinearModel(
        language="en",
        classes=("politics", "sport"),
        codes=(frozenset({POLITICS, CONFLICT}), frozenset({SPORT})),
        vocabulary={"goal": 0, "vote": 1, "@" + SPORT: 2},
        weights=np.array([[-4.0, 4.0], [4.0, -4.0], [0.0, 0.5]]),
        bias=np.zeros(2),
        lexicon_weight=0.3,
        beta=beta,
    )


def test_model_lowers_the_topics_of_the_unlikely_group_and_never_adds_one():
    title, text = (
        "Vote on the stadium",
        "Fans cheered the goal, the goal, the goal as the club won.",
    )
    alone = {t.code: t.score for t in LexiconTagger(use_models=False).tag(title, text, "en")}
    blended = {
        t.code: t.score for t in LexiconTagger(models={"en": toy_model()}).tag(title, text, "en")
    }
    assert set(blended) <= set(alone)
    assert blended[SPORT] == alone[SPORT]  # the likeliest group keeps its scores
    assert POLITICS not in blended or blended[POLITICS] < alone[POLITICS]
    off = LexiconTagger(models={"en": toy_model(beta=0.0)}).tag(title, text, "en")
    assert {t.code: t.score for t in off} == alone


def test_model_probabilities_and_json_round_trip():
    model = toy_model()
    log_p = model.log_probabilities(["vote"], ["vote", "goal"], {SPORT: 3.0})
    assert np.exp(log_p).sum() == pytest.approx(1.0)
    adjust = model.adjustments(log_p)
    assert max(adjust.values()) == 0.0 and min(adjust.values()) < 0.0
    again = from_json(to_json(model))
    assert again.classes == model.classes and again.codes == model.codes
    assert np.allclose(again.weights, model.weights) and again.vocabulary == model.vocabulary
    with pytest.raises(ValueError):
        from_json('{"format": "something else"}')


def test_a_model_in_the_models_folder_reweighs_its_language(tmp_path, monkeypatch):
    title = "Parliament vote on the stadium"
    text = (
        "The government put the stadium plan to a vote in parliament. "
        "Fans cheered the goal, the goal, the goal as the club won the match."
    )
    (tmp_path / "en.json").write_text(to_json(toy_model()), encoding="utf-8")
    monkeypatch.setenv("NEWSFLOW_TOPIC_MODELS", str(tmp_path))
    load_model.cache_clear()
    try:
        assert load_model("en") is not None and load_model("fr") is None
        with_folder = {t.code: t.score for t in LexiconTagger().tag(title, text, "en")}
    finally:
        load_model.cache_clear()
    alone = {t.code: t.score for t in LexiconTagger(use_models=False).tag(title, text, "en")}
    assert with_folder[SPORT] == alone[SPORT]
    assert with_folder.get(POLITICS, 0) < alone[POLITICS]  # the folder's model lowered it

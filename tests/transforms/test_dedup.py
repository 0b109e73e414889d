"""Dedup layers as pure functions: URLs, feed entries, exact and near copies, clusters, versions."""

import random
import re
import unicodedata
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from newsflow.extractors.urls import article_id, canonical_url, choose_canonical, url_key
from newsflow.flows.demo import DemoSite
from newsflow.models import Article, FeedEntry
from newsflow.transforms.dedup import (
    EXACT,
    NEAR,
    DedupConfig,
    Deduplicator,
    DedupState,
    SeenEntry,
    SignatureIndex,
    detect_revision,
    engine,
    facts_agree,
    minhash,
    plan_fetches,
)
from newsflow.transforms.dedup.batch import dedup_batch
from newsflow.transforms.dedup.minhash import Scheme, signatures, similarity, word_hashes
from newsflow.transforms.dedup.text import (
    facts,
    facts_and_protagonists,
    normalise_text,
    normalise_texts,
    protagonists,
    separators,
)

BASE = "http://demo.test"
NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def demo_articles(site: DemoSite | None = None) -> dict[str, Article]:
    """The demo site's readable articles as the pipeline would build them, by path."""
    return (site or DemoSite(BASE)).gold_articles()


@pytest.fixture(scope="module")
def demo() -> dict[str, Article]:
    return demo_articles()


WIRE = "/northstar/business/port-ostrel-dockworkers-strike"
LANTERN_WIRE = "/lantern/business/port-ostrel-strike"
MERIDIAN_WIRE = "/meridian/business/aldoria-port-strike-local-importers"
KESTRAVA = "/lantern/world/kestrava-missile-test"
NARVOSSA = "/meridian/world/narvossa-long-range-missile"


# layer 1: canonical URL


@pytest.mark.parametrize(
    "variant",
    [
        "https://www.news.example/world/story?utm_source=rss&fbclid=x#top",
        "https://m.news.example/world/story",
        "https://amp.news.example/world/story",
        "https://news.example/world/story/amp",
        "https://www.news.example/world/story/amp/",
        "https://news.example/amp/world/story",
        "https://news.example/world/story.amp.html",
        "https://news.example/world/story?amp=1",
        "https://news.example/world/story?outputType=amp",
        "http://news.example/world/story/",
    ],
)
def test_url_variants_share_one_article_id(variant: str) -> None:
    assert url_key(variant) == url_key("https://news.example/world/story")
    assert article_id(canonical_url(variant)) == article_id("https://news.example/world/story")


def test_canonical_url_keeps_host_and_meaningful_query() -> None:
    assert canonical_url("https://www.a.example/x/amp?amp=1&id=3") == "https://www.a.example/x?id=3"
    assert url_key("https://m.a.example/p?id=3") != url_key("https://m.a.example/p?id=4")
    assert url_key("https://m.com/p") == "//m.com/p"  # a registered name is no host variant


def test_declared_canonical_from_amp_or_mobile_host_is_honoured() -> None:
    amp = "https://amp.site.example/a/amp?utm_medium=social"
    assert choose_canonical(amp, "https://www.site.example/a") == "https://www.site.example/a"
    assert choose_canonical(amp, "https://evil.example/a") == "https://amp.site.example/a"


# layer 2: feed entries


def entry(
    link: str, guid: str | None = None, source: str = "https://feed.example/rss"
) -> FeedEntry:
    return FeedEntry(source=source, link=link, guid=guid)


def seen(link: str, guid: str | None, age: timedelta, checked: timedelta) -> SeenEntry:
    return SeenEntry(
        article_id=article_id(canonical_url(link)),
        source="https://feed.example/rss",
        guid=guid,
        published_at=NOW - age,
        fetched_at=NOW - age,
        checked_at=NOW - checked,
    )


def test_plan_fetches_new_known_and_update_checks() -> None:
    known_old = seen("https://n.example/old", "g-old", timedelta(days=3), timedelta(days=3))
    known_young = seen("https://n.example/young", "g-young", timedelta(hours=3), timedelta(hours=2))
    just_checked = seen("https://n.example/fresh", None, timedelta(hours=1), timedelta(minutes=10))
    entries = [
        entry("https://n.example/new?utm_source=rss", "g-new"),
        entry("https://www.n.example/new/amp"),  # same article as the first entry
        entry("https://n.example/renamed-slug", "g-old"),  # same GUID, new URL: known
        entry("https://n.example/young", "g-young"),
        entry("https://m.n.example/fresh"),
    ]
    plan = plan_fetches(entries, [known_old, known_young, just_checked], NOW)
    assert [e.link for e in plan.new] == ["https://n.example/new?utm_source=rss"]
    assert [(e.link, s.guid) for e, s in plan.updates] == [("https://n.example/young", "g-young")]
    assert len(plan.skipped) == 3


def test_entry_whose_link_was_fetched_is_known_despite_another_canonical() -> None:
    known = replace(
        seen("https://n.example/story", None, timedelta(days=3), timedelta(days=3)),
        url="https://n.example/share/123",  # its page declared /story as canonical
    )
    plan = plan_fetches([entry("https://n.example/share/123")], [known], NOW)
    assert (plan.new, plan.updates, len(plan.skipped)) == ((), (), 1)


def test_same_guid_in_another_source_is_not_known() -> None:
    known = seen("https://n.example/a", "g1", timedelta(days=3), timedelta(days=3))
    plan = plan_fetches([entry("https://o.example/b", "g1", "https://other/rss")], [known], NOW)
    assert len(plan.new) == 1


# text features


def test_normalisation_is_language_aware() -> None:
    assert normalise_text("L\u2019\u00c9tat \u2014 \u00abÇa va!\u00bb  6,400 \ufb01les") == (
        "l \u00e9tat ça va 6 400 files"
    )
    assert normalise_text("DI\u015e \u0130\u015eLER", "tr") == "d\u0131\u015f i\u015fler"
    assert normalise_text("Straße", "de") == normalise_text("STRASSE", "de")
    assert normalise_text("हिन्दी।") == "हिन्दी"  # combining marks stay in their word


def test_separators_are_what_the_first_regular_expression_removed() -> None:
    # stored text hashes were made with this expression: the numpy table must agree with it
    marks = "".join(
        re.escape(chr(c)) for c in range(0x30000) if unicodedata.category(chr(c))[0] == "M"
    )
    punctuation = re.compile(r"[^\w\s" + marks + "]+")
    everything = "".join(map(chr, range(0x110000)))
    expected = np.fromiter((c.isspace() or c == "_" for c in everything), bool, len(everything))
    for match in punctuation.finditer(everything):
        expected[match.start() : match.end()] = True
    assert np.array_equal(separators(), expected)


def test_normalise_texts_keeps_texts_apart() -> None:
    texts = ["Hello, world!", "", "  — ", "Été  à\nParis."]
    assert normalise_texts(texts, ["en"] * 4) == ["hello world", "", "", "été à paris"]
    assert normalise_texts(texts, ["en"] * 4) == [normalise_text(t, "en") for t in texts]


def test_word_hashes_depend_on_the_word_alone() -> None:
    hashes, counts = word_hashes(["alpha beta", "", "beta alpha gamma", "gamma"])
    assert counts.tolist() == [2, 0, 3, 1]
    alpha, beta, beta2, alpha2, gamma, gamma2 = hashes.tolist()
    assert (alpha, beta, gamma) == (alpha2, beta2, gamma2)
    assert len({alpha, beta, gamma}) == 3
    assert word_hashes(["ab"])[0][0] != word_hashes(["ba"])[0][0]


def test_facts_and_protagonists(demo: dict[str, Article]) -> None:
    found = facts(demo[KESTRAVA].text)
    assert {"kestrava", "lisovia", "vesna-3", "#1100", "#14"} <= set(found)
    assert "the" not in found  # sentence-initial capitals are not names
    assert protagonists(demo[KESTRAVA].text)[0] == "kestrava"
    for article in demo.values():  # one pass gives both; the numbers are the tail of the facts
        found = facts(article.text)
        assert facts_and_protagonists(article.text) == (found, protagonists(article.text))
        numbers = [f for f in found if f.startswith("#")]
        assert list(found[len(found) - len(numbers) :]) == numbers


# near-duplicate index


def test_signature_similarity_tracks_jaccard() -> None:
    words = [f"w{i}" for i in range(300)]
    texts = [words, words[:240] + [f"x{i}" for i in range(60)], words[::-1]]
    sigs = signatures([" ".join(t) for t in texts], Scheme())
    assert similarity(sigs[0], sigs[1]) == pytest.approx(238 / 360, abs=0.12)
    assert similarity(sigs[0], sigs[2]) < 0.1  # shingles are ordered runs of words


def random_docs(count: int, seed: int = 1) -> list[str]:
    rng = np.random.default_rng(seed)
    return [" ".join(f"t{v}" for v in rng.integers(0, 50_000, 80)) for _ in range(count)]


def test_index_finds_near_rows_and_skips_empty_documents() -> None:
    docs = random_docs(300)
    near = " ".join(docs[7].split()[:70] + ["new"] * 10)
    index = SignatureIndex()
    index.add(signatures([*docs, ""], Scheme()))
    queries, rows, sims = index.matches(signatures([near, ""], Scheme()), 0.5)
    assert list(zip(queries, rows, strict=True)) == [(0, 7)] and sims[0] > 0.6


def test_index_grown_in_batches_answers_like_one_built_at_once() -> None:
    sigs = signatures(random_docs(3000), Scheme())
    copies = np.arange(2000, 3000, 10)
    sigs[copies] = sigs[copies - 1500]
    sigs[copies, ::16] = 7  # edited copies
    grown = SignatureIndex(tail_rows=256)  # levels merge many times
    for start in range(0, 3000, 100):
        rows = grown.add(sigs[start : start + 100])
        queries, found, _ = grown.matches(sigs[start : start + 100], 0.5, rows)
        assert (found < rows[queries]).all()  # with the queries' rows: earlier rows only
    at_once = SignatureIndex()
    at_once.add(sigs)
    assert np.array_equal(grown.signatures, at_once.signatures)
    for index in (grown, at_once):
        queries, found, _ = index.matches(sigs[copies], 0.5)
        assert set(zip(queries.tolist(), found.tolist(), strict=True)) == {
            pair for i, c in enumerate(copies.tolist()) for pair in ((i, c), (i, c - 1500))
        }


def test_a_pair_filter_keeps_exactly_the_pairs_it_accepts() -> None:
    sigs = signatures(random_docs(400), Scheme())
    copies = np.arange(200, 400)
    sigs[copies] = sigs[copies - 200]  # rows 200..399 copy rows 0..199
    index = SignatureIndex()
    index.add(sigs)
    every = index.matches(sigs[copies], 0.5)
    seen: list[int] = []

    def even_rows(queries: np.ndarray, rows: np.ndarray) -> np.ndarray:
        seen.append(len(rows))
        return rows % 2 == 0

    kept = index.matches(sigs[copies], 0.5, keep=even_rows)
    expected = {(q, r) for q, r in zip(every[0].tolist(), every[1].tolist(), strict=True)}
    assert {(q, r) for q, r in zip(kept[0].tolist(), kept[1].tolist(), strict=True)} == {
        (q, r) for q, r in expected if r % 2 == 0
    }
    assert len(expected) == 400 and len(kept[0]) == 200 and seen and seen[0] >= 400


def test_candidates_compared_in_chunks_match_as_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    bases = random_docs(10)
    edited = [f"{bases[i % 10]} edit{i} more{i}" for i in range(600)]  # 60 near copies of each
    sigs = signatures(edited, Scheme())
    index = SignatureIndex()
    index.add(sigs)
    at_once = index.matches(sigs[:50], 0.5)
    monkeypatch.setattr(minhash, "_PAIRS_AT_ONCE", 7)
    chunked = index.matches(sigs[:50], 0.5)
    assert len(at_once[0]) > 50 * 50  # many pairs, compared in many chunks of 7
    assert all(np.array_equal(a, b) for a, b in zip(at_once, chunked, strict=True))


def test_band_hashes_computed_in_chunks_match_one_row_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sigs = signatures(random_docs(50), Scheme())
    monkeypatch.setattr(minhash, "_HASH_ROWS", 8)  # 7 chunks, the last one short
    chunked = minhash.band_hashes(sigs, 32)
    one_by_one = np.vstack([minhash.band_hashes(sigs[i : i + 1], 32) for i in range(50)])
    assert chunked.shape == (50, 32) and chunked.dtype == np.uint32
    assert np.array_equal(chunked, one_by_one)
    assert len(np.unique(chunked[:, 0])) > 40  # distinct documents, distinct band hashes


# exact and near copies, clusters


def test_wire_story_copies_are_linked_to_the_agency_original(demo: dict[str, Article]) -> None:
    results = dict(zip(demo, Deduplicator().assign(list(demo.values())), strict=True))
    original = demo[WIRE].article_id
    lantern, meridian = results[LANTERN_WIRE], results[MERIDIAN_WIRE]
    assert (lantern.duplicate_of, lantern.duplicate_kind, lantern.similarity) == (
        original,
        EXACT,
        1.0,
    )
    assert (meridian.duplicate_of, meridian.duplicate_kind) == (original, NEAR)
    assert 0.6 < (meridian.similarity or 0) < 1.0
    assert {r.cluster_id for r in (lantern, meridian, results[WIRE])} == {original}
    others = [r for path, r in results.items() if path not in (WIRE, LANTERN_WIRE, MERIDIAN_WIRE)]
    assert all(r.duplicate_of is None and r.cluster_id == r.article_id for r in others)


def test_results_carry_their_signatures_though_the_index_keeps_them_apart(
    demo: dict[str, Article],
) -> None:
    config = DedupConfig()
    articles = list(demo.values())
    dedup = Deduplicator(config)
    first = dedup.assign(articles[:20])
    later = dedup.assign(articles[20:])
    again = dedup.assign(articles)  # all known now: their results as decided, signed
    assert again == [*first, *later]
    for article, result in zip(articles, again, strict=True):
        expected = signatures([normalise_text(article.text, article.language)], config.body)
        assert result.signature == expected[0].astype("<u4").tobytes()
        assert len(result.story_signature) == 4 * config.story.num_perm
    reloaded = Deduplicator.from_state(DedupState(tuple(again)), config)
    assert reloaded.assign(articles) == again
    # a loaded window shares its (interned) name tuples instead of copying them
    kept = reloaded._results[reloaded._row_of[again[0].article_id]]
    assert again[0].facts and kept.facts is again[0].facts and kept.signature == b""


def test_two_missile_tests_are_not_merged(demo: dict[str, Article]) -> None:
    kestrava, narvossa = demo[KESTRAVA], demo[NARVOSSA]
    # even published the same hour, the two tests stay two stories
    narvossa = replace(narvossa, published_at=kestrava.published_at)
    first, second = Deduplicator().assign([kestrava, narvossa])
    assert second.duplicate_of is None and second.cluster_id != first.cluster_id


def test_rewritten_copy_joins_the_cluster_but_is_no_duplicate(demo: dict[str, Article]) -> None:
    wire = demo[WIRE]
    paragraphs = wire.text.split("\n")
    rewrite = replace(
        wire,
        article_id=article_id("https://other.example/strike"),
        title="Strike paralyses Port Ostrel",
        text="\n".join([wire.description or "", *paragraphs[3:6], paragraphs[1]]),
        published_at=wire.published_at + timedelta(hours=5),
    )
    first, second = Deduplicator().assign([wire, rewrite])
    assert second.cluster_id == first.article_id
    assert second.duplicate_of is None or second.duplicate_kind == NEAR


def test_short_texts_are_never_linked_by_content() -> None:
    stub = Article(
        article_id="a",
        url="u",
        canonical_url="u",
        source="s",
        title=None,
        text="Subscribe to read this article.",
        markdown="",
        language="en",
        published_at=NOW,
        authors=(),
        site_name=None,
        description=None,
        fetched_at=NOW,
        extractor="t",
    )
    results = Deduplicator().assign([stub, replace(stub, article_id="b")])
    assert [r.duplicate_of for r in results] == [None, None]


def test_assign_is_idempotent_and_survives_a_restart(demo: dict[str, Article]) -> None:
    articles = list(demo.values())
    dedup = Deduplicator()
    first = dedup.assign(articles[:20])
    rest = dedup.assign(articles[20:])
    assert dedup.assign(articles) == first + rest
    restarted = Deduplicator.from_state(DedupState(tuple(first + rest)))
    assert restarted.assign(list(reversed(articles))) == list(reversed(first + rest))
    # a restart after the first half decides the second half the same way
    resumed = Deduplicator.from_state(DedupState(tuple(first)))
    assert resumed.assign(articles[20:]) == rest


BACKGROUND = (
    "Observers from the Council of Northern States watched the launch from a ship in the Sea of"
    " Varn. Analysts at the Council of Northern States said the Sea of Varn had seen {n} such"
    " tests this year."
)


def missile_test(article_id: str, text: str, hours: int) -> Article:
    return Article(
        article_id=article_id,
        url=article_id,
        canonical_url=article_id,
        source="s",
        title=None,
        text=text,
        markdown=text,
        language="en",
        published_at=NOW + timedelta(hours=hours),
        authors=(),
        site_name=None,
        description=None,
        fetched_at=NOW,
        extractor="t",
    )


def launch(article_id: str, country: str, rocket: str, km: int, tests: int, hours: int) -> Article:
    text = (
        f"Officials in {country} said the {rocket} rocket flew {km} kilometres on Monday. The"
        f" defence ministry of {country} called the {rocket} test a success. "
        + BACKGROUND.format(n=tests)
    )
    return missile_test(article_id, text, hours)


def reported(article: Article, article_id: str) -> Article:
    """A near copy of an article, an hour later."""
    return replace(
        article,
        article_id=article_id,
        text=article.text + " Reporting by the wire desk.",
        published_at=(article.published_at or NOW) + timedelta(hours=1),
    )


def test_an_article_telling_two_clusters_events_alike_joins_neither() -> None:
    kestrava = launch("kestrava", "Kestrava", "Vesna", 1100, 14, hours=0)
    lisovia = launch("lisovia", "Lisovia", "Orlak", 900, 11, hours=3)
    stories = [kestrava, reported(kestrava, "kestrava-2"), lisovia, reported(lisovia, "lisovia-2")]
    # the names both stories share, and nothing of either's own
    background = missile_test("background", BACKGROUND.format(n="several") * 2, hours=6)
    *known, neither = Deduplicator().assign([*stories, background])
    assert [r.cluster_id for r in known] == ["kestrava"] * 2 + ["lisovia"] * 2
    assert neither.cluster_id == "background" and neither.duplicate_of is None
    # with one of the two events known, nothing tells it apart: it joins that one
    assert Deduplicator().assign([*stories[:2], background])[2].cluster_id == "kestrava"


def test_names_alone_from_one_article_do_not_make_a_cluster() -> None:
    kestrava = launch("kestrava", "Kestrava", "Vesna", 1100, 14, hours=0)
    background = missile_test("background", BACKGROUND.format(n="several") * 2, hours=5)
    assert Deduplicator().assign([kestrava, background])[1].cluster_id == "background"
    same_figure = missile_test("figure", BACKGROUND.format(n=14) * 2, hours=5)
    assert Deduplicator().assign([kestrava, same_figure])[1].cluster_id == "kestrava"


def test_an_article_joins_no_cluster_that_never_names_its_headline_subject() -> None:
    background = replace(
        missile_test("background", BACKGROUND.format(n="several") * 2, hours=0),
        title="Council of Northern States watches the Sea of Varn",
    )
    known = [background, reported(background, "background-2")]
    lisovia = launch("lisovia", "Lisovia", "Orlak", 900, 11, hours=3)
    untitled = Deduplicator().assign([*known, lisovia])[2]
    assert untitled.cluster_id == "background"  # it tells the background articles' event
    titled = replace(lisovia, title="Lisovia tests the Orlak rocket")
    assert Deduplicator().assign([*known, titled])[2].cluster_id == "lisovia"


def test_a_near_copy_without_the_figures_must_name_no_one_the_other_does_not() -> None:
    (wire,) = Deduplicator().assign([launch("wire", "Kestrava", "Vesna", 1100, 14, hours=0)])
    assert wire.facts[-2:] == ("#1100", "#14") and {"sea", "varn"} <= set(wire.facts)
    names = tuple(f for f in wire.facts if f not in ("sea", "varn") and not f.startswith("#"))
    cut = replace(wire, article_id="cut", facts=names)  # figures and two names dropped
    assert facts_agree(cut, wire, DedupConfig())
    # a name the other does not give, and no figure to compare: not the same facts
    other = replace(cut, facts=(*names, "lisovia"))
    assert not facts_agree(other, wire, DedupConfig())
    # with the figures kept, they vouch for it
    assert facts_agree(replace(other, facts=(*other.facts, "#1100", "#14")), wire, DedupConfig())


def test_a_short_article_whose_lone_number_conflicts_joins_no_cluster() -> None:
    kestrava = launch("kestrava", "Kestrava", "Vesna", 1100, 14, hours=0)
    other = missile_test("other", BACKGROUND.format(n=12), hours=5)  # not the 14 tests
    assert Deduplicator().assign([kestrava, other])[1].cluster_id == "other"


def retelling(number: int) -> Article:
    """The Kestrava launch told in other words each time: the same facts, no near copy."""
    chance = random.Random(number)
    words = ["calm", "navy", "closed", "shipping", "lane", "schools", "open", "residents"]
    filler = " ".join(" ".join(chance.choices(words, k=12)) + "." for _ in range(8))
    told = launch(f"retold-{number}", "Kestrava", "Vesna", 1100, 14, hours=number)
    return replace(told, text=f"{filler} {told.text}")


def test_a_big_cluster_costs_a_new_member_few_comparisons(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dedup = Deduplicator()
    told = dedup.assign([retelling(n) for n in range(12)])
    assert {r.cluster_id for r in told} == {"retold-0"}
    assert not any(r.duplicate_of for r in told)  # retellings, not copies
    compared, same_event = [], engine.same_event

    def counted(*args: object) -> bool:
        compared.append(args)
        return same_event(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(engine, "same_event", counted)
    (latest,) = dedup.assign([retelling(12)])
    assert latest.cluster_id == "retold-0"
    # two agreeing members vouch for it: the other ten are not compared
    assert len(compared) == DedupConfig().cluster_support


def test_results_of_an_older_scheme_count_for_exact_copies_and_clusters(
    demo: dict[str, Article],
) -> None:
    wire = demo[WIRE]
    (stored,) = Deduplicator().assign([wire])
    state = DedupState((replace(stored, scheme="rensa-rminhash2/128/s3/12026"),))
    (exact,) = Deduplicator.from_state(state).assign([demo[LANTERN_WIRE]])
    assert (exact.duplicate_of, exact.duplicate_kind) == (wire.article_id, EXACT)
    # an old body signature is not compared: the near copy is no duplicate, but the same story
    (near,) = Deduplicator.from_state(state).assign([demo[MERIDIAN_WIRE]])
    assert near.duplicate_of is None and near.cluster_id == wire.article_id
    (linked,) = Deduplicator.from_state(DedupState((stored,))).assign([demo[MERIDIAN_WIRE]])
    assert linked.duplicate_of == wire.article_id


def test_a_copy_bridging_two_clusters_merges_them(demo: dict[str, Article]) -> None:
    wire = demo[WIRE]
    paragraphs = wire.text.split("\n")
    half_a = replace(wire, article_id="half-a", text="\n".join(paragraphs[:9]))
    half_b = replace(
        wire,
        article_id="half-b",
        text="\n".join(paragraphs[4:]),
        published_at=wire.published_at + timedelta(minutes=1),
    )
    dedup = Deduplicator()
    a, b = dedup.assign([half_a, half_b])
    assert a.cluster_id != b.cluster_id
    (whole,) = dedup.assign([replace(wire, published_at=wire.published_at + timedelta(hours=1))])
    assert whole.duplicate_kind == NEAR
    assert dedup.merges() == {b.cluster_id: a.cluster_id}
    assert {r.cluster_id for r in dedup.assign([half_a, half_b])} == {a.cluster_id}


# versions


def test_revision_reports_title_words_and_diff(demo: dict[str, Article]) -> None:
    old = demo[KESTRAVA]
    new = demo_articles(DemoSite(BASE, revision=1))[KESTRAVA]
    revision = detect_revision(old, new)
    assert revision is not None
    assert revision.title_changed and revision.previous_hash != revision.text_hash
    assert revision.words_added >= 25  # the correction note
    assert "-The missile, which the ministry named the Vesna-3, flew for about 14" in revision.diff
    assert "+The missile, which the ministry named the Vesna-3, flew for about 12" in revision.diff


def test_no_revision_for_spacing_or_punctuation_only() -> None:
    article = demo_articles()[KESTRAVA]
    respaced = replace(article, text=article.text.replace(". ", ".  ").replace(",", " ,"))
    assert detect_revision(article, respaced) is None
    assert detect_revision(article, article) is None


def test_dedup_batch_links_new_articles_and_revises_refetched_ones(
    demo: dict[str, Article],
) -> None:
    stored = {demo[KESTRAVA].article_id: demo[KESTRAVA], demo[NARVOSSA].article_id: demo[NARVOSSA]}
    corrected = demo_articles(DemoSite(BASE, revision=1))[KESTRAVA]
    batch = dedup_batch(
        [demo[WIRE], demo[LANTERN_WIRE], corrected, demo[NARVOSSA]], stored, DedupState()
    )
    assert [r.article_id for r in batch.results] == [
        demo[WIRE].article_id,
        demo[LANTERN_WIRE].article_id,
    ]
    assert batch.results[1].duplicate_of == demo[WIRE].article_id and batch.duplicates == 1
    assert [r.article_id for r in batch.revisions] == [corrected.article_id]  # Narvossa unchanged
    assert batch.previous == {corrected.article_id: demo[KESTRAVA]}

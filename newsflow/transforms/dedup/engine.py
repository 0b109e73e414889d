"""Exact, near-duplicate and story-cluster decisions over a batch, against a persisted state."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import numpy as np

from newsflow.models import Article
from newsflow.transforms.dedup import minhash, text
from newsflow.transforms.dedup.minhash import Scheme, SignatureIndex

EXACT, NEAR = "exact", "near"


@dataclass(frozen=True)
class DedupConfig:
    """Thresholds of the layers; the defaults are the ones `bench/dedup_quality.py` measured."""

    near_threshold: float = 0.5  # estimated Jaccard of 3-word shingles of the body
    numbers_agree: float = 0.8  # share of the numbers of the side with fewer that both have
    names_agree: float = 0.6  # the same for names, when both sides give two numbers or more
    names_alone_agree: float = 0.85  # for names, when a side gives fewer than two numbers
    story_threshold: float = 0.2  # Jaccard of the names-and-numbers sets, for a cluster
    story_numbers_agree: float = 0.75
    story_numbers_shared: int = 3  # telling numbers in common that stand for a protagonist
    protagonists_shared: int = 2  # of the three most frequent names of each, in the other
    cluster_window: timedelta = timedelta(hours=48)  # between the event times of one cluster
    cluster_support: int = 2  # members agreeing with an article that vouch for it without a
    # shared telling number, and stand in for the cluster's first article
    min_exact_words: int = 20  # shorter texts (stubs, notices) are never linked by content
    window: timedelta = timedelta(days=30)  # how far back the persisted state reaches
    body: Scheme = field(default_factory=Scheme)
    story: Scheme = field(default_factory=lambda: Scheme(num_perm=64, shingle=1))
    body_bands: int = 32
    story_bands: int = 32


@dataclass(frozen=True, slots=True)
class DedupResult:
    """The dedup decision and fingerprint of one article (one row of `article_dedup`)."""

    article_id: str
    text_hash: str
    duplicate_of: str | None
    duplicate_kind: str | None  # 'exact' or 'near'; None for a first copy
    similarity: float | None
    cluster_id: str
    event_at: datetime
    facts: tuple[str, ...]
    protagonists: tuple[str, ...]  # names mentioned more than once, the three most frequent
    signature: bytes  # body MinHash, little-endian uint32, body.num_perm of them
    story_signature: bytes  # MinHash of the facts, uint32, story.num_perm of them
    scheme: str
    words: int
    headline: tuple[str, ...] = ()  # names of the title that the body names too


@dataclass(frozen=True)
class DedupState:
    """What the warehouse remembers of earlier articles in the window (see `warehouse.dedup`)."""

    results: tuple[DedupResult, ...] = ()


@dataclass(frozen=True)
class _Features:
    """Fingerprints of a batch of new articles, columnar."""

    hashes: list[str]
    words: list[int]
    facts: list[tuple[str, ...]]
    protagonists: list[tuple[str, ...]]
    headlines: list[tuple[str, ...]]
    bodies: np.ndarray
    stories: np.ndarray


def event_time(article: Article) -> datetime:
    """When the story happened, as far as we know: its publication date, else its fetch."""
    moment = article.published_at or article.fetched_at
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def features(articles: Sequence[Article], config: DedupConfig) -> _Features:
    """Normalised-text hashes, body signatures, facts and their signatures, of articles."""
    normalised = text.normalise_texts([a.text for a in articles], [a.language for a in articles])
    words = [text.spaced_words(n, a.language) for n, a in zip(normalised, articles, strict=True)]
    named = [text.facts_and_protagonists(a.text) for a in articles]
    found = [facts for facts, _ in named]
    return _Features(
        hashes=[text.text_hash(n) for n in normalised],
        words=[w.count(" ") + 1 if w else 0 for w in words],
        facts=found,
        protagonists=[leads for _, leads in named],
        headlines=[text.headline_names(a.title, f) for a, f in zip(articles, found, strict=True)],
        bodies=minhash.signatures(words, config.body),
        stories=story_signatures(found, config),
    )


def story_signatures(found: Sequence[tuple[str, ...]], config: DedupConfig) -> np.ndarray:
    """Signatures of the names and numbers of articles (each fact is one word)."""
    return minhash.signatures([" ".join(f) for f in found], config.story)


def overlap(left: set[str], right: set[str]) -> float:
    """Share of the smaller set found in the other (1.0 when either is empty)."""
    smaller = min(len(left), len(right))
    return len(left & right) / smaller if smaller else 1.0


def _split(found: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """Numbers and names of a facts tuple."""
    numbers = _numbers(found)
    return numbers, set(found) - numbers


def _numbers(found: tuple[str, ...]) -> set[str]:
    """The numbers of a facts tuple: its tail of `#` entries (names come first, see
    `text.facts`), read from the end, as this runs for every candidate pair."""
    start = len(found)
    while start and found[start - 1].startswith("#"):
        start -= 1
    return set(found[start:])


def facts_agree(left: DedupResult, right: DedupResult, config: DedupConfig) -> bool:
    """Whether a near copy reports the same facts: the same protagonists, most numbers of the
    side with fewer in the other and most of its names; with fewer than two numbers, names
    must agree more, and when only one side gives numbers (they cannot vouch for it), every
    name of the side with fewer must be in the other."""
    (nums_l, names_l), (nums_r, names_r) = _split(left.facts), _split(right.facts)
    if not same_protagonists(left, right, config.protagonists_shared):
        return False
    if min(len(nums_l), len(nums_r)) == 1 and not nums_l & nums_r:
        return False  # the one number of one side is not in the other
    if min(len(nums_l), len(nums_r)) >= 2:
        return (
            overlap(nums_l, nums_r) >= config.numbers_agree
            and overlap(names_l, names_r) >= config.names_agree
        )
    if bool(nums_l) != bool(nums_r):
        return overlap(names_l, names_r) == 1.0
    return overlap(names_l, names_r) >= config.names_alone_agree


def same_protagonists(left: DedupResult, right: DedupResult, need: int) -> bool:
    """Whether `need` of the protagonists of each side are names of the other. A side that
    mentions no name twice (a short or cut copy) is only judged when the other side is alike;
    then each is judged by its most frequent names."""
    sides = [(m, o) for m, o in ((left, right), (right, left)) if m.protagonists]
    return all(
        len(set(_leads(mine, need)) & set(other.facts)) >= min(need, len(_leads(mine, need)))
        for mine, other in sides or ((left, right), (right, left))
    )


def _leads(result: DedupResult, need: int) -> tuple[str, ...]:
    """Protagonists of an article, topped up with its most frequent names up to three."""
    if len(result.protagonists) >= need:
        return result.protagonists
    names = [f for f in result.facts if not f.startswith("#")]
    return tuple(dict.fromkeys([*result.protagonists, *names]))[:3]


def same_event(left: DedupResult, right: DedupResult, config: DedupConfig) -> bool:
    """Whether two articles close in time tell one event. The side with fewer facts (a short or
    cut copy, or another event told with the same background) is judged by what it does say:
    its leading names and the name it mentions most are all in the other story, it mentions a
    name twice or shares a telling number, and its numbers do not conflict. The other side
    need only have one of its leading names in it; when both have headline names, one
    headline's subject is in the other story."""
    # Every test below can only say no, so their order changes no answer: the cheap ones
    # that fail most (the leading names, about 80 % of a backfill's candidates) come first.
    weak, strong = sorted((left, right), key=lambda r: len(r.facts))
    leads_w, leads_s = (_leads(r, config.protagonists_shared) for r in (weak, strong))
    if min(len(leads_w), len(leads_s)) < config.protagonists_shared:
        return False  # without names to compare, no cluster beyond copies
    if not all(_in_both(name, weak, strong) for name in leads_w) or not any(
        _in_both(name, weak, strong) for name in leads_s
    ):
        return False  # a leading name of the short side is not in the long one, or none back
    shared = set(weak.facts).intersection(strong.facts)  # facts are distinct within a tuple
    if (
        not shared
        or len(shared) / (len(weak.facts) + len(strong.facts) - len(shared))
        < config.story_threshold
    ):
        return False
    nums_w, nums_s = _numbers(weak.facts), _numbers(strong.facts)
    if not _numbers_fit(nums_w, nums_s, config.story_numbers_agree):
        return False
    for mine, other in ((left, right), (right, left)):
        short = len(mine.facts) <= len(other.facts)
        if short and mine.protagonists and mine.protagonists[0] not in other.facts:
            return False  # the name the short side mentions most is not in the other
    if (
        weak.headline
        and strong.headline
        and not (set(weak.headline) | set(strong.headline)) & shared
    ):
        return False  # neither headline's subject is in the other story
    figures = _telling(nums_w & nums_s)
    if not (weak.protagonists or figures):
        return False  # the short side names nobody twice and shares no telling number
    return bool(
        weak.protagonists or strong.protagonists or len(figures) >= config.story_numbers_shared
    )


def _in_both(name: str, weak: DedupResult, strong: DedupResult) -> bool:
    """Whether a name is a fact of both sides (a scan of two short tuples of interned names
    costs less than the set of their shared facts)."""
    return name in strong.facts and name in weak.facts


def _numbers_fit(mine: set[str], other: set[str], share: float) -> bool:
    """Whether two sets of numbers do not conflict: when both have two or more, `share` of the
    smaller is in the larger; when one has a single number, the other has it."""
    if min(len(mine), len(other)) >= 2:
        return overlap(mine, other) >= share
    return min(len(mine), len(other)) == 0 or bool(mine & other)


def _telling(numbers: set[str]) -> set[str]:
    """Numbers that tell an event apart: not single digits, not years 1900 to 2099."""
    return {n for n in numbers if len(n) > 2 and not (len(n) == 5 and n[1:3] in ("19", "20"))}


class Deduplicator:
    """Assigns exact and near duplicates and story clusters, remembering what it has seen.

    Rows are numbered in the order articles were first seen; a link only ever points to an
    earlier row, so the first copy of a text is its original and a cluster is named after its
    first article. When a new copy matches two clusters, they merge into the older one
    (`merges()` tells the warehouse).
    """

    def __init__(self, config: DedupConfig | None = None) -> None:
        self.config = config or DedupConfig()
        self._scheme = sys.intern(self.config.body.name)  # one string for every row it signs
        self._body = SignatureIndex(self.config.body.num_perm, self.config.body_bands)
        self._story = SignatureIndex(self.config.story.num_perm, self.config.story_bands)
        self._results: list[DedupResult] = []
        self._row_of: dict[str, int] = {}
        self._first_of_hash: dict[str, int] = {}
        self._times: list[float] = []
        self._members: dict[str, list[int]] = {}
        self._merged: dict[str, str] = {}

    @classmethod
    def from_state(cls, state: DedupState, config: DedupConfig | None = None) -> Deduplicator:
        """A deduplicator that knows the stored results, oldest first. Results signed by
        another scheme (an older newsflow) count for exact copies and story clusters, but are
        not near-copy candidates: their body signatures cannot be compared."""
        dedup = cls(config)
        known = sorted(state.results, key=lambda r: (r.event_at, r.article_id))
        if known:
            dedup._remember(known)
        return dedup

    def __len__(self) -> int:
        return len(self._results)

    def assign(self, articles: Sequence[Article]) -> list[DedupResult]:
        """Decide every article of a batch, in the batch's order. An article already known
        (same article_id) gets its stored result again: re-running a batch links nothing new."""
        fresh: dict[str, Article] = {}
        for article in sorted(articles, key=lambda a: (event_time(a), a.article_id)):
            if article.article_id not in self._row_of:
                fresh.setdefault(article.article_id, article)
        if fresh:
            self._decide(list(fresh.values()))
        return [self._signed(self._row_of[a.article_id]) for a in articles]

    def merges(self) -> dict[str, str]:
        """Clusters merged since this deduplicator was made: old cluster_id → surviving one."""
        return {old: self._surviving(old) for old in self._merged}

    def _decide(self, articles: list[Article]) -> None:
        """Index the new articles, then decide each against every earlier row."""
        found = features(articles, self.config)
        first = len(self._results)
        rows = self._body.add(found.bodies)
        self._story.add(found.stories)
        near = _group(*self._body.matches(found.bodies, self.config.near_threshold, rows))
        window = self._in_window(articles)
        related = _group(
            *self._story.matches(found.stories, self.config.story_threshold, rows, keep=window)
        )
        for i, article in enumerate(articles):
            row = first + i
            self._add_row(self._draft(article, found, i))
            decided = self._link(row, near.get(i, {})) or self._cluster(row, related.get(i, {}))
            self._set(row, decided)

    def _in_window(self, articles: list[Article]) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
        """Which (query, row) story candidates of the batch's articles lie within the cluster
        window of the article's event time: only those can join its cluster (`_agreeing`). The
        story index of a long backfill finds many more outside it, so they are dropped before
        their similarity is estimated (at 60,000 articles: 720,000 raw pairs per batch of
        500)."""
        known = np.asarray(self._times, dtype=np.float64)
        batch = np.array([event_time(a).timestamp() for a in articles], dtype=np.float64)
        times = np.concatenate([known, batch])
        window = self.config.cluster_window.total_seconds()

        def keep(queries: np.ndarray, rows: np.ndarray) -> np.ndarray:
            return np.abs(times[rows] - batch[queries]) <= window

        return keep

    def _draft(self, article: Article, found: _Features, i: int) -> DedupResult:
        """The result of an article that matches nothing: its own story."""
        return DedupResult(
            article_id=article.article_id,
            text_hash=found.hashes[i],
            duplicate_of=None,
            duplicate_kind=None,
            similarity=None,
            cluster_id=article.article_id,
            event_at=event_time(article),
            facts=found.facts[i],
            protagonists=found.protagonists[i],
            headline=found.headlines[i],
            signature=found.bodies[i].astype("<u4").tobytes(),
            story_signature=found.stories[i].astype("<u4").tobytes(),
            scheme=self._scheme,
            words=found.words[i],
        )

    def _link(self, row: int, near: dict[int, float]) -> DedupResult | None:
        """The row as an exact or near copy of an earlier one, or None."""
        me = self._results[row]
        if me.words < self.config.min_exact_words:
            return None
        same = self._first_of_hash.get(me.text_hash)
        if same is not None:
            return self._as_copy(me, same, EXACT, 1.0)
        agreeing = {
            other: sim
            for other, sim in near.items()
            if facts_agree(me, self._results[other], self.config)
        }
        if not agreeing:
            return None
        self._merge({self._results[other].cluster_id for other in agreeing})
        # prefer an original over a copy of it, then the closest, then the earliest
        best = max(agreeing, key=lambda o: (self._results[o].duplicate_of is None, agreeing[o], -o))
        return self._as_copy(me, best, NEAR, agreeing[best])

    def _as_copy(self, me: DedupResult, other: int, kind: str, sim: float) -> DedupResult:
        """`me` linked to row `other` (to its original when `other` is an exact copy)."""
        target = self._results[other]
        if target.duplicate_kind == EXACT and target.duplicate_of:
            target = self._results[self._row_of[target.duplicate_of]]
        return replace(
            me,
            duplicate_of=target.article_id,
            duplicate_kind=kind,
            similarity=round(float(sim), 4),
            cluster_id=target.cluster_id,
        )

    def _cluster(self, row: int, related: dict[int, float]) -> DedupResult:
        """The row in the cluster whose event it tells, when exactly one cluster fits: an
        article that tells the events of two clusters alike could belong to either."""
        me = self._results[row]
        fitting = [
            cluster
            for cluster, rows in self._agreeing(row, related).items()
            if self._vouched(me, rows) and self._fits(me, cluster, rows)
        ]
        return replace(me, cluster_id=fitting[0]) if len(fitting) == 1 else me

    def _vouched(self, me: DedupResult, agreeing: list[int]) -> bool:
        """Whether enough of a cluster agrees with an article: a member sharing a telling
        number with it, or several members (names alone, from one article, may be the
        background two events share)."""
        if len(agreeing) >= self.config.cluster_support:
            return True
        mine = _split(me.facts)[0]
        return any(_telling(mine & _split(self._results[r].facts)[0]) for r in agreeing)

    def _agreeing(self, row: int, related: dict[int, float]) -> dict[str, list[int]]:
        """Earlier rows within the cluster window that tell the row's event, by cluster; at
        most `cluster_support` of each, as more change nothing (`_vouched`, `_fits`) and a big
        story's cluster would otherwise cost a comparison per member for every new article."""
        me, window = self._results[row], self.config.cluster_window.total_seconds()
        enough = self.config.cluster_support
        found: dict[str, list[int]] = {}
        for other in related:
            them = self._results[other]
            if len(found.get(them.cluster_id, ())) >= enough:
                continue
            if abs(self._times[other] - self._times[row]) <= window and same_event(
                me, them, self.config
            ):
                found.setdefault(them.cluster_id, []).append(other)
        return found

    def _fits(self, me: DedupResult, cluster: str, agreeing: list[int]) -> bool:
        """Whether an article tells the event of a cluster: some member names its headline's
        subject (a cluster whose first article is a cut copy left with background names must
        not take in another event's story), and it tells the event of the cluster's first
        article or of several members (so a chain of alike articles cannot walk a cluster
        over to another event)."""
        if me.headline:
            named = {f for row in self._members[cluster] for f in self._results[row].facts}
            if not named.intersection(me.headline):
                return False  # the cluster never names what the article is about
        if len(agreeing) >= self.config.cluster_support:
            return True
        first = self._results[self._members[cluster][0]]
        return first.article_id == me.article_id or same_event(me, first, self.config)

    def _merge(self, clusters: set[str]) -> None:
        """Fold clusters into the one whose first article came first."""
        if len(clusters) < 2:
            return
        survivor = min(clusters, key=lambda c: self._members[c][0])
        for cluster in clusters - {survivor}:
            for row in self._members.pop(cluster):
                self._results[row] = replace(self._results[row], cluster_id=survivor)
                self._members[survivor].append(row)
            self._merged[cluster] = survivor

    def _surviving(self, cluster: str) -> str:
        """The cluster a merged cluster now belongs to."""
        while cluster in self._merged:
            cluster = self._merged[cluster]
        return cluster

    def _signed(self, row: int) -> DedupResult:
        """A row's result with its signatures, which the index keeps apart (a row signed by an
        older scheme has none there: it keeps empty ones, and it is stored already)."""
        result = self._results[row]
        if result.scheme != self._scheme:
            return result
        return replace(
            result,
            signature=self._body.row(row).astype("<u4").tobytes(),
            story_signature=self._story.row(row).astype("<u4").tobytes(),
        )

    def _add_row(self, result: DedupResult) -> int:
        """Append a result as the next row; return its number."""
        row = len(self._results)
        self._results.append(_kept(result))
        self._row_of[result.article_id] = row
        self._times.append(result.event_at.timestamp())
        self._members.setdefault(result.cluster_id, []).append(row)
        return row

    def _set(self, row: int, result: DedupResult) -> None:
        """Record the decision of a row (its cluster membership and text hash)."""
        old = self._results[row].cluster_id
        if result.cluster_id != old:
            self._members[old].remove(row)
            if not self._members[old]:
                del self._members[old]
            self._members.setdefault(result.cluster_id, []).append(row)
        self._results[row] = _kept(result)
        if result.words >= self.config.min_exact_words:
            self._first_of_hash.setdefault(result.text_hash, row)

    def _remember(self, results: list[DedupResult]) -> None:
        """Load stored results as rows, in the given order."""
        self._index_stored(results)
        for result in results:
            row = self._add_row(replace(result, cluster_id=result.article_id))
            self._set(row, result)

    def _index_stored(self, results: list[DedupResult]) -> None:
        """Index the signatures of stored results (a window of a backfill holds 100,000 and
        more: the matrices are built once, without intermediate copies, and are freed before
        the rows are added)."""
        current = np.array([r.scheme == self._scheme for r in results], bool)
        signed = [r for r, ok in zip(results, current, strict=True) if ok]
        bodies = _matrix([r.signature for r in signed], self.config.body.num_perm)
        stories = _matrix([r.story_signature for r in signed], self.config.story.num_perm)
        if not current.all():  # rows of an older scheme: no body signature, facts re-signed
            older = [r.facts for r, ok in zip(results, current, strict=True) if not ok]
            every_body = np.full((len(results), self.config.body.num_perm), minhash.EMPTY)
            every_story = np.empty((len(results), self.config.story.num_perm), np.uint32)
            every_body[current], every_story[current] = bodies, stories
            every_story[~current] = story_signatures(older, self.config)
            bodies, stories = every_body, every_story
        self._body.add(bodies)
        self._story.add(stories)


def _kept(result: DedupResult) -> DedupResult:
    """A result as the index keeps it, for as long as the window lasts: without its signatures
    (the index holds them as matrices) and with its names interned (the same names recur in
    thousands of articles): about half the memory per article."""
    return replace(
        result,
        facts=_interned(result.facts),
        protagonists=_interned(result.protagonists),
        headline=_interned(result.headline),
        signature=b"",
        story_signature=b"",
    )


def _interned(names: tuple[str, ...]) -> tuple[str, ...]:
    """The names with each string interned; the same tuple when they all are already (as
    the warehouse reads them), so a loaded window is not copied."""
    interned = tuple(sys.intern(name) for name in names)
    return names if all(a is b for a, b in zip(interned, names, strict=True)) else interned


def _matrix(blobs: list[bytes], width: int) -> np.ndarray:
    """Signature BLOBs as a uint32 matrix (read-only: a view of their joined bytes)."""
    return np.frombuffer(b"".join(blobs), "<u4").reshape(-1, width).astype(np.uint32, copy=False)


def _group(queries: np.ndarray, rows: np.ndarray, sims: np.ndarray) -> dict[int, dict[int, float]]:
    """Matches per query: {query: {row: similarity}}."""
    grouped: dict[int, dict[int, float]] = {}
    for q, r, s in zip(queries.tolist(), rows.tolist(), sims.tolist(), strict=True):
        grouped.setdefault(q, {})[r] = s
    return grouped

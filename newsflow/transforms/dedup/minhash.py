"""MinHash signatures (rensa's R-MinHash) and an LSH index over them held in numpy arrays.

Signatures are made in bulk from normalised texts: their words are hashed in numpy (a
position-weighted sum of code points, finalised by a 64-bit mixer: stable across processes and
platforms, unlike Python's `hash`), runs of `shingle` word hashes are combined in numpy, and
rensa turns each row of shingle hashes into `num_perm` 32-bit minima.

`SignatureIndex` is the near-duplicate index: banded LSH whose per-band hash columns are kept
sorted, so a whole batch is answered with `searchsorted`, and whose state is nothing but the
signature matrix — it is rebuilt from signatures stored in the warehouse after a restart.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import rensa

EMPTY = np.uint32(0xFFFFFFFF)  # every slot of an empty document's signature
WORD_HASH_VERSION = 2  # 1 was rensa's token hashing; 2 is `word_hashes`
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
_SPACE = 32
# Candidate pairs compared at once: a big batch against a big index has hundreds of thousands,
# and copying all their signatures at once cost a backfill's main process ~300 MB at 90k rows.
_PAIRS_AT_ONCE = 1 << 15
# (query numbers, rows) -> which of those candidate pairs to keep
PairFilter = Callable[[np.ndarray, np.ndarray], np.ndarray]
_HASH_ROWS = 1 << 13  # signatures band-hashed at once (bounded temporaries)
_BLOCK = 1 << 16  # rows of a block of stored signatures


def _splitmix(count: int, seed: int) -> np.ndarray:
    """`count` odd 64-bit constants from the SplitMix64 sequence (fixed, platform-independent)."""
    out = np.empty(count, np.uint64)
    state = seed
    for i in range(count):
        state = (state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        out[i] = (z ^ (z >> 31)) | 1
    return out


_WEIGHTS = _splitmix(256, 2026)  # one multiplier per position within a word (the last repeats)


@dataclass(frozen=True)
class Scheme:
    """How signatures are made; signatures of different schemes are never compared."""

    num_perm: int = 128
    seed: int = 1_2026
    shingle: int = 3

    @property
    def name(self) -> str:
        """A label stored beside each signature, e.g. 'rensa-rminhash2/128/s3/12026/w2'."""
        rensa_version = rensa.RMinHash.ALGORITHM_VERSION
        return (
            f"rensa-rminhash{rensa_version}/{self.num_perm}/s{self.shingle}/{self.seed}"
            f"/w{WORD_HASH_VERSION}"
        )


def fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finaliser, elementwise (every input bit affects every output bit)."""
    with np.errstate(over="ignore"):
        values = values ^ (values >> np.uint64(33))
        values = values * np.uint64(0xFF51AFD7ED558CCD)
        values ^= values >> np.uint64(33)
        values *= np.uint64(0xC4CEB93FE53B1A85)
        values ^= values >> np.uint64(33)
    return values


def word_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of the words of texts, flat in text order, and the number of words of each text.

    Each text must be normalised: words separated by single spaces, none leading or trailing.
    A word's hash is the sum of its code points weighted by position, mixed by `fmix64`."""
    counts = np.fromiter((t.count(" ") + 1 if t else 0 for t in texts), np.int64, len(texts))
    parts, size, chunk = [], 0, []
    for text in texts:
        if text:
            chunk.append(text)
            size += len(text) + 1
        if size >= _CHUNK:
            parts.append(_hash_words(chunk))
            chunk, size = [], 0
    parts.append(_hash_words(chunk))
    return np.concatenate(parts), counts


_CHUNK = 1 << 20  # code points hashed at once: temporaries of a few MB are reused by the
# allocator, where those of a whole batch would be mapped and faulted in afresh every time


def _hash_words(texts: list[str]) -> np.ndarray:
    """Word hashes of non-empty normalised texts (see `word_hashes`)."""
    if not texts:
        return np.empty(0, np.uint64)
    codes = np.frombuffer((" ".join(texts) + " ").encode("utf-32-le", "surrogatepass"), "<u4")
    space = codes == _SPACE
    begins = np.flatnonzero(~space[1:] & space[:-1]) + 1
    begins = np.concatenate(([0], begins)).astype(np.int32)
    position = np.arange(len(codes), dtype=np.int32)
    position -= np.repeat(begins, np.diff(begins, append=len(codes)))
    np.minimum(position, len(_WEIGHTS) - 1, out=position)
    weighted = _WEIGHTS[position]
    with np.errstate(over="ignore"):
        weighted *= codes  # each word ends with one space: its hash depends on it alone
    return fmix64(np.add.reduceat(weighted, begins))


def shingle_hashes(
    words: np.ndarray, counts: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every run of `size` words of each text (`words` flat, `counts` per text), flat,
    and the row offsets (len = texts + 1). A text shorter than `size` words is one shingle of
    all its words."""
    lengths = counts.astype(np.int64)
    windows = _combine(words, size)
    per_text = np.where(lengths >= size, lengths - size + 1, np.minimum(lengths, 1))
    starts = np.cumsum(lengths) - lengths
    within = np.arange(per_text.sum()) - np.repeat(np.cumsum(per_text) - per_text, per_text)
    picked = windows[np.repeat(starts, per_text) + within]
    short = np.flatnonzero((lengths < size) & (lengths > 0))
    if short.size:  # a short text: its words combined, whatever their number
        first = np.cumsum(per_text)[short] - 1
        picked[first] = [
            _combine(words[s : s + n], int(n))[0]
            for s, n in zip(starts[short], lengths[short], strict=True)
        ]
    offsets = np.zeros(len(lengths) + 1, dtype=np.uint64)
    np.cumsum(per_text, out=offsets[1:])
    return picked, offsets


def _combine(flat: np.ndarray, size: int) -> np.ndarray:
    """Order-sensitive hash of each window of `size` consecutive word hashes (same length as
    `flat`; windows running past the end are padded with zeros and never used)."""
    out = np.zeros_like(flat)
    with np.errstate(over="ignore"):
        for j in range(size):
            shifted = np.zeros_like(flat)
            shifted[: len(flat) - j] = flat[j:]
            out = (out ^ shifted) * _MIX[j % len(_MIX)]
            out ^= out >> np.uint64(29)
    return out


def signatures(texts: Sequence[str], scheme: Scheme) -> np.ndarray:
    """MinHash signatures of normalised texts (see `word_hashes`), one uint32 row of
    `num_perm` per text."""
    if not texts:
        return np.empty((0, scheme.num_perm), dtype=np.uint32)
    flat, offsets = shingle_hashes(*word_hashes(texts), scheme.shingle)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        flat, offsets, scheme.num_perm, scheme.seed
    )
    count = len(texts) * scheme.num_perm
    values = np.fromiter(itertools.chain.from_iterable(matrix.to_rows()), np.uint32, count)
    return values.reshape(len(texts), scheme.num_perm)


def similarity(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of signature rows (pairwise along the last axis)."""
    return (left == right).mean(axis=-1)


def is_empty(signature: np.ndarray) -> np.ndarray:
    """Whether each signature row is that of an empty document."""
    return (signature == EMPTY).all(axis=-1)


def band_hashes(sigs: np.ndarray, bands: int) -> np.ndarray:
    """One 32-bit hash per band of each signature: shape (rows, bands). Computed in chunks of
    rows: the widened copy of a whole window's signatures took twice their size."""
    out = np.empty((len(sigs), bands), np.uint32)
    for start in range(0, len(sigs), _HASH_ROWS):
        out[start : start + _HASH_ROWS] = _band_hashes(sigs[start : start + _HASH_ROWS], bands)
    return out


def _band_hashes(sigs: np.ndarray, bands: int) -> np.ndarray:
    rows = sigs.shape[1] // bands
    parts = sigs[:, : bands * rows].reshape(len(sigs), bands, rows).astype(np.uint64)
    out = np.full((len(sigs), bands), 0x84222325CBF29CE4, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(rows):
            out = (out ^ parts[:, :, j]) * _MIX[0]
            out ^= out >> np.uint64(31)
    return (out >> np.uint64(32)).astype(np.uint32)


class SignatureIndex:
    """Banded MinHash LSH: rows are signatures in insertion order, numbered from 0.

    Each band keeps its hashes sorted (a large `main` level and a small `tail` level merged
    into it when it grows), so adding a batch costs a linear merge into the tail and a query
    costs one `searchsorted` of the sorted queries per band and level.
    """

    def __init__(
        self, num_perm: int = 128, bands: int = 32, max_bucket: int = 64, tail_rows: int = 1 << 15
    ) -> None:
        self.num_perm, self.bands, self.max_bucket = num_perm, bands, max_bucket
        self.tail_rows = tail_rows  # the tail merges into the main level beyond this many rows
        # (or beyond an eighth of the main level, when larger)
        self._blocks: list[np.ndarray] = []  # signatures, _BLOCK rows each (the last may be short)
        self._size = 0
        self._main = _Level.empty(bands)
        self._tail = _Level.empty(bands)

    def __len__(self) -> int:
        return self._size

    @property
    def signatures(self) -> np.ndarray:
        """Every indexed signature, in row order (a copy)."""
        if not self._blocks:
            return np.empty((0, self.num_perm), np.uint32)
        return np.concatenate(self._blocks)[: self._size]

    def row(self, number: int) -> np.ndarray:
        """The signature of one row (a view)."""
        if not 0 <= number < self._size:
            raise IndexError(f"row {number} of {self._size}")
        return self._blocks[number // _BLOCK][number % _BLOCK]

    def add(self, sigs: np.ndarray) -> np.ndarray:
        """Index signatures; return their row numbers. Empty documents are stored, not indexed."""
        first = self._size
        self._store(sigs)
        rows = np.arange(first, self._size, dtype=np.int32)
        keep = ~is_empty(sigs)
        indexed = sigs if keep.all() else sigs[keep]  # no copy of a window loaded whole
        self._tail = self._tail.merge(_Level.build(band_hashes(indexed, self.bands), rows[keep]))
        if len(self._tail) > max(self.tail_rows, len(self._main) // 8):
            self._main, self._tail = self._main.merge(self._tail), _Level.empty(self.bands)
        return rows.astype(np.int64)

    def candidates(
        self, sigs: np.ndarray, rows: np.ndarray | None = None, keep: PairFilter | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Distinct (query number, row) pairs sharing at least one band; with `rows` (the
        queries' own rows), only rows before the query's own; with `keep`, only the pairs it
        keeps (applied before the pairs are made distinct, which costs the most)."""
        hashes = band_hashes(sigs, self.bands)
        live = np.flatnonzero(~is_empty(sigs))  # an empty query matches nothing
        found = [level.lookup(hashes[live], self.max_bucket) for level in (self._main, self._tail)]
        queries = live[np.concatenate([q for q, _ in found])]
        matched = np.concatenate([r for _, r in found]).astype(np.int64)
        if rows is not None:
            earlier = matched < rows[queries]
            queries, matched = queries[earlier], matched[earlier]
        if keep is not None:
            kept = keep(queries, matched)
            queries, matched = queries[kept], matched[kept]
        pairs = np.unique(queries * (self._size + 1) + matched)
        return pairs // (self._size + 1), pairs % (self._size + 1)

    def matches(
        self,
        sigs: np.ndarray,
        threshold: float,
        rows: np.ndarray | None = None,
        keep: PairFilter | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate pairs whose estimated similarity reaches `threshold`: (query, row, sim);
        with `rows`, only rows before each query's own; with `keep`, only the pairs it keeps."""
        queries, found = self.candidates(sigs, rows, keep)
        sims = np.empty(len(found))
        for start in range(0, len(found), _PAIRS_AT_ONCE):  # bounded copies of signatures
            part = slice(start, start + _PAIRS_AT_ONCE)
            sims[part] = similarity(sigs[queries[part]], self._rows(found[part]))
        keep = sims >= threshold
        return queries[keep], found[keep], sims[keep]

    def _store(self, sigs: np.ndarray) -> None:
        """Append signatures in blocks of `_BLOCK` rows (never copying stored blocks, but the
        first one while it grows)."""
        done = 0
        while done < len(sigs):
            at = self._size % _BLOCK
            if at == 0:
                self._blocks.append(
                    np.empty((min(len(sigs) - done, _BLOCK), self.num_perm), np.uint32)
                )
            block = self._blocks[-1]
            count = min(_BLOCK - at, len(sigs) - done)
            if at + count > len(block):  # a short last block grows (doubling, up to _BLOCK)
                bigger = np.empty(
                    (min(max(at + count, 2 * len(block)), _BLOCK), self.num_perm), np.uint32
                )
                bigger[:at] = block[:at]
                self._blocks[-1] = block = bigger
            block[at : at + count] = sigs[done : done + count]
            done += count
            self._size += count

    def _rows(self, rows: np.ndarray) -> np.ndarray:
        """The signatures of some rows."""
        out = np.empty((len(rows), self.num_perm), np.uint32)
        blocks = rows // _BLOCK
        for block in np.unique(blocks):
            picked = blocks == block
            out[picked] = self._blocks[block][rows[picked] % _BLOCK]
        return out


@dataclass(frozen=True)
class _Level:
    """Per band, the band hashes of some rows sorted, and those rows in the same order."""

    hashes: np.ndarray  # (bands, n) uint32, each band sorted
    rows: np.ndarray  # (bands, n) int32; within equal hashes, in insertion order

    def __len__(self) -> int:
        return self.hashes.shape[1]

    @classmethod
    def empty(cls, bands: int) -> _Level:
        """A level with no rows."""
        return cls(np.empty((bands, 0), np.uint32), np.empty((bands, 0), np.int32))

    @classmethod
    def build(cls, hashes: np.ndarray, rows: np.ndarray) -> _Level:
        """A level from (n, bands) band hashes of the given (ascending) rows."""
        order = np.argsort(hashes.T, axis=1, kind="stable")
        return cls(np.take_along_axis(hashes.T, order, axis=1), rows[order])

    def merge(self, later: _Level) -> _Level:
        """One level holding both, `later`'s rows after these within a bucket (a linear merge
        of sorted columns: no re-sorting)."""
        if not len(later):
            return self
        if not len(self):
            return later
        bands, size = self.hashes.shape[0], len(self) + len(later)
        hashes = np.empty((bands, size), np.uint32)
        rows = np.empty((bands, size), np.int32)
        offsets = np.arange(len(later))
        for band in range(bands):
            at = np.searchsorted(self.hashes[band], later.hashes[band], "right") + offsets
            mine = np.ones(size, bool)
            mine[at] = False
            hashes[band, at], rows[band, at] = later.hashes[band], later.rows[band]
            hashes[band, mine], rows[band, mine] = self.hashes[band], self.rows[band]
        return _Level(hashes, rows)

    def lookup(self, queries: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
        """(query number, row) for every row sharing a band hash with a query; from a bucket
        larger than `cap`, only its `cap` latest rows."""
        found_q, found_r = [], []
        for band in range(self.hashes.shape[0] if len(self) else 0):
            column = self.hashes[band]
            order = np.argsort(queries[:, band])  # sorted keys make searchsorted cache-friendly
            keys = queries[order, band]
            left = np.searchsorted(column, keys, "left")
            hit = np.flatnonzero(column[np.minimum(left, len(column) - 1)] == keys)
            if not hit.size:
                continue
            right = np.searchsorted(column, keys[hit], "right")
            left = np.maximum(left[hit], right - cap)
            counts = right - left
            within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            found_q.append(np.repeat(order[hit], counts))
            found_r.append(self.rows[band][np.repeat(left, counts) + within])
        if not found_q:
            return np.empty(0, np.int64), np.empty(0, np.int32)
        return np.concatenate(found_q), np.concatenate(found_r)

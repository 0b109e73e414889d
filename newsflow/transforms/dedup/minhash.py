"""MinHash signatures (rensa's R-MinHash) and an LSH index over them held in numpy arrays.

Signatures are made in bulk: token hashes come from rensa (stable across processes, unlike
Python's `hash`), 3-token shingle hashes are combined in numpy, and rensa turns each row of
shingle hashes into a signature of `num_perm` 32-bit minima.

`SignatureIndex` is the near-duplicate index: banded LSH whose per-band hash columns are kept
sorted, so a whole batch is answered with `searchsorted`, and whose state is nothing but the
signature matrix — it is rebuilt from signatures stored in the warehouse after a restart.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import rensa

EMPTY = np.uint32(0xFFFFFFFF)  # every slot of an empty document's signature
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))


@dataclass(frozen=True)
class Scheme:
    """How signatures are made; signatures of different schemes are never compared."""

    num_perm: int = 128
    seed: int = 1_2026
    shingle: int = 3

    @property
    def name(self) -> str:
        """A label stored beside each signature, e.g. 'rensa-rminhash2/128/s3'."""
        version = rensa.RMinHash.ALGORITHM_VERSION
        return f"rensa-rminhash{version}/{self.num_perm}/s{self.shingle}/{self.seed}"


def shingle_hashes(
    token_lists: Sequence[Sequence[str]], size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Hashes of every run of `size` tokens, flat, and the row offsets (len = docs + 1).

    A document shorter than `size` tokens is one shingle of all its tokens."""
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    hashes = rensa.RMinHash.hash_token_sets(token_lists)
    flat = np.fromiter(itertools.chain.from_iterable(hashes), np.uint64, int(lengths.sum()))
    windows = _combine(flat, size)
    counts = np.where(lengths >= size, lengths - size + 1, np.minimum(lengths, 1))
    starts = np.cumsum(lengths) - lengths
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    picked = windows[np.repeat(starts, counts) + within]
    short = np.flatnonzero((lengths < size) & (lengths > 0))
    if short.size:  # a short text: its tokens combined, whatever their number
        first = np.cumsum(counts)[short] - 1
        picked[first] = [
            _combine(flat[s : s + n], int(n))[0]
            for s, n in zip(starts[short], lengths[short], strict=True)
        ]
    offsets = np.zeros(len(token_lists) + 1, dtype=np.uint64)
    np.cumsum(counts, out=offsets[1:])
    return picked, offsets


def _combine(flat: np.ndarray, size: int) -> np.ndarray:
    """Order-sensitive hash of each window of `size` consecutive token hashes (same length as
    `flat`; windows running past the end are padded with zeros and never used)."""
    out = np.zeros_like(flat)
    with np.errstate(over="ignore"):
        for j in range(size):
            shifted = np.zeros_like(flat)
            shifted[: len(flat) - j] = flat[j:]
            out = (out ^ shifted) * _MIX[j % len(_MIX)]
            out ^= out >> np.uint64(29)
    return out


def signatures(token_lists: Sequence[Sequence[str]], scheme: Scheme) -> np.ndarray:
    """MinHash signatures of token lists, one uint32 row of `num_perm` per list."""
    if not token_lists:
        return np.empty((0, scheme.num_perm), dtype=np.uint32)
    flat, offsets = shingle_hashes(token_lists, scheme.shingle)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(
        flat, offsets, scheme.num_perm, scheme.seed
    )
    rows = matrix.to_rows()
    count = len(token_lists) * scheme.num_perm
    values = np.fromiter(itertools.chain.from_iterable(rows), np.uint32, count)
    return values.reshape(len(token_lists), scheme.num_perm)


def similarity(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Estimated Jaccard similarity of signature rows (pairwise along the last axis)."""
    return (left == right).mean(axis=-1)


def is_empty(signature: np.ndarray) -> np.ndarray:
    """Whether each signature row is that of an empty document."""
    return (signature == EMPTY).all(axis=-1)


def band_hashes(sigs: np.ndarray, bands: int) -> np.ndarray:
    """One 64-bit hash per band of each signature: shape (rows, bands)."""
    rows = sigs.shape[1] // bands
    parts = sigs[:, : bands * rows].reshape(len(sigs), bands, rows).astype(np.uint64)
    out = np.full((len(sigs), bands), 0x84222325CBF29CE4, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(rows):
            out = (out ^ parts[:, :, j]) * _MIX[0]
            out ^= out >> np.uint64(31)
    return out


class SignatureIndex:
    """Banded MinHash LSH: rows are signatures in insertion order, numbered from 0.

    Each band keeps its hashes sorted (a large `main` level and a small `tail` level merged
    into it when it grows), so adding a batch costs a sort of the tail and a query costs one
    `searchsorted` per band.
    """

    def __init__(self, num_perm: int = 128, bands: int = 32, max_bucket: int = 64) -> None:
        self.num_perm, self.bands, self.max_bucket = num_perm, bands, max_bucket
        self._sigs = np.empty((0, num_perm), dtype=np.uint32)
        self._size = 0
        self._main = _Level.empty(bands)
        self._tail = _Level.empty(bands)

    def __len__(self) -> int:
        return self._size

    @property
    def signatures(self) -> np.ndarray:
        """Every indexed signature, in row order (a view: do not modify)."""
        return self._sigs[: self._size]

    def add(self, sigs: np.ndarray) -> np.ndarray:
        """Index signatures; return their row numbers. Empty documents are stored, not indexed."""
        first = self._size
        self._grow(len(sigs))
        self._sigs[first : first + len(sigs)] = sigs
        self._size += len(sigs)
        rows = np.arange(first, self._size, dtype=np.int64)
        keep = ~is_empty(sigs)
        fresh = _Level.build(band_hashes(sigs[keep], self.bands), rows[keep])
        self._tail = _Level.merge(self._tail, fresh)
        if len(self._tail) > max(1 << 16, len(self._main) // 4):
            self._main, self._tail = _Level.merge(self._main, self._tail), _Level.empty(self.bands)
        return rows

    def candidates(self, sigs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Distinct (query number, row) pairs sharing at least one band."""
        hashes = band_hashes(sigs, self.bands)
        hashes[is_empty(sigs)] = 0  # never collide on purpose: empty queries are dropped below
        found = [level.lookup(hashes, self.max_bucket) for level in (self._main, self._tail)]
        queries = np.concatenate([q for q, _ in found])
        rows = np.concatenate([r for _, r in found])
        live = ~is_empty(sigs)[queries]
        pairs = np.unique(queries[live] * (self._size + 1) + rows[live])
        return pairs // (self._size + 1), pairs % (self._size + 1)

    def matches(
        self, sigs: np.ndarray, threshold: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate pairs whose estimated similarity reaches `threshold`: (query, row, sim)."""
        queries, rows = self.candidates(sigs)
        sims = similarity(sigs[queries], self._sigs[rows])
        keep = sims >= threshold
        return queries[keep], rows[keep], sims[keep]

    def _grow(self, extra: int) -> None:
        """Make room for `extra` more signatures (capacity doubles)."""
        needed = self._size + extra
        if needed <= len(self._sigs):
            return
        bigger = np.empty((max(needed, 2 * len(self._sigs), 1024), self.num_perm), np.uint32)
        bigger[: self._size] = self._sigs[: self._size]
        self._sigs = bigger


@dataclass(frozen=True)
class _Level:
    """Per band, the band hashes of some rows sorted, and those rows in the same order."""

    hashes: np.ndarray  # (bands, n) uint64, each band sorted
    rows: np.ndarray  # (bands, n) int32

    def __len__(self) -> int:
        return self.hashes.shape[1]

    @classmethod
    def empty(cls, bands: int) -> _Level:
        """A level with no rows."""
        return cls(np.empty((bands, 0), np.uint64), np.empty((bands, 0), np.int32))

    @classmethod
    def build(cls, hashes: np.ndarray, rows: np.ndarray) -> _Level:
        """A level from (n, bands) band hashes of the given rows."""
        order = np.argsort(hashes.T, axis=1, kind="stable")
        return cls(np.take_along_axis(hashes.T, order, axis=1), rows.astype(np.int32)[order])

    @classmethod
    def merge(cls, first: _Level, second: _Level) -> _Level:
        """One level holding both (rows of `first` before `second` within a bucket)."""
        if not len(second):
            return first
        hashes = np.concatenate([first.hashes, second.hashes], axis=1)
        rows = np.concatenate([first.rows, second.rows], axis=1)
        order = np.argsort(hashes, axis=1, kind="stable")
        return cls(
            np.take_along_axis(hashes, order, axis=1), np.take_along_axis(rows, order, axis=1)
        )

    def lookup(self, queries: np.ndarray, cap: int) -> tuple[np.ndarray, np.ndarray]:
        """(query number, row) for every row sharing a band hash with a query; from a bucket
        larger than `cap`, only its `cap` latest rows."""
        found_q, found_r = [], []
        for band in range(self.hashes.shape[0]):
            column = self.hashes[band]
            left = np.searchsorted(column, queries[:, band], "left")
            right = np.searchsorted(column, queries[:, band], "right")
            left = np.maximum(left, right - cap)
            counts = right - left
            total = int(counts.sum())
            if not total:
                continue
            query = np.repeat(np.arange(len(queries)), counts)
            within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
            found_q.append(query)
            found_r.append(self.rows[band][np.repeat(left, counts) + within])
        if not found_q:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.concatenate(found_q), np.concatenate(found_r)

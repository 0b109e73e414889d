"""Sources split across concurrent ingest runs: shard `i/n` polls the sources whose URL hashes
to `i` modulo `n`.

The hash is BLAKE2b of the source's configured URL (its identity, kept when a feed moves), not
Python's `hash()`, which is salted per process: every run on every host agrees on the split,
and adding or removing a source moves no other one. Changing `n` reshuffles the sources, so all
the shards of a feeds file must change together.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from newsflow.errors import ConfigError

_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class Shard:
    """Shard `index` (0-based) of `count`."""

    index: int
    count: int

    def holds(self, url: str) -> bool:
        """The source with this URL belongs to this shard."""
        return shard_index(url, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def shard_index(url: str, count: int) -> int:
    """The shard (0 to `count` - 1) of a source URL; the same in every process and on every host."""
    digest = hashlib.blake2b(url.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def parse_shard(raw: str) -> Shard:
    """'i/n' (0 <= i < n), e.g. '0/4'; anything else is a ConfigError saying what is expected."""
    match = _SHARD.fullmatch(raw)
    if match is None:
        raise ConfigError(f"shard {raw!r}: expected i/n, e.g. 0/4 (the first of four shards)")
    index, count = int(match[1]), int(match[2])
    if count < 1:
        raise ConfigError(f"shard {raw!r}: the number of shards must be at least 1")
    if index >= count:
        raise ConfigError(f"shard {raw!r}: shards are numbered 0 to {count - 1}")
    return Shard(index, count)

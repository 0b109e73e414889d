from collections import Counter

import pytest

from newsflow.errors import ConfigError
from newsflow.transforms.shards import Shard, parse_shard, shard_index

URLS = [f"https://news{n % 37}.example/section/{n}/feed.xml" for n in range(1000)]


@pytest.mark.parametrize("count", range(1, 9))
def test_every_source_is_in_exactly_one_shard(count):
    shards = [Shard(i, count) for i in range(count)]
    owners = Counter()
    for url in URLS:
        holding = [s for s in shards if s.holds(url)]
        assert len(holding) == 1, url
        owners[holding[0].index] += 1
    assert sum(owners.values()) == len(URLS)
    # a fair split: every shard within 25 % of its even share
    assert all(abs(n - len(URLS) / count) <= 0.25 * len(URLS) / count for n in owners.values())
    assert len(owners) == count


def test_the_split_is_the_same_in_every_process():
    # BLAKE2b, not Python's per-process salted hash(): these values never change
    lemonde = "https://www.lemonde.fr/international/rss_full.xml"
    bbc = "https://feeds.bbci.co.uk/news/world/rss.xml"
    assert [shard_index(lemonde, n) for n in range(1, 9)] == [0, 1, 0, 1, 3, 3, 6, 1]
    assert [shard_index(bbc, n) for n in range(1, 9)] == [0, 0, 0, 0, 3, 0, 2, 4]


def test_parse_shard():
    assert parse_shard("0/4") == Shard(0, 4)
    assert parse_shard(" 3 / 4 ") == Shard(3, 4)
    assert str(parse_shard("1/2")) == "1/2"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("4/4", "numbered 0 to 3"),
        ("2/1", "numbered 0 to 0"),
        ("0/0", "at least 1"),
        ("-1/4", "expected i/n"),
        ("1", "expected i/n"),
        ("a/b", "expected i/n"),
        ("1/2/3", "expected i/n"),
        ("", "expected i/n"),
    ],
)
def test_bad_shards_are_config_errors(raw, message):
    with pytest.raises(ConfigError, match=message):
        parse_shard(raw)

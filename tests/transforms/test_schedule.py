import random
from datetime import timedelta

from newsflow.models import FeedEntry
from newsflow.transforms.schedule import (
    MAX_INTERVAL,
    MIN_INTERVAL,
    failure_delay,
    healthy_interval,
    is_due,
    items_per_day,
    send_validators,
    validators_lied,
)
from tests.factories import NOW, make_fetch, make_state


def entries_every(gap: timedelta, count: int) -> list[FeedEntry]:
    return [
        FeedEntry("s", f"https://x.example/{n}", published_at=NOW - gap * n) for n in range(count)
    ]


def test_rate_from_entry_dates_drives_the_interval():
    hourly = items_per_day(entries_every(timedelta(hours=1), 25), NOW)
    assert round(hourly) == 24
    assert healthy_interval(hourly) == timedelta(minutes=30)
    daily = items_per_day(entries_every(timedelta(days=1), 10), NOW)
    assert healthy_interval(daily) == timedelta(hours=12)
    assert healthy_interval(1000.0) == MIN_INTERVAL
    assert healthy_interval(0.01) == MAX_INTERVAL
    assert items_per_day(entries_every(timedelta(hours=1), 1), NOW) is None


def test_server_hints_lengthen_the_interval_within_bounds():
    assert healthy_interval(1000.0, ttl_minutes=60) == timedelta(hours=1)
    assert healthy_interval(1000.0, max_age=7200) == timedelta(hours=2)
    assert healthy_interval(1000.0, ttl_minutes=10_000) == MAX_INTERVAL


def test_backoff_is_exponential_jittered_and_weighs_hard_errors():
    rng = random.Random(7)
    soft = make_fetch(status=503, error_class="http", error="HTTP 503")
    hard = make_fetch(status=404, error_class="http", error="HTTP 404")
    first, third = failure_delay(soft, 1, rng), failure_delay(soft, 3, rng)
    assert timedelta(minutes=12) <= first <= timedelta(minutes=18)
    assert timedelta(minutes=48) <= third <= timedelta(minutes=72)
    assert failure_delay(hard, 1, rng) >= timedelta(hours=1, minutes=36)
    assert failure_delay(soft, 30, rng) <= timedelta(hours=24 * 1.2)
    assert failure_delay(hard, 30, rng) <= timedelta(days=7 * 1.2)
    dns = make_fetch(status=None, error_class="dns", error="no such host")
    assert failure_delay(dns, 1, rng) > failure_delay(soft, 1, rng)


def test_retry_after_wins_when_longer():
    limited = make_fetch(status=429, error_class="http", error="HTTP 429", retry_after=6 * 3600)
    assert failure_delay(limited, 1, random.Random(1)) == timedelta(hours=6)


def test_due_and_conditional_requests():
    assert is_due(None, NOW)
    assert not is_due(make_state(next_fetch_at=NOW + timedelta(minutes=1)), NOW)
    assert is_due(make_state(next_fetch_at=NOW), NOW)
    fresh = make_state(etag='"a"', last_full_fetch_at=NOW - timedelta(hours=1))
    assert send_validators(fresh, NOW)
    assert not send_validators(
        make_state(etag='"a"', last_full_fetch_at=NOW - timedelta(days=2)), NOW
    )  # time for a full check
    untrusted = make_state(etag='"a"', last_full_fetch_at=NOW, validators_trusted=False)
    assert not send_validators(untrusted, NOW)


def test_lying_validators_are_caught_by_the_body_hash():
    previous = make_state(etag='"same"', body_hash="old")
    assert validators_lied(previous, make_fetch(etag='"same"', body_hash="new"), "new")
    assert not validators_lied(previous, make_fetch(etag='"other"'), "new")
    assert not validators_lied(previous, make_fetch(etag='"same"'), "old")

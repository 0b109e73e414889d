from newsflow.models import ParsedFeed, Source
from newsflow.transforms.feed_state import initial_state, next_state
from tests.factories import NOW, make_fetch

SOURCE = Source("https://feed.example/rss", "Feed", "en", ("world",))


def test_good_response_stores_validators_and_resets_failures():
    previous = initial_state(SOURCE, NOW)
    failing = next_state(
        previous, SOURCE, make_fetch(status=500, error_class="http", error="HTTP 500"), None
    )
    assert failing.consecutive_failures == 1 and failing.last_error == "HTTP 500"
    fetch = make_fetch(etag='"abc"', last_modified="Fri, 20 Nov 2026 10:00:00 GMT")
    good = next_state(failing, SOURCE, fetch, ParsedFeed(title="The Feed", site_url="https://f/"))
    assert (good.etag, good.last_modified) == ('"abc"', "Fri, 20 Nov 2026 10:00:00 GMT")
    assert good.consecutive_failures == 0 and good.last_error is None
    assert good.last_success_at == NOW and good.title == "The Feed"


def test_not_modified_keeps_validators():
    previous = initial_state(SOURCE, NOW)
    stored = next_state(previous, SOURCE, make_fetch(etag='"abc"'), ParsedFeed())
    after = next_state(stored, SOURCE, make_fetch(status=304), None)
    assert after.etag == '"abc"' and after.last_status == 304 and after.consecutive_failures == 0


def test_unparsable_feed_is_a_failure_that_keeps_old_validators():
    stored = next_state(initial_state(SOURCE, NOW), SOURCE, make_fetch(etag='"old"'), ParsedFeed())
    broken = next_state(
        stored,
        SOURCE,
        make_fetch(etag='"new"'),
        ParsedFeed(error="not a feed: the document is an HTML page"),
    )
    assert broken.etag == '"old"' and broken.consecutive_failures == 1
    assert broken.last_error == "not a feed: the document is an HTML page"


def test_configuration_changes_are_applied():
    renamed = Source(SOURCE.url, "New name", "fr", ())
    state = next_state(initial_state(SOURCE, NOW), renamed, make_fetch(), ParsedFeed())
    assert (state.name, state.language, state.tags) == ("New name", "fr", ())


def test_schedule_and_events_follow_the_poll():
    from datetime import timedelta

    from newsflow.models import FeedEntry
    from newsflow.transforms.feed_state import source_events

    previous = initial_state(SOURCE, NOW)
    hourly = tuple(
        FeedEntry(SOURCE.url, f"https://x/{n}", published_at=NOW - timedelta(hours=n))
        for n in range(10)
    )
    moved = make_fetch(permanent_redirect="https://feed.example/new-rss")
    state = next_state(previous, SOURCE, moved, ParsedFeed(entries=hourly))
    assert state.next_fetch_at == NOW + timedelta(minutes=30)
    assert state.feed_url == "https://feed.example/new-rss"
    assert state.last_full_fetch_at == NOW
    (event,) = source_events(previous, state, moved)
    assert event.kind == "moved" and event.detail.endswith("-> https://feed.example/new-rss")
    failed = next_state(
        state,
        SOURCE,
        make_fetch(url=state.feed_url, status=None, error_class="timeout", error="timed out"),
        None,
    )
    assert failed.feed_url == state.feed_url and failed.next_fetch_at > NOW

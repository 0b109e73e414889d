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

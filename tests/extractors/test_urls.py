from newsflow.extractors.urls import article_id, canonical_url, choose_canonical


def test_canonical_url_strips_tracking_fragment_default_port_and_case():
    url = "HTTP://News.Example.COM:80/World/Story?utm_source=rss&utm_medium=feed&id=7&fbclid=x#top"
    assert canonical_url(url) == "http://news.example.com/World/Story?id=7"


def test_canonical_url_keeps_meaningful_query_sorted():
    assert canonical_url("https://a.example/p?page=2&cat=1") == "https://a.example/p?cat=1&page=2"


def test_article_id_is_stable_and_differs_per_url():
    one = article_id("https://a.example/story")
    assert one == article_id("https://a.example/story")
    assert one != article_id("https://a.example/story-2")
    assert len(one) == 32 and int(one, 16) >= 0


def test_declared_canonical_is_used_only_on_the_same_host():
    fetched = "https://www.site.example/a?utm_source=rss"
    assert choose_canonical(fetched, "https://site.example/a") == "https://site.example/a"
    assert choose_canonical(fetched, "https://other.example/a") == "https://www.site.example/a"
    assert choose_canonical(fetched, "/relative") == "https://www.site.example/a"
    assert choose_canonical(fetched, None) == "https://www.site.example/a"

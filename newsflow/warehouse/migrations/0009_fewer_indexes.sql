-- The secondary indexes of 0004 on article_topics (code) and article_entities (kind, code)
-- served no query: the analysts' views aggregate whole tables, and the example query that
-- filters on a topic and a country took the same time with and without them on a million
-- articles. Yet every load paid for them: each commit of a batch rewrote both indexes, which
-- cost a backfill about a quarter of its commit's memory and a third of its time
-- (bench/README.md, "Memory of long backfills: the dedup window, indexes and the batch load").

DROP INDEX IF EXISTS article_topics_code;
DROP INDEX IF EXISTS article_entities_code;

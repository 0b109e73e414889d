-- The secondary indexes of 0004 on article_topics (code) and article_entities (kind, code)
-- served no query: the analysts' views aggregate whole tables, and a filter on a code scans
-- a dictionary-compressed column faster than DuckDB would look the rows up one by one. Yet
-- every load paid for them: each commit of a batch loaded and rewrote both indexes, which
-- cost a backfill about a quarter of its commit's memory and a third of its time
-- (bench/README.md, "Memory of long backfills: the dedup window and indexes").

DROP INDEX IF EXISTS article_topics_code;
DROP INDEX IF EXISTS article_entities_code;

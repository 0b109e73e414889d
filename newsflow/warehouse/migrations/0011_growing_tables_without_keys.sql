-- newsflow: file only
-- The tables that grow with every run, without their PRIMARY KEYs: the loads keep those keys
-- themselves (anti-joins in newsflow/warehouse/keys.py, ids looked up first for articles), as
-- they always did on a DuckLake, which has none: that is why a lake skips this migration (the
-- first line). A process writes a warehouse one transaction at a time (`db.write`), and DuckDB
-- lets one process write a file, so two loads never race past the anti-join.
--
-- Why: DuckDB rewrites every key's index at each checkpoint, and a backfill checkpoints once
-- per batch. With these five indexes at 98,000 articles, closing a batch's connection took
-- 2.4 s against 0.08 s without them: 5 ms per page of a 500-page batch, growing with the
-- warehouse (bench/README.md, "Checkpoints without key indexes"). The indexes also held
-- about 7 MB of memory per 100,000 keys each.
--
-- The tables are rebuilt (DuckDB cannot drop a primary key) with the same columns, in the
-- same order, with the same constraints but the keys; key columns stay NOT NULL. On a large
-- warehouse this copies the tables once: it takes a while and needs free disk for them.
-- Tables that stay small (sources, runs, backfills, search_index) keep their keys.

CREATE TABLE articles_rebuilt (
    article_id     VARCHAR NOT NULL,
    url            VARCHAR NOT NULL,
    canonical_url  VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    guid           VARCHAR,
    title          VARCHAR,
    text           VARCHAR NOT NULL,
    markdown       VARCHAR,
    language       VARCHAR,
    published_at   TIMESTAMPTZ,
    authors        VARCHAR[],
    site_name      VARCHAR,
    description    VARCHAR,
    image          VARCHAR,
    categories     VARCHAR[],
    word_count     INTEGER,
    fetched_at     TIMESTAMPTZ NOT NULL,
    extractor      VARCHAR NOT NULL,
    run_id         VARCHAR,
    text_hash      VARCHAR,
    duplicate_of   VARCHAR,
    duplicate_kind VARCHAR,
    similarity     DOUBLE,
    cluster_id     VARCHAR
);
INSERT INTO articles_rebuilt BY NAME SELECT * FROM articles;
DROP TABLE articles;
ALTER TABLE articles_rebuilt RENAME TO articles;

CREATE TABLE article_dedup_rebuilt (
    article_id      VARCHAR NOT NULL,
    text_hash       VARCHAR NOT NULL,
    duplicate_of    VARCHAR,
    duplicate_kind  VARCHAR,
    similarity      DOUBLE,
    cluster_id      VARCHAR NOT NULL,
    event_at        TIMESTAMPTZ NOT NULL,
    words           INTEGER NOT NULL,
    facts           VARCHAR[],
    protagonists    VARCHAR[],
    scheme          VARCHAR NOT NULL,
    signature       BLOB NOT NULL,
    story_signature BLOB NOT NULL,
    headline        VARCHAR[]
);
INSERT INTO article_dedup_rebuilt BY NAME SELECT * FROM article_dedup;
DROP TABLE article_dedup;
ALTER TABLE article_dedup_rebuilt RENAME TO article_dedup;

CREATE TABLE article_versions_rebuilt (
    article_id    VARCHAR NOT NULL,
    version       INTEGER NOT NULL,
    seen_at       TIMESTAMPTZ NOT NULL,
    text_hash     VARCHAR NOT NULL,
    title         VARCHAR,
    text          VARCHAR NOT NULL,
    title_changed BOOLEAN,
    words_added   INTEGER,
    words_removed INTEGER,
    diff          VARCHAR
);
INSERT INTO article_versions_rebuilt BY NAME SELECT * FROM article_versions;
DROP TABLE article_versions;
ALTER TABLE article_versions_rebuilt RENAME TO article_versions;

CREATE TABLE fetches_rebuilt (
    fetch_id        VARCHAR NOT NULL,
    run_id          VARCHAR,
    source          VARCHAR,
    kind            VARCHAR NOT NULL,
    url             VARCHAR NOT NULL,
    final_url       VARCHAR,
    status          INTEGER,
    error_class     VARCHAR,
    error           VARCHAR,
    bytes           BIGINT,
    elapsed_ms      DOUBLE,
    fetched_at      TIMESTAMPTZ NOT NULL,
    not_modified    BOOLEAN,
    sent_validators BOOLEAN,
    content_type    VARCHAR,
    etag            VARCHAR,
    last_modified   VARCHAR,
    body_hash       VARCHAR,
    retry_after     DOUBLE
);
INSERT INTO fetches_rebuilt BY NAME SELECT * FROM fetches;
DROP TABLE fetches;
ALTER TABLE fetches_rebuilt RENAME TO fetches;

CREATE TABLE captures_rebuilt (
    fetch_id     VARCHAR NOT NULL,
    url          VARCHAR NOT NULL,
    article_id   VARCHAR,
    fetched_at   TIMESTAMPTZ NOT NULL,
    status       INTEGER,
    content_type VARCHAR,
    warc_path    VARCHAR NOT NULL,
    warc_offset  BIGINT NOT NULL,
    warc_length  BIGINT NOT NULL,
    run_id       VARCHAR
);
INSERT INTO captures_rebuilt BY NAME SELECT * FROM captures;
DROP TABLE captures;
ALTER TABLE captures_rebuilt RENAME TO captures;

CREATE TABLE backfill_items_rebuilt (
    backfill_id VARCHAR NOT NULL,
    item        VARCHAR NOT NULL,
    outcome     VARCHAR NOT NULL,
    run_id      VARCHAR,
    done_at     TIMESTAMPTZ NOT NULL
);
INSERT INTO backfill_items_rebuilt BY NAME SELECT * FROM backfill_items;
DROP TABLE backfill_items;
ALTER TABLE backfill_items_rebuilt RENAME TO backfill_items;

CREATE TABLE source_events_rebuilt (
    url      VARCHAR NOT NULL,
    event_at TIMESTAMPTZ NOT NULL,
    kind     VARCHAR NOT NULL,
    detail   VARCHAR
);
INSERT INTO source_events_rebuilt BY NAME SELECT * FROM source_events;
DROP TABLE source_events;
ALTER TABLE source_events_rebuilt RENAME TO source_events;

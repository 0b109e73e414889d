-- The first schema: sources, runs, every fetch attempt, and clean articles.
-- Column meanings are documented in README.md (Tables).

CREATE TABLE sources (
    url                  VARCHAR PRIMARY KEY,   -- feed URL as configured (articles.source refers to it)
    name                 VARCHAR,
    language             VARCHAR,               -- declared ISO 639-1 code, from the feeds file
    tags                 VARCHAR[],
    title                VARCHAR,               -- as the feed names itself
    site_url             VARCHAR,
    etag                 VARCHAR,               -- validators of the last good response, verbatim
    last_modified        VARCHAR,
    last_status          INTEGER,
    last_error           VARCHAR,
    last_fetched_at      TIMESTAMPTZ,
    last_success_at      TIMESTAMPTZ,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    added_at             TIMESTAMPTZ NOT NULL
);

CREATE TABLE runs (
    run_id              VARCHAR PRIMARY KEY,
    flow                VARCHAR NOT NULL,
    started_at          TIMESTAMPTZ NOT NULL,
    finished_at         TIMESTAMPTZ,
    status              VARCHAR NOT NULL,
    sources             INTEGER,
    feeds_ok            INTEGER,
    feeds_not_modified  INTEGER,
    feeds_failed        INTEGER,
    entries             INTEGER,
    pages_fetched       INTEGER,
    pages_failed        INTEGER,
    articles_new        INTEGER,
    prefect_flow_run_id VARCHAR,
    newsflow_version    VARCHAR
);

CREATE TABLE fetches (
    fetch_id        VARCHAR PRIMARY KEY,
    run_id          VARCHAR,
    source          VARCHAR,
    kind            VARCHAR NOT NULL,   -- 'feed' or 'article'
    url             VARCHAR NOT NULL,
    final_url       VARCHAR,
    status          INTEGER,            -- HTTP status; NULL when no response arrived
    error_class     VARCHAR,            -- NULL on success; see README for the classes
    error           VARCHAR,
    bytes           BIGINT,             -- body bytes on the wire
    elapsed_ms      DOUBLE,
    fetched_at      TIMESTAMPTZ NOT NULL,
    not_modified    BOOLEAN,
    sent_validators BOOLEAN,
    content_type    VARCHAR,
    etag            VARCHAR,
    last_modified   VARCHAR
);

CREATE TABLE articles (
    article_id    VARCHAR PRIMARY KEY,  -- blake2b-128 of canonical_url
    url           VARCHAR NOT NULL,     -- as fetched (the feed's link)
    canonical_url VARCHAR NOT NULL,
    source        VARCHAR NOT NULL,     -- sources.url
    guid          VARCHAR,
    title         VARCHAR,
    text          VARCHAR NOT NULL,
    markdown      VARCHAR,
    language      VARCHAR,              -- ISO 639-1, detected
    published_at  TIMESTAMPTZ,
    authors       VARCHAR[],
    site_name     VARCHAR,
    description   VARCHAR,
    image         VARCHAR,
    categories    VARCHAR[],
    word_count    INTEGER,
    fetched_at    TIMESTAMPTZ NOT NULL,
    extractor     VARCHAR NOT NULL,     -- name and version, e.g. 'trafilatura 2.3.1'
    run_id        VARCHAR
);

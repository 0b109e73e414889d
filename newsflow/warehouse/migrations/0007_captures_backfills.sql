-- Raw captures: where the bytes of each fetched article page are kept (a record of a WARC
-- file), so later stages can be re-run without the network. And backfills: one row per
-- backfill with its inputs, and one row per input item it finished, written in the same
-- transaction as the item's articles, so an interrupted backfill resumes exactly.

CREATE TABLE captures (
    fetch_id VARCHAR PRIMARY KEY,      -- fetches.fetch_id (for WARC input: a synthetic id)
    url VARCHAR NOT NULL,              -- the URL as captured (after redirects)
    article_id VARCHAR,                -- the article extracted from it, if any
    fetched_at TIMESTAMPTZ NOT NULL,
    status INTEGER,
    content_type VARCHAR,
    warc_path VARCHAR NOT NULL,        -- the WARC file (absolute path)
    warc_offset BIGINT NOT NULL,       -- where its record starts
    warc_length BIGINT NOT NULL,       -- and how many bytes it takes
    run_id VARCHAR
);

CREATE TABLE backfills (
    backfill_id VARCHAR PRIMARY KEY,   -- from the inputs and filters, or --name
    inputs VARCHAR NOT NULL,           -- JSON: sources and filters as given
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    status VARCHAR NOT NULL,           -- 'running', 'completed'
    items_total BIGINT                 -- items found by the last discovery
);

CREATE TABLE backfill_items (
    backfill_id VARCHAR NOT NULL,
    item VARCHAR NOT NULL,             -- a URL, or warc_path#offset
    outcome VARCHAR NOT NULL,          -- 'loaded', 'known' (already stored), 'failed'
    run_id VARCHAR,
    done_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (backfill_id, item)
);

-- Dedup: copies linked to their original, story clusters, the near-duplicate index's
-- fingerprints, and article versions. Nothing is ever deleted: copies stay rows of `articles`.
--
-- DuckDB 1.5.5 adds columns to `articles` despite its PRIMARY KEY (tested: ALTER TABLE ... ADD
-- COLUMN on a populated table, then UPDATE of the new columns in the load's transaction). The
-- columns on `articles` are for analysts; `article_dedup` is the authoritative record the
-- index is rebuilt from after a restart, written first-decision-wins (warehouse/keys.py).

ALTER TABLE articles ADD COLUMN text_hash VARCHAR;       -- BLAKE2b-128 of the normalised text
ALTER TABLE articles ADD COLUMN duplicate_of VARCHAR;    -- article_id of the copy's original
ALTER TABLE articles ADD COLUMN duplicate_kind VARCHAR; -- 'exact' or 'near'; NULL: an original
ALTER TABLE articles ADD COLUMN similarity DOUBLE;      -- 1.0 exact; estimated Jaccard when near
ALTER TABLE articles ADD COLUMN cluster_id VARCHAR;     -- article_id of the story's first article

CREATE TABLE article_dedup (
    article_id     VARCHAR PRIMARY KEY,
    text_hash      VARCHAR NOT NULL,
    duplicate_of   VARCHAR,
    duplicate_kind VARCHAR,
    similarity     DOUBLE,
    cluster_id     VARCHAR NOT NULL,
    event_at       TIMESTAMPTZ NOT NULL,  -- published, else fetched: the index window's clock
    words          INTEGER NOT NULL,      -- tokens of the normalised text
    facts          VARCHAR[],             -- names and '#numbers' the story is about, most frequent first
    protagonists   VARCHAR[],             -- names mentioned more than once, the three most frequent
    scheme         VARCHAR NOT NULL,      -- how the signatures were made, e.g. rensa-rminhash2/128/s3/12026
    signature      BLOB NOT NULL,         -- body MinHash: little-endian uint32 x 128
    story_signature BLOB NOT NULL          -- MinHash of the names and numbers: uint32 x 64
);

CREATE TABLE article_versions (
    article_id    VARCHAR NOT NULL,
    version       INTEGER NOT NULL,       -- 1 = the text first loaded
    seen_at       TIMESTAMPTZ NOT NULL,   -- when this text was fetched
    text_hash     VARCHAR NOT NULL,
    title         VARCHAR,
    text          VARCHAR NOT NULL,
    title_changed BOOLEAN,                -- compared with the previous version; NULL for 1
    words_added   INTEGER,
    words_removed INTEGER,
    diff          VARCHAR,                -- unified diff of headline and paragraphs
    PRIMARY KEY (article_id, version)
);

-- One row per distinct text: originals (and articles not deduplicated yet), with their copies.
CREATE VIEW articles_unique AS
WITH copies AS (
    SELECT duplicate_of AS article_id, count(*) AS copies, list(DISTINCT source) AS copy_sources
    FROM articles
    WHERE duplicate_of IS NOT NULL
    GROUP BY duplicate_of
),
final AS (
    SELECT a.*, coalesce(c.copies, 0) AS copies, coalesce(c.copy_sources, []) AS copy_sources
    FROM articles a
    LEFT JOIN copies c USING (article_id)
    WHERE a.duplicate_of IS NULL
)
SELECT * FROM final;

-- One row per story cluster: size, outlets, first and last seen, the first headline.
CREATE VIEW story_clusters AS
WITH members AS (
    SELECT cluster_id, article_id, source, coalesce(site_name, source) AS outlet, title,
           duplicate_of, coalesce(published_at, fetched_at) AS seen_at
    FROM articles
    WHERE cluster_id IS NOT NULL
),
final AS (
    SELECT cluster_id,
           count(*) AS articles,
           count(*) FILTER (WHERE duplicate_of IS NULL) AS distinct_texts,
           count(DISTINCT outlet) AS outlets,
           list(DISTINCT outlet ORDER BY outlet) AS outlet_names,
           min(seen_at) AS first_seen,
           max(seen_at) AS last_seen,
           arg_min(title, seen_at) AS headline
    FROM members
    GROUP BY cluster_id
)
SELECT * FROM final;

-- Every version after the first, with what changed since the one before.
CREATE VIEW article_revisions AS
WITH ordered AS (
    SELECT *,
           lag(title) OVER history AS previous_title,
           lag(seen_at) OVER history AS previous_seen_at,
           lag(text_hash) OVER history AS previous_hash
    FROM article_versions
    WINDOW history AS (PARTITION BY article_id ORDER BY version)
),
final AS (
    SELECT o.article_id, a.canonical_url, a.source, o.version, o.seen_at, o.previous_seen_at,
           o.title, o.previous_title, o.title_changed, o.words_added, o.words_removed,
           o.text_hash, o.previous_hash, o.diff
    FROM ordered o
    JOIN articles a USING (article_id)
    WHERE o.version > 1
)
SELECT * FROM final;

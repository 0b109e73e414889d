-- article_topics and article_entities without their PRIMARY KEYs. The loads keep those keys
-- themselves, as they do on a DuckLake (which has none): each article's rows are replaced
-- whole (delete, then insert rows made unique by key in newsflow/warehouse/topics.py). The
-- keys' indexes cost every batch of a backfill about 90 MB of memory, growing with the
-- warehouse (bench/README.md, "Memory of long backfills: the dedup window, indexes and the
-- batch load"). The tables are rebuilt (DuckDB cannot drop a primary key), with the same
-- columns in the same order.

CREATE TABLE article_topics_rebuilt (
    article_id     VARCHAR NOT NULL,   -- articles.article_id
    scheme         VARCHAR NOT NULL,   -- 'iptc-mediatopic'
    code           VARCHAR NOT NULL,   -- e.g. 'medtop:16000000'
    label          VARCHAR,            -- in the article's language (English when IPTC has none)
    label_en       VARCHAR,
    level          INTEGER,            -- 1 = one of the 17 top-level topics
    score          DOUBLE,             -- 0..1
    tagger         VARCHAR NOT NULL,   -- e.g. 'lexicon'
    tagger_version VARCHAR NOT NULL,
    evidence       VARCHAR[]           -- matched lexicon terms
);
INSERT INTO article_topics_rebuilt BY NAME SELECT * FROM article_topics;
DROP TABLE article_topics;
ALTER TABLE article_topics_rebuilt RENAME TO article_topics;

CREATE TABLE article_entities_rebuilt (
    article_id VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,       -- 'country', 'city' or 'keyword'
    code       VARCHAR,                -- places: ISO 3166-1 alpha-2 of the country; keywords: NULL
    name       VARCHAR NOT NULL,       -- places: English name; keywords: as written
    count      INTEGER,                -- mentions (a country counts its cities' mentions)
    score      DOUBLE                  -- keywords: YAKE score, lower is more relevant
);
INSERT INTO article_entities_rebuilt BY NAME SELECT * FROM article_entities;
DROP TABLE article_entities;
ALTER TABLE article_entities_rebuilt RENAME TO article_entities;

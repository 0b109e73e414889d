-- Topics (IPTC Media Topics), places and keywords of articles, and two views for analysts.
-- Rows are replaced per article and tagger by newsflow/warehouse/topics.py (delete + insert).
-- Independent of 0002/0003: only `articles` (0001) is referred to.

CREATE TABLE IF NOT EXISTS article_topics (
    article_id     VARCHAR NOT NULL,   -- articles.article_id
    scheme         VARCHAR NOT NULL,   -- 'iptc-mediatopic'
    code           VARCHAR NOT NULL,   -- e.g. 'medtop:16000000'
    label          VARCHAR,            -- in the article's language (English when IPTC has none)
    label_en       VARCHAR,
    level          INTEGER,            -- 1 = one of the 17 top-level topics
    score          DOUBLE,             -- 0..1
    tagger         VARCHAR NOT NULL,   -- e.g. 'lexicon'
    tagger_version VARCHAR NOT NULL,
    evidence       VARCHAR[],          -- matched lexicon terms
    PRIMARY KEY (article_id, scheme, code, tagger)
);

CREATE TABLE IF NOT EXISTS article_entities (
    article_id VARCHAR NOT NULL,
    kind       VARCHAR NOT NULL,       -- 'country', 'city' or 'keyword'
    code       VARCHAR,                -- places: ISO 3166-1 alpha-2 of the country; keywords: NULL
    name       VARCHAR NOT NULL,       -- places: English name; keywords: as written
    count      INTEGER,                -- mentions (a country counts its cities' mentions)
    score      DOUBLE,                 -- keywords: YAKE score, lower is more relevant
    PRIMARY KEY (article_id, kind, name)
);

CREATE INDEX IF NOT EXISTS article_topics_code ON article_topics (code);
CREATE INDEX IF NOT EXISTS article_entities_code ON article_entities (kind, code);

-- Articles per topic, day (UTC; fetched_at when the article has no date) and language.
CREATE OR REPLACE VIEW topic_daily AS
WITH dated AS (
    SELECT article_id, language,
           CAST(timezone('UTC', coalesce(published_at, fetched_at)) AS DATE) AS day
    FROM articles
),
final AS (
    SELECT d.day, d.language, t.scheme, t.code, t.level, any_value(t.label_en) AS label_en,
           t.tagger, count(DISTINCT t.article_id) AS articles, avg(t.score) AS mean_score
    FROM article_topics t JOIN dated d USING (article_id)
    GROUP BY ALL
)
SELECT * FROM final;

-- Articles per place (country or city), day (as above) and language.
CREATE OR REPLACE VIEW places_daily AS
WITH dated AS (
    SELECT article_id, language,
           CAST(timezone('UTC', coalesce(published_at, fetched_at)) AS DATE) AS day
    FROM articles
),
final AS (
    SELECT d.day, d.language, e.kind, e.code, e.name,
           count(DISTINCT e.article_id) AS articles, sum(e.count) AS mentions
    FROM article_entities e JOIN dated d USING (article_id)
    WHERE e.kind IN ('country', 'city')
    GROUP BY ALL
)
SELECT * FROM final;

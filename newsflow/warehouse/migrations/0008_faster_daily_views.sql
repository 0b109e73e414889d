-- topic_daily and places_daily counted articles with count(DISTINCT article_id). Each article
-- has one row per (scheme, code, tagger) in article_topics and per (kind, name) in
-- article_entities (the loads keep these keys unique on every backend), so within their groups
-- count(*) is the same number, and on a warehouse of a million articles about 3x faster
-- (bench/views.py).

CREATE OR REPLACE VIEW topic_daily AS
WITH dated AS (
    SELECT article_id, language,
           CAST(timezone('UTC', coalesce(published_at, fetched_at)) AS DATE) AS day
    FROM articles
),
final AS (
    SELECT d.day, d.language, t.scheme, t.code, t.level, any_value(t.label_en) AS label_en,
           t.tagger, count(*) AS articles, avg(t.score) AS mean_score
    FROM article_topics t JOIN dated d USING (article_id)
    GROUP BY ALL
)
SELECT * FROM final;

CREATE OR REPLACE VIEW places_daily AS
WITH dated AS (
    SELECT article_id, language,
           CAST(timezone('UTC', coalesce(published_at, fetched_at)) AS DATE) AS day
    FROM articles
),
final AS (
    SELECT d.day, d.language, e.kind, e.code, e.name,
           count(*) AS articles, sum(e.count) AS mentions
    FROM article_entities e JOIN dated d USING (article_id)
    WHERE e.kind IN ('country', 'city')
    GROUP BY ALL
)
SELECT * FROM final;

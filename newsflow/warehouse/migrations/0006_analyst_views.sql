-- The analyst's side: daily volume per source, data quality per source, and the bookkeeping
-- of the full-text search index (built by newsflow/warehouse/search.py, not by migrations).
-- Columns and meanings: docs/schema.md. Days are UTC dates of published_at, else fetched_at,
-- as in topic_daily. "Short" text means fewer than 80 words.

-- Articles per source and day: how many, how many were copies, words, detected languages.
CREATE OR REPLACE VIEW source_daily AS
WITH dated AS (
    SELECT source, language, word_count, duplicate_of,
           CAST(timezone('UTC', coalesce(published_at, fetched_at)) AS DATE) AS day
    FROM articles
),
named AS (
    SELECT d.*, coalesce(s.name, s.title, d.source) AS name
    FROM dated d
    LEFT JOIN sources s ON s.url = d.source
),
final AS (
    SELECT day,
           source,
           name,
           count(*) AS articles,
           count(*) FILTER (WHERE duplicate_of IS NULL) AS originals,
           count(*) FILTER (WHERE duplicate_of IS NOT NULL) AS duplicates,
           coalesce(sum(word_count), 0) AS words,
           round(avg(word_count)) AS avg_words,
           histogram(language) AS languages
    FROM named
    GROUP BY day, source, name
)
SELECT * FROM final;

-- Per source: what share of its articles lack text, a date, authors, the declared language or
-- originality; and whether extraction looks broken (thin pages this week vs the 4 weeks before).
CREATE OR REPLACE VIEW source_quality AS
WITH article_counts AS (
    SELECT a.source,
           count(*) AS articles,
           count(*) FILTER (WHERE coalesce(a.word_count, 0) < 80) AS short_texts,
           count(*) FILTER (WHERE a.published_at IS NULL) AS missing_dates,
           count(*) FILTER (WHERE coalesce(len(a.authors), 0) = 0) AS missing_authors,
           count(*) FILTER (
               WHERE a.language IS NOT NULL AND s.language IS NOT NULL AND a.language <> s.language
           ) AS other_language,
           count(*) FILTER (WHERE a.duplicate_of IS NOT NULL) AS duplicates
    FROM articles a
    LEFT JOIN sources s ON s.url = a.source
    GROUP BY a.source
),
no_text_pages AS (  -- pages that gave no article text: one per URL, at its latest attempt
    SELECT f.source, f.url, max(f.fetched_at) AS fetched_at
    FROM fetches f
    ANTI JOIN articles a ON a.url = f.url
    WHERE f.kind = 'article' AND f.error_class = 'no_text'
    GROUP BY f.source, f.url
),
pages AS (  -- every article page by fetch time; thin = no text, or a short one
    SELECT source, fetched_at, coalesce(word_count, 0) < 80 AS thin FROM articles
    UNION ALL
    SELECT source, fetched_at, true AS thin FROM no_text_pages
),
windows AS (
    SELECT source,
           count(*) FILTER (WHERE fetched_at > now() - INTERVAL 7 DAY) AS pages_7d,
           count(*) FILTER (WHERE thin AND fetched_at > now() - INTERVAL 7 DAY) AS thin_7d,
           count(*) FILTER (
               WHERE fetched_at <= now() - INTERVAL 7 DAY AND fetched_at > now() - INTERVAL 35 DAY
           ) AS pages_prev,
           count(*) FILTER (
               WHERE thin
                 AND fetched_at <= now() - INTERVAL 7 DAY AND fetched_at > now() - INTERVAL 35 DAY
           ) AS thin_prev
    FROM pages
    GROUP BY source
),
shares AS (
    SELECT s.url AS source,
           coalesce(s.name, s.title, s.url) AS name,
           s.language AS declared_language,
           coalesce(c.articles, 0) AS articles,
           (SELECT count(*) FROM no_text_pages n WHERE n.source = s.url) AS no_text_pages,
           round(c.short_texts / c.articles, 3) AS short_text_share,
           round(c.missing_dates / c.articles, 3) AS missing_date_share,
           round(c.missing_authors / c.articles, 3) AS missing_authors_share,
           round(c.other_language / c.articles, 3) AS language_mismatch_share,
           round(c.duplicates / c.articles, 3) AS duplicate_share,
           coalesce(w.pages_7d, 0) AS pages_7d,
           round(w.thin_7d / nullif(w.pages_7d, 0), 3) AS thin_share_7d,
           coalesce(w.pages_prev, 0) AS pages_prev_28d,
           round(w.thin_prev / nullif(w.pages_prev, 0), 3) AS thin_share_prev_28d
    FROM sources s
    LEFT JOIN article_counts c ON c.source = s.url
    LEFT JOIN windows w ON w.source = s.url
),
judged AS (
    SELECT *,
           round(thin_share_7d - thin_share_prev_28d, 3) AS thin_drift,
           coalesce(
               pages_7d >= 5 AND thin_share_7d >= 0.5
               AND (thin_share_prev_28d IS NULL OR thin_share_7d - thin_share_prev_28d >= 0.3),
               false
           ) AS extraction_broken
    FROM shares
),
final AS (
    SELECT *,
           list_filter([
               CASE WHEN extraction_broken THEN 'extraction_broken' END,
               CASE WHEN articles >= 5 AND short_text_share >= 0.5 THEN 'short_texts' END,
               CASE WHEN articles >= 5 AND missing_date_share >= 0.5 THEN 'missing_dates' END,
               CASE WHEN articles >= 5 AND missing_authors_share >= 0.8 THEN 'missing_authors' END,
               CASE WHEN articles >= 5 AND language_mismatch_share >= 0.2
                    THEN 'language_mismatch' END,
               CASE WHEN articles >= 5 AND duplicate_share >= 0.5 THEN 'mostly_duplicates' END
           ], flag -> flag IS NOT NULL) AS flags
    FROM judged
)
SELECT * FROM final;

-- One row per part of the full-text search index (one part per stemmer language), rewritten by
-- every `newsflow search --reindex`; the fingerprint tells whether articles changed since.
CREATE TABLE IF NOT EXISTS search_index (
    name        VARCHAR PRIMARY KEY,  -- schema of the fts index, e.g. 'fts_main_search_fr'
    languages   VARCHAR[] NOT NULL,   -- article languages in this part ('' for unknown)
    stemmer     VARCHAR NOT NULL,     -- Snowball stemmer, or 'none'
    articles    INTEGER NOT NULL,     -- articles indexed in this part
    built_at    TIMESTAMPTZ NOT NULL,
    fingerprint UBIGINT NOT NULL      -- of every article's id, title, text and language then
);

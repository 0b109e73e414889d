-- Adaptive, polite polling: per-source schedule and validator trust, events, run counts,
-- and the feed_health view for operators.

ALTER TABLE sources ADD COLUMN feed_url VARCHAR;
ALTER TABLE sources ADD COLUMN next_fetch_at TIMESTAMPTZ;
ALTER TABLE sources ADD COLUMN body_hash VARCHAR;
ALTER TABLE sources ADD COLUMN validators_trusted BOOLEAN DEFAULT true;
ALTER TABLE sources ADD COLUMN items_per_day DOUBLE;
ALTER TABLE sources ADD COLUMN ttl_minutes INTEGER;
ALTER TABLE sources ADD COLUMN last_full_fetch_at TIMESTAMPTZ;
UPDATE sources SET feed_url = url WHERE feed_url IS NULL;

ALTER TABLE fetches ADD COLUMN body_hash VARCHAR;
ALTER TABLE fetches ADD COLUMN retry_after DOUBLE;

ALTER TABLE runs ADD COLUMN sources_due INTEGER;

CREATE TABLE source_events (
    url    VARCHAR NOT NULL,      -- sources.url
    event_at TIMESTAMPTZ NOT NULL,
    kind   VARCHAR NOT NULL,      -- 'moved', 'discovered', 'validators_untrusted'
    detail VARCHAR,
    PRIMARY KEY (url, event_at, kind)
);

CREATE VIEW feed_health AS
WITH recent AS (
    SELECT
        source,
        count(*) AS polls_7d,
        count(*) FILTER (WHERE error_class IS NOT NULL) AS failures_7d,
        count(*) FILTER (WHERE not_modified) AS not_modified_7d
    FROM fetches
    WHERE kind IN ('feed', 'discovery') AND fetched_at > now() - INTERVAL 7 DAY
    GROUP BY source
),

final AS (
    SELECT
        s.url,
        coalesce(s.name, s.title) AS name,
        s.feed_url,
        s.last_status,
        s.last_success_at,
        s.consecutive_failures,
        round(coalesce(r.failures_7d, 0) / nullif(r.polls_7d, 0), 3) AS error_rate_7d,
        coalesce(r.polls_7d, 0) AS polls_7d,
        coalesce(r.not_modified_7d, 0) AS not_modified_7d,
        round(s.items_per_day, 2) AS items_per_day,
        s.next_fetch_at,
        s.validators_trusted,
        s.last_error
    FROM sources AS s
    LEFT JOIN recent AS r ON r.source = s.url
)

SELECT * FROM final;

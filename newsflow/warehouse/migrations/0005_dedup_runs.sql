-- What a run's dedup did, next to its other counts: new articles linked as copies of earlier
-- ones, stored articles refetched as update checks, and those whose text or headline changed.
-- And the headline's names of each deduplicated article, which story clusters compare.

ALTER TABLE runs ADD COLUMN articles_duplicate INTEGER;
ALTER TABLE runs ADD COLUMN pages_rechecked INTEGER;
ALTER TABLE runs ADD COLUMN articles_revised INTEGER;
ALTER TABLE article_dedup ADD COLUMN headline VARCHAR[];  -- names of the title the body names too

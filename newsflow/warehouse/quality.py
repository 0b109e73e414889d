"""Per-source data quality (the `source_quality` view), for `newsflow quality` and the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsflow.warehouse.query import run_query

# Shares as percentages and the columns that matter, flagged sources first; every column of
# the view stays available with `SELECT * FROM source_quality`.
QUALITY_SQL = """
SELECT name AS source, articles,
       printf('%.0f%%', 100 * short_text_share) AS short,
       printf('%.0f%%', 100 * missing_date_share) AS undated,
       printf('%.0f%%', 100 * missing_authors_share) AS anonymous,
       printf('%.0f%%', 100 * language_mismatch_share) AS "lang≠",
       printf('%.0f%%', 100 * duplicate_share) AS copies,
       pages_7d AS "pages 7d",
       printf('%.0f%%', 100 * thin_share_7d) AS "thin 7d",
       printf('%.0f%%', 100 * thin_share_prev_28d) AS "thin 4w",
       array_to_string(flags, ', ') AS flags
FROM source_quality
ORDER BY extraction_broken DESC, len(flags) DESC, name
"""


def source_quality(db_path: str | Path) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Columns and rows of `source_quality` as `newsflow quality` shows them."""
    return run_query(db_path, QUALITY_SQL)

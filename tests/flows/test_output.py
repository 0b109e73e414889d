"""CSV and JSON renderings of query results (`newsflow sql --format`)."""

import csv
import io
import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from newsflow.flows.output import jsonable, to_csv, to_json

COLUMNS = ["name", "day", "at", "tags", "share", "missing"]
ROWS = [
    (
        "Le Veilleur",
        date(2026, 11, 1),
        datetime(2026, 11, 1, 8, 30, tzinfo=UTC),
        ["a", "b"],
        0.5,
        None,
    ),
    (
        'say "hi", ok',
        date(2026, 11, 2),
        datetime(2026, 11, 2, tzinfo=UTC),
        [],
        Decimal("1.25"),
        None,
    ),
]


def test_csv_has_a_header_then_rows_with_iso_dates_and_json_lists():
    parsed = list(csv.reader(io.StringIO(to_csv(COLUMNS, ROWS))))
    assert parsed[0] == COLUMNS
    assert parsed[1] == [
        "Le Veilleur",
        "2026-11-01",
        "2026-11-01T08:30:00+00:00",
        '["a", "b"]',
        "0.5",
        "",
    ]
    assert parsed[2][0] == 'say "hi", ok' and parsed[2][3] == "[]" and parsed[2][4] == "1.25"
    assert to_csv(["a"], []) == "a\n"


def test_json_is_a_list_of_objects():
    records = json.loads(to_json(COLUMNS, ROWS))
    assert records[0] == {
        "name": "Le Veilleur",
        "day": "2026-11-01",
        "at": "2026-11-01T08:30:00+00:00",
        "tags": ["a", "b"],
        "share": 0.5,
        "missing": None,
    }
    assert records[1]["share"] == 1.25 and json.loads(to_json(["a"], [])) == []


def test_jsonable_handles_duckdb_types():
    assert jsonable({"k": [timedelta(seconds=90)]}) == {"k": [90.0]}
    assert jsonable(b"\x00\x01") == "AAE="
    assert jsonable(UUID(int=1)) == "00000000-0000-0000-0000-000000000001"
    assert jsonable((1, "x")) == [1, "x"]

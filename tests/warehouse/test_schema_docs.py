"""The docs cannot drift: docs/schema.md lists exactly the tables, views, columns and types of a
migrated warehouse, and every SQL block of the docs runs on the demo warehouse."""

import re
from pathlib import Path

import pytest

from newsflow.warehouse.db import connect

DOCS = Path(__file__).parents[2] / "docs"
HEADING = re.compile(r"^#{2,4} `(\w+)` \((table|view)(, snapshots only)?\)\s*$")
ROW = re.compile(r"^\| `(\w+)` \| ([^|]+?) \|")
SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.DOTALL)
TYPE_NAMES = {"TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ"}


def documented_schema(text: str) -> tuple[dict[str, tuple[str, dict[str, str]]], set[str]]:
    """{name: (kind, {column: type})} of the objects documented, and those in snapshots only."""
    objects: dict[str, tuple[str, dict[str, str]]] = {}
    snapshot_only: set[str] = set()
    current = None
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:
            name, kind, snapshot = heading.groups()
            current = objects.setdefault(name, (kind, {}))[1]
            if snapshot:
                snapshot_only.add(name)
        elif line.startswith("#"):
            current = None
        elif current is not None and (row := ROW.match(line)):
            current[row.group(1)] = row.group(2).strip()
    return objects, snapshot_only


def actual_schema(db: str | Path) -> dict[str, tuple[str, dict[str, str]]]:
    """The same, read from a migrated warehouse (schema main)."""
    with connect(db) as con:
        rows = con.execute(
            "SELECT t.table_name, t.table_type, c.column_name, c.data_type"
            " FROM information_schema.tables t JOIN information_schema.columns c"
            " USING (table_catalog, table_schema, table_name)"
            " WHERE t.table_schema = 'main' AND t.table_catalog = current_database()"
            " ORDER BY t.table_name, c.ordinal_position"
        ).fetchall()
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for table, kind, column, data_type in rows:
        entry = found.setdefault(table, ("view" if kind == "VIEW" else "table", {}))
        entry[1][column] = TYPE_NAMES.get(data_type, data_type)
    return found


def test_schema_md_matches_a_migrated_warehouse(warehouse):
    documented, snapshot_only = documented_schema((DOCS / "schema.md").read_text())
    actual = actual_schema(warehouse)
    assert len(actual) >= 20 and snapshot_only == {"snapshot_info"}
    in_docs = {name: spec for name, spec in documented.items() if name not in snapshot_only}
    assert sorted(set(actual) - set(in_docs)) == [], "tables/views missing from docs/schema.md"
    assert sorted(set(in_docs) - set(actual)) == [], "documented but not in the warehouse"
    for name, (kind, columns) in actual.items():
        doc_kind, doc_columns = in_docs[name]
        assert doc_kind == kind, f"{name} is a {kind}, documented as a {doc_kind}"
        assert sorted(set(columns) - set(doc_columns)) == [], f"{name}: columns not documented"
        assert sorted(set(doc_columns) - set(columns)) == [], f"{name}: documented, not real"
        wrong = {c: (doc_columns[c], t) for c, t in columns.items() if doc_columns[c] != t}
        assert wrong == {}, f"{name}: documented type != real type"


def test_the_parser_sees_a_changed_doc():
    text = "### `t` (table)\n\n| column | type | meaning |\n|---|---|---|\n| `a` | INTEGER | x |\n"
    assert documented_schema(text) == ({"t": ("table", {"a": "INTEGER"})}, set())
    assert documented_schema(text + "## Next\n| `b` | INTEGER | y |\n")[0]["t"][1] == {
        "a": "INTEGER"
    }


def test_every_view_has_an_example_query_in_schema_md(warehouse):
    text = (DOCS / "schema.md").read_text()
    views = [name for name, (kind, _) in actual_schema(warehouse).items() if kind == "view"]
    sections = re.split(r"^### ", text, flags=re.MULTILINE)
    for view in views:
        section = next(s for s in sections if s.startswith(f"`{view}` (view)"))
        assert f"FROM {view}" in "".join(SQL_BLOCK.findall(section)), view


def sql_blocks(name: str) -> list[str]:
    return SQL_BLOCK.findall((DOCS / name).read_text())


@pytest.mark.parametrize("number", range(len(sql_blocks("queries.md"))))
def test_every_question_in_queries_md_answers_with_real_values(demo_warehouse, number):
    sql = sql_blocks("queries.md")[number]
    with connect(demo_warehouse, read_only=True) as con:
        result = con.execute(sql)
        columns = [d[0] for d in result.description]
        rows = result.fetchall()
    assert rows, f"query {number + 1} returned no rows:\n{sql}"
    empty = [c for n, c in enumerate(columns) if all(row[n] is None for row in rows)]
    assert empty == [], f"query {number + 1}: columns without any value: {empty}"


def test_queries_md_has_at_least_ten_questions():
    assert len(sql_blocks("queries.md")) >= 10


def test_every_sql_example_of_schema_md_runs(demo_warehouse):
    blocks = sql_blocks("schema.md")
    assert len(blocks) >= 8  # one per view at least
    with connect(demo_warehouse, read_only=True) as con:
        for sql in blocks:
            assert con.execute(sql).fetchall() is not None

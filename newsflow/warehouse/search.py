"""Full-text search over articles with DuckDB's `fts` extension (BM25), loaded offline.

The extension comes from the `duckdb-extension-fts` wheel, built for our exact DuckDB version:
it is LOADed from the file inside that package, so nothing is downloaded or installed in the
home folder. The index has one part per stemmer language (`fts_main_search_<code>` schemas, one
`PRAGMA create_fts_index` each, over a temporary table of that language's articles); languages
without a Snowball stemmer share the part `fts_main_search_other`, unstemmed. `search_index`
records the parts and a fingerprint of the articles they were built from, so a search can tell
that the index is stale.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from newsflow.errors import WarehouseError
from newsflow.warehouse.db import connect, write
from newsflow.warehouse.extensions import extension_path, load_extension
from newsflow.warehouse.location import is_lake

# ISO 639-1 code -> Snowball stemmer of DuckDB's fts extension.
STEMMERS: Mapping[str, str] = {
    "ar": "arabic",
    "ca": "catalan",
    "da": "danish",
    "de": "german",
    "el": "greek",
    "en": "english",
    "es": "spanish",
    "eu": "basque",
    "fi": "finnish",
    "fr": "french",
    "ga": "irish",
    "hi": "hindi",
    "hu": "hungarian",
    "id": "indonesian",
    "it": "italian",
    "lt": "lithuanian",
    "nb": "norwegian",
    "ne": "nepali",
    "nl": "dutch",
    "nn": "norwegian",
    "no": "norwegian",
    "pt": "portuguese",
    "ro": "romanian",
    "ru": "russian",
    "sr": "serbian",
    "sv": "swedish",
    "ta": "tamil",
    "tr": "turkish",
}
OTHER = "other"  # the part for languages without a stemmer, and for unknown languages
# Letters and digits of every script make tokens (the extension's default keeps only a-z).
TOKEN_SEPARATORS = r"[^\p{L}\p{N}]+"
REINDEX_HINT = "newsflow search --reindex"
_FINGERPRINT = (
    "SELECT count(*), coalesce(bit_xor(hash(article_id, title, language,"
    " coalesce(text_hash, md5(text)))), 0) FROM articles"
)


@dataclass(frozen=True)
class IndexPart:
    """One part of the index: the articles of some languages, one stemmer."""

    code: str  # language code, or OTHER
    stemmer: str
    languages: tuple[str, ...]

    @property
    def schema(self) -> str:
        """The schema `PRAGMA create_fts_index` makes for this part's table."""
        return f"fts_main_{self.table}"

    @property
    def table(self) -> str:
        """Name of the temporary table the part is built from."""
        return f"search_{self.code}"


@dataclass(frozen=True)
class IndexState:
    """What the warehouse says about its search index."""

    parts: tuple[IndexPart, ...]
    articles: int  # indexed
    built_at: datetime | None
    stale: bool  # articles were added, changed or removed since it was built


@dataclass(frozen=True)
class SearchHit:
    """One ranked article."""

    score: float
    article_id: str
    published_at: datetime | None
    outlet: str
    language: str | None
    title: str
    url: str
    snippet: str


@dataclass(frozen=True)
class SearchResult:
    """Hits, best first, and whether the index they come from is stale."""

    hits: list[SearchHit]
    index: IndexState


def fts_extension_path() -> Path:
    """The fts extension file shipped by the duckdb-extension-fts package for our DuckDB."""
    return extension_path("fts")


def load_fts(connection: duckdb.DuckDBPyConnection) -> None:
    """LOAD the bundled fts extension into a connection (no download, no INSTALL)."""
    load_extension(connection, "fts")


def plan_parts(languages: Iterable[str | None]) -> list[IndexPart]:
    """Index parts for these article languages: one per stemmer language, one for the rest."""
    stemmed: dict[str, list[str]] = {}
    other: list[str] = []
    for language in sorted({code or "" for code in languages}):
        if language in STEMMERS:
            stemmed.setdefault(STEMMERS[language], []).append(language)
        else:
            other.append(language)
    parts = [IndexPart(codes[0], stemmer, tuple(codes)) for stemmer, codes in stemmed.items()]
    if other:
        parts.append(IndexPart(OTHER, "none", tuple(other)))
    return sorted(parts, key=lambda part: part.code)


def refresh_search_index(db_path: str | Path) -> int:
    """(Re)build the full-text index of every article (title and text); return how many.

    A DuckLake cannot hold the index (the extension writes types and macros a lake does not
    store): there this records the index's parts in `search_index`, and every publication of
    the analysts' snapshot builds the index in the snapshot (see `index_copy`)."""
    lake = is_lake(db_path)

    def work(connection: duckdb.DuckDBPyConnection) -> int:
        if not lake:
            load_fts(connection)
        languages = connection.execute("SELECT DISTINCT language FROM articles").fetchall()
        return _rebuild(connection, plan_parts(language for (language,) in languages), lake)

    return write(db_path, work, what="building the search index")


def index_copy(connection: duckdb.DuckDBPyConnection) -> int | None:
    """Build the index in a DuckDB copy of a lake (the analysts' snapshot) when the lake asked
    for one (its `search_index` has rows); the articles indexed, or None."""
    wanted = connection.execute("SELECT count(*) FROM search_index").fetchone()
    if not wanted or not wanted[0]:
        return None
    load_fts(connection)
    languages = connection.execute("SELECT DISTINCT language FROM articles").fetchall()
    return _rebuild(connection, plan_parts(language for (language,) in languages))


def _rebuild(
    connection: duckdb.DuckDBPyConnection, parts: list[IndexPart], plan_only: bool = False
) -> int:
    """Drop the old parts, build the new ones (unless `plan_only`) and record them; return the
    articles indexed."""
    for (schema,) in connection.execute("SELECT name FROM search_index").fetchall():
        if not plan_only:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    connection.execute("DELETE FROM search_index")
    fingerprint = connection.execute(_FINGERPRINT).fetchone()
    built_at = datetime.now(UTC)
    total = 0
    for part in parts:
        count = _count_part(connection, part) if plan_only else _build_part(connection, part)
        connection.execute(
            "INSERT INTO search_index VALUES (?, ?, ?, ?, ?, ?)",
            [part.schema, list(part.languages), part.stemmer, count, built_at, fingerprint[1]],
        )
        total += count
    return total


def _part_filter(part: IndexPart) -> tuple[str, list[Any]]:
    """WHERE clause and parameters selecting the articles of one part."""
    languages = [code for code in part.languages if code]
    return "list_contains(?, language) OR (? AND language IS NULL)", [
        languages,
        "" in part.languages,
    ]


def _count_part(connection: duckdb.DuckDBPyConnection, part: IndexPart) -> int:
    """The articles one part would index."""
    where, parameters = _part_filter(part)
    row = connection.execute(f"SELECT count(*) FROM articles WHERE {where}", parameters)
    return int((row.fetchone() or (0,))[0])


def _build_part(connection: duckdb.DuckDBPyConnection, part: IndexPart) -> int:
    """Index the articles of one part from a temporary copy of their title and text."""
    where, parameters = _part_filter(part)
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {part.table} AS"
        f" SELECT article_id, coalesce(title, '') AS title, text FROM articles WHERE {where}",
        parameters,
    )
    stopwords = "english" if part.stemmer == "english" else "none"
    connection.execute(
        f"PRAGMA create_fts_index('{part.table}', 'article_id', 'title', 'text',"
        f" stemmer='{part.stemmer}', stopwords='{stopwords}', ignore='{TOKEN_SEPARATORS}',"
        " strip_accents=1, lower=1, overwrite=1)"
    )
    (count,) = connection.execute(f"SELECT count(*) FROM {part.table}").fetchone() or (0,)
    connection.execute(f"DROP TABLE {part.table}")
    return int(count)


def index_state(connection: duckdb.DuckDBPyConnection) -> IndexState | None:
    """The index's parts and freshness; None when the warehouse has no index."""
    has_table = connection.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main'"
        " AND table_name = 'search_index'"
    ).fetchone()
    if not has_table or not has_table[0]:
        return None
    rows = connection.execute(
        "SELECT name, languages, stemmer, articles, built_at, fingerprint FROM search_index"
    ).fetchall()
    if not rows:
        return None
    found = connection.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()
    schemas = {name for (name,) in found}
    if any(row[0] not in schemas for row in rows):
        return None
    parts = tuple(
        IndexPart(name.removeprefix("fts_main_search_"), stemmer, tuple(languages))
        for name, languages, stemmer, *_ in rows
    )
    current = connection.execute(_FINGERPRINT).fetchone() or (0, 0)
    indexed = sum(row[3] for row in rows)
    stale = current[1] != rows[0][5] or current[0] != indexed
    return IndexState(parts, indexed, rows[0][4], stale)


def search(
    db_path: str | Path,
    query: str,
    language: str | None = None,
    since: datetime | None = None,
    limit: int = 20,
    copies: bool = False,
) -> SearchResult:
    """Articles matching `query`, best BM25 score first; originals only unless `copies`."""
    if is_lake(db_path):
        raise WarehouseError(
            f"{db_path}: a DuckLake holds no full-text index; it is built in the analysts'"
            f" snapshot when that is published (after `{REINDEX_HINT}`): search the snapshot"
            " (`newsflow search` does when it exists)"
        )
    with connect(db_path, read_only=True) as connection:
        load_fts(connection)
        state = index_state(connection)
        if state is None:
            raise WarehouseError(
                f"{db_path}: no search index yet: build it with `{REINDEX_HINT} --db {db_path}`"
            )
        parts = [p for p in state.parts if language is None or language in p.languages]
        if not parts or not query.strip():
            return SearchResult([], state)
        rows = connection.execute(
            _search_sql(parts, copies), _search_params(query, language, since, limit)
        ).fetchall()
    return SearchResult([_hit(row, query) for row in rows], state)


def _search_sql(parts: list[IndexPart], copies: bool) -> str:
    """One BM25 branch per index part, then filters, ranking and the limit."""
    branches = " UNION ALL ".join(
        f"SELECT article_id, {part.schema}.match_bm25(article_id, $query) AS score FROM articles"
        for part in parts
    )
    originals = "" if copies else " AND a.duplicate_of IS NULL"
    return (
        f"WITH scored AS ({branches}) "
        "SELECT h.score, a.article_id, a.published_at,"
        " coalesce(a.site_name, s.name, s.title, a.source) AS outlet, a.language,"
        " coalesce(a.title, '') AS title, a.canonical_url, a.text "
        "FROM scored h JOIN articles a USING (article_id) LEFT JOIN sources s ON s.url = a.source "
        "WHERE h.score IS NOT NULL"
        " AND ($language IS NULL OR a.language = $language)"
        " AND ($since IS NULL OR coalesce(a.published_at, a.fetched_at) >= $since)"
        f"{originals} ORDER BY h.score DESC, a.published_at DESC LIMIT $limit"
    )


def _search_params(
    query: str, language: str | None, since: datetime | None, limit: int
) -> dict[str, Any]:
    """Named parameters of the search query."""
    return {"query": query, "language": language, "since": since, "limit": limit}


def _hit(row: tuple[Any, ...], query: str) -> SearchHit:
    """A result row as a hit, with a snippet around the first matching word."""
    score, article_id, published_at, outlet, language, title, url, text = row
    return SearchHit(
        float(score), article_id, published_at, outlet, language, title, url, snippet(text, query)
    )


def snippet(text: str, query: str, width: int = 160) -> str:
    """About `width` characters of `text` around the first word that matches a query term."""
    flat = " ".join(text.split())
    start = _first_match(flat, _terms(query))
    if start is None:
        return _clip(flat, 0, width)
    begin = max(0, start - width // 3)
    if begin:
        space = flat.find(" ", begin)
        begin = space + 1 if 0 <= space < start else begin
    return _clip(flat, begin, width)


def _clip(flat: str, begin: int, width: int) -> str:
    """flat[begin:begin+width] cut at a word boundary, with ellipses where it was cut."""
    end = begin + width
    piece = flat[begin:end]
    if end < len(flat) and flat[end] != " " and " " in piece:
        piece = piece[: piece.rfind(" ")]
    prefix = "…" if begin else ""
    suffix = "…" if begin + len(piece) < len(flat) else ""
    return f"{prefix}{piece}{suffix}"


def _fold(word: str) -> str:
    """Lower case without accents, as the index sees words."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _terms(query: str) -> list[str]:
    """Query words as prefixes to look for (a crude stand-in for stems: 'missiles' -> 'missil')."""
    words = [_fold(word.strip(".,;:!?\"'()«»“”")) for word in query.split()]
    return [word[: max(4, len(word) - 2)] for word in words if len(word) >= 2]


def _first_match(flat: str, terms: list[str]) -> int | None:
    """Character offset of the first word of `flat` that starts with one of `terms`."""
    if not terms:
        return None
    offset = 0
    for word in flat.split(" "):
        folded = _fold(word.lstrip("\"'«“(¿¡"))
        if any(folded.startswith(term) for term in terms):
            return offset
        offset += len(word) + 1
    return None

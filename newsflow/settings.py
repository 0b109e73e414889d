"""Settings from environment variables, with documented defaults (see README, Configuration)."""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from newsflow import __version__
from newsflow.errors import ConfigError
from newsflow.warehouse.location import locate

DEFAULT_DB = "newsflow.duckdb"
# Honest by default; operators should add a contact URL or e-mail (README, Configuration).
DEFAULT_USER_AGENT = f"newsflow/{__version__} (news feed reader)"


@dataclass(frozen=True)
class Settings:
    """Everything a run can be tuned with; built once from the environment."""

    db_path: Path = Path(DEFAULT_DB)
    allow_private_networks: bool = False
    allowed_networks: tuple[str, ...] = ()
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 30.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host_concurrency: int = 4
    host_delay: float = 1.0
    obey_robots: bool = True
    tagger: str | None = "lexicon"  # None: no topics, places or keywords
    concurrency: int = 64
    workers: int = 0  # 0 means one extraction process per CPU core
    feed_batch_size: int = 50
    page_batch_size: int = 200
    warc_batch_size: int = 500  # WARC records per backfill batch (each batch: one dedup, one load)
    update_window_hours: float = 24.0  # refetch articles this young to look for corrections
    recheck_minutes: float = 60.0  # ... at most this often; 0 hours: no update checks
    dedup_window_days: float = 30.0  # near-duplicate and cluster lookups reach this far
    spool: Path | None = None  # staged loads; None: `<warehouse file>.spool/` beside it
    lock_wait: float = 60.0  # seconds a load waits for a warehouse another process holds
    snapshot: Path | None = None  # analysts' copy; None: `<warehouse>.analyst.duckdb` beside it
    publish_snapshots: bool = True  # publish the snapshot after each load (maintenance always)
    writer_limit: str = "newsflow-warehouse"  # Prefect global concurrency limit of the load
    prefect_retention_days: float = 30.0  # maintenance deletes older finished flow runs
    captures: Path | None = None  # raw pages (WARC); None: `<warehouse>.captures/` beside it
    keep_captures: bool = True  # NEWSFLOW_CAPTURES=off: keep no raw pages
    dask: str | None = None  # 'local' (a LocalCluster per run) or a scheduler address; None: off
    lake_data: str | None = None  # a new DuckLake's data folder or URL; None: beside its catalog

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read `NEWSFLOW_*` variables; unset ones keep their defaults."""
        env = os.environ if env is None else env
        private = _private_networks(env)
        return cls(
            db_path=Path(env.get("NEWSFLOW_DB", DEFAULT_DB)),
            allow_private_networks=private is True,
            allowed_networks=private if isinstance(private, tuple) else (),
            user_agent=env.get("NEWSFLOW_USER_AGENT", DEFAULT_USER_AGENT),
            connect_timeout=_number(env, "NEWSFLOW_CONNECT_TIMEOUT", cls.connect_timeout),
            read_timeout=_number(env, "NEWSFLOW_READ_TIMEOUT", cls.read_timeout),
            total_timeout=_number(env, "NEWSFLOW_TIMEOUT", cls.total_timeout),
            max_bytes=int(_number(env, "NEWSFLOW_MAX_BYTES", cls.max_bytes)),
            max_redirects=int(_number(env, "NEWSFLOW_MAX_REDIRECTS", cls.max_redirects)),
            per_host_concurrency=int(
                _number(env, "NEWSFLOW_PER_HOST_CONCURRENCY", cls.per_host_concurrency)
            ),
            host_delay=_number(env, "NEWSFLOW_HOST_DELAY", cls.host_delay),
            obey_robots=_flag(env, "NEWSFLOW_OBEY_ROBOTS", default=True),
            tagger=_tagger(env),
            concurrency=int(_number(env, "NEWSFLOW_CONCURRENCY", cls.concurrency)),
            workers=int(_number(env, "NEWSFLOW_WORKERS", cls.workers)),
            feed_batch_size=int(_number(env, "NEWSFLOW_FEED_BATCH", cls.feed_batch_size)),
            page_batch_size=int(_number(env, "NEWSFLOW_PAGE_BATCH", cls.page_batch_size)),
            warc_batch_size=int(_number(env, "NEWSFLOW_WARC_BATCH", cls.warc_batch_size)),
            update_window_hours=_number(
                env, "NEWSFLOW_UPDATE_WINDOW_HOURS", cls.update_window_hours
            ),
            recheck_minutes=_number(env, "NEWSFLOW_RECHECK_MINUTES", cls.recheck_minutes),
            dedup_window_days=_number(env, "NEWSFLOW_DEDUP_WINDOW_DAYS", cls.dedup_window_days),
            spool=Path(env["NEWSFLOW_SPOOL"]) if env.get("NEWSFLOW_SPOOL") else None,
            lock_wait=_number(env, "NEWSFLOW_LOCK_WAIT", cls.lock_wait),
            snapshot=_optional_path(env, "NEWSFLOW_SNAPSHOT"),
            publish_snapshots=env.get("NEWSFLOW_SNAPSHOT", "").strip().lower() != "off",
            writer_limit=env.get("NEWSFLOW_WRITER_LIMIT", "").strip() or cls.writer_limit,
            prefect_retention_days=_number(
                env, "NEWSFLOW_PREFECT_RETENTION_DAYS", cls.prefect_retention_days
            ),
            captures=_optional_path(env, "NEWSFLOW_CAPTURES"),
            keep_captures=env.get("NEWSFLOW_CAPTURES", "").strip().lower() != "off",
            dask=_dask(env),
            lake_data=lake_data(env),
        )

    def spool_for(self, db_path: str | Path) -> Path:
        """The spool folder of a warehouse (beside its file, or its DuckLake catalog file)."""
        base = locate(db_path).base
        return self.spool or base.with_name(base.name + ".spool")

    def snapshot_for(self, db_path: str | Path) -> Path:
        """The analysts' snapshot of a warehouse."""
        base = locate(db_path).base
        stem = base.name.removesuffix(".duckdb")
        return self.snapshot or base.with_name(f"{stem}.analyst.duckdb")

    def captures_for(self, db_path: str | Path) -> Path | None:
        """The folder of raw page captures of a warehouse; None when they are off."""
        if not self.keep_captures:
            return None
        base = locate(db_path).base
        return self.captures or base.with_name(base.name + ".captures")

    @property
    def worker_count(self) -> int:
        """Extraction processes to run: the setting, or one per core."""
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)


def _flag(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    """A boolean variable: 1/true/yes/on are true, 0/false/no/off are false."""
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={raw!r}: expected 1/0, true/false, yes/no or on/off")


def _private_networks(env: Mapping[str, str]) -> tuple[str, ...] | bool:
    """NEWSFLOW_ALLOW_PRIVATE_NETWORKS: a flag (all or none) or comma-separated CIDR ranges."""
    raw = env.get("NEWSFLOW_ALLOW_PRIVATE_NETWORKS", "").strip()
    if not raw or raw[0].isalpha() or raw in ("0", "1"):
        return _flag(env, "NEWSFLOW_ALLOW_PRIVATE_NETWORKS") or ()
    networks = tuple(part.strip() for part in raw.split(",") if part.strip())
    for network in networks:
        try:
            ipaddress.ip_network(network, strict=False)
        except ValueError:
            raise ConfigError(
                f"NEWSFLOW_ALLOW_PRIVATE_NETWORKS={raw!r}: {network!r} is not an address range"
            ) from None
    return networks


def _optional_path(env: Mapping[str, str], name: str) -> Path | None:
    """A path variable that may also be 'off' (then, as when unset, None: the default place)."""
    raw = env.get(name, "").strip()
    return Path(raw) if raw and raw.lower() != "off" else None


def lake_data(env: Mapping[str, str] | None = None) -> str | None:
    """NEWSFLOW_LAKE_DATA: where a new DuckLake keeps its Parquet files (a folder, or an
    s3://, gs://, az:// … URL); None: `<catalog file>.files/` beside a file catalog."""
    env = os.environ if env is None else env
    return env.get("NEWSFLOW_LAKE_DATA", "").strip() or None


DEFAULT_DUCKDB_MEMORY = "512MB"
_SIZE = re.compile(r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KIB|MIB|GIB|TIB)$", re.IGNORECASE)


def duckdb_memory(env: Mapping[str, str] | None = None) -> str | None:
    """NEWSFLOW_DUCKDB_MEMORY: the memory limit of the DuckDB instance through which this
    process opens a warehouse (its cache of the file, and what a query holds before it spills
    to disk); 'off': DuckDB's own default, 80 % of the machine's memory."""
    env = os.environ if env is None else env
    raw = env.get("NEWSFLOW_DUCKDB_MEMORY", "").strip() or DEFAULT_DUCKDB_MEMORY
    if raw.lower() == "off":
        return None
    if not _SIZE.match(raw):
        raise ConfigError(
            f"NEWSFLOW_DUCKDB_MEMORY={raw!r}: expected a size like 512MB or 2GB, or off"
        )
    return raw.replace(" ", "")


def _tagger(env: Mapping[str, str]) -> str | None:
    """NEWSFLOW_TAGGER: a registered tagger name, or 'none' to skip enrichment."""
    name = env.get("NEWSFLOW_TAGGER", "lexicon").strip() or "lexicon"
    return None if name.lower() == "none" else name


def _dask(env: Mapping[str, str]) -> str | None:
    """NEWSFLOW_DASK: unset, '' or 'off' for none, 'local', or a Dask scheduler's address."""
    raw = env.get("NEWSFLOW_DASK", "").strip()
    if not raw or raw.lower() == "off":
        return None
    if raw.lower() == "local":
        return "local"
    if not _SCHEDULER.fullmatch(raw):
        raise ConfigError(
            f"NEWSFLOW_DASK={raw!r}: expected 'local' or a scheduler address such as "
            "tcp://10.0.0.5:8786"
        )
    return raw


_HOST = r"(?:\[[0-9a-f:.]+\]|[\w.-]+)"  # a name, an IPv4 address or a bracketed IPv6 one
# tcp://host[:port] (or tls://, ws:// …), or host:port; a bare word is more likely a typo
_SCHEDULER = re.compile(rf"[a-z][a-z0-9+.-]*://{_HOST}(?::\d+)?/?|{_HOST}:\d+", re.I)


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    """A positive number variable, or `default` when unset."""
    raw = env.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a number") from None
    if value < 0:
        raise ConfigError(f"{name}={raw!r}: expected a positive number")
    return value

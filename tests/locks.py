"""Another process holding the warehouse open for writing, as a concurrent ingest would."""

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOLD = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
    "print('locked', flush=True); time.sleep(60)"
)


@contextmanager
def warehouse_locked(db: Path) -> Iterator[None]:
    """Hold a write connection to `db` in a child process until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        if holder.stdout.readline().strip() != "locked":
            raise RuntimeError("the lock holder did not start")
        yield
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout:
            holder.stdout.close()

"""Fresh planner statistics after bulk work, on PostgreSQL: what autovacuum
would do a minute later, done at once by the commands that write or delete
in bulk (load-scale, the benches), so that what runs next is planned for the
rows that are there and does not wade through dead ones. SQLite has no such
statistics to keep fresh here (nothing happens there)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from django.db import connection, models


def refresh(
    tables: Iterable[type[models.Model] | str],
    *,
    vacuum: bool = False,
    log: Callable[[str], None] = lambda line: None,
) -> None:
    """ANALYZE the tables (models or table names). vacuum: VACUUM (ANALYZE)
    instead, after bulk deletes, so that the dead rows are cleared; VACUUM
    cannot run in a transaction, so inside one only ANALYZE runs (it may,
    and it counts the transaction's own new rows)."""
    if connection.vendor != "postgresql":
        return
    names = [t if isinstance(t, str) else t._meta.db_table for t in tables]
    if not names:
        return
    quoted = ", ".join(connection.ops.quote_name(name) for name in dict.fromkeys(names))
    vacuum = vacuum and not connection.in_atomic_block
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {quoted}")
    what = "VACUUM ANALYZE" if vacuum else "ANALYZE"
    log(f"  {what}: {time.perf_counter() - started:.2f} s")

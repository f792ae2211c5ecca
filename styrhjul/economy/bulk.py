"""Writing many rows at once without making a model instance of each:
COPY on PostgreSQL, one prepared INSERT run over batches of rows
(executemany) elsewhere (the SIE import, economy.rowsums)."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from django.db import connection

BATCH = 2000


def batched(items: Iterable, size: int = BATCH) -> Iterator[list]:
    """The items in lists of at most `size`, so that a million rows are
    never held as model instances at once."""
    iterator = iter(items)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def insert_rows(model, columns: tuple[str, ...], rows: Iterable[tuple]) -> int:
    """Insert rows (tuples of column values, as stored) of a model without
    making model instances of them: COPY on PostgreSQL, one prepared INSERT
    run over batches of rows elsewhere. Streams: at most a batch is held at
    a time. Inside the caller's transaction, so all or nothing as the rest
    of the import. The values are those of the columns (ids for foreign
    keys, Decimal, dates, booleans), which the database driver adapts as
    for the ORM's own queries."""
    count = 0
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                f"COPY {table} ({names}) FROM STDIN"  # noqa: S608 - names from the model
            ) as copy,
        ):
            # psycopg writes each value as PostgreSQL reads it (None,
            # dates, Decimal, escapes in text), in C.
            write = copy.write_row
            for row in rows:
                write(row)
                count += 1
        return count
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({names}) VALUES ({placeholders})"  # noqa: S608 - from the model
    with connection.cursor() as cursor:
        for batch in batched(rows):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count

"""Writing many rows at once without making a model instance of each:
COPY on PostgreSQL, bulk_create in batches elsewhere (the SIE import,
economy.rowsums)."""

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
    making model instances of them: COPY on PostgreSQL, bulk_create in
    batches elsewhere. Streams: at most a batch is held at a time. Inside
    the caller's transaction, so all or nothing as the rest of the import."""
    count = 0
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(
            connection.ops.quote_name(model._meta.get_field(c).column) for c in columns
        )
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
    for batch in batched(rows):
        model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in batch])
        count += len(batch)
    return count

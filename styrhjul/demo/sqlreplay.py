"""A page's own SQL, replayed alone: the limit a page is measured against in
`styrhjul bench` (docs/prestanda.md).

`capture()` records every statement the database backend is handed while a
page is fetched, with its parameters exactly as they were passed (Django's
`connection.execute_wrapper`, which sees the SQL before the backend formats
it). `replay()` runs the same statements again, in the same order, on a
cursor of the backend itself (no Django query logging around it), fetching
every row as the page did, inside a transaction that is rolled back, so a
statement that writes (a session saved, a last-seen time) changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction


@dataclass(frozen=True)
class Statement:
    sql: str
    params: object
    many: bool = False


@dataclass
class Captured:
    statements: list[Statement] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.statements)


@contextmanager
def capture() -> Iterator[Captured]:
    """Record the statements run on the default connection inside the block."""
    captured = Captured()

    def record(execute, sql, params, many, context):
        captured.statements.append(Statement(sql, params, many))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield captured


def _run(cursor, statement: Statement) -> int:
    if statement.many:
        cursor.executemany(statement.sql, statement.params)
    elif statement.params is None:
        cursor.execute(statement.sql)
    else:
        cursor.execute(statement.sql, statement.params)
    if cursor.description is not None:
        return len(cursor.fetchall())
    return 0


@dataclass
class Replayed:
    milliseconds: float
    statements: int
    rows: int


def replay(captured: Captured, cursor_factory: Callable | None = None) -> Replayed:
    """Run the captured statements once more, alone, and time them. The
    clock runs from the first statement to the last row of the last one;
    opening and rolling back the surrounding transaction are outside it."""
    connection.ensure_connection()
    make_cursor = cursor_factory or connection.create_cursor
    statements = rows = 0
    with transaction.atomic():
        cursor = make_cursor()
        try:
            started = time.perf_counter()
            for statement in captured.statements:
                rows += _run(cursor, statement)
                statements += 1
            elapsed = time.perf_counter() - started
        finally:
            cursor.close()
        transaction.set_rollback(True)
    return Replayed(elapsed * 1000, statements, rows)

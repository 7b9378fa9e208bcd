"""Rows of several tables written in one statement: one round trip where the ORM takes one
per table (on a busy machine each round trip costs a scheduling of the database process and
of ours, more than the insert itself)."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Model

# Set in a statement, it commits that statement's transaction without waiting for the disk
# (local to the transaction: the connection keeps its durable default).
ASYNC_COMMIT = "set_config('synchronous_commit', 'off', true)"


@contextmanager
def own_transaction() -> Iterator[None]:
    """For a body of ONE statement: outside a transaction that statement is its own (no BEGIN
    and COMMIT round trips, and nothing is held between them); inside one, a savepoint, so
    that the statement's failure leaves the rest of the transaction usable."""
    if connection.in_atomic_block:
        with transaction.atomic():
            yield
    else:
        yield


def cells(values: Sequence[Any]) -> tuple[str, list[Any]]:
    """The placeholders of `values` ("%s, NULL, %s") and their parameters: a NULL is written
    in, not sent. Fewer parameters keep a statement within what psycopg caches the parsing of
    (50), which cost more than the insert itself."""
    return ", ".join("NULL" if v is None else "%s" for v in values), [
        v for v in values if v is not None
    ]


def _insert(row: Model) -> tuple[str, list[Any]]:
    """INSERT of `row`, every value prepared as `Model.save` would (auto_now dates set on the
    instance too). Columns the database fills (serial ids) are left out."""
    meta = row._meta
    columns = {f.column: f for f in meta.concrete_fields if f.column and not f.db_returning}
    database = connections[DEFAULT_DB_ALIAS]  # once: every use of the proxy looks it up
    placeholders, values = cells(
        [f.get_db_prep_save(f.pre_save(row, True), database) for f in columns.values()]
    )
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({placeholders})"  # noqa: S608
    return sql, values


def insert_together(
    first: Model,
    others: tuple[str, list[Any]] = ("SELECT", []),
    then: tuple[str, list[Any]] = ("NULL", []),
    alongside: Sequence[tuple[str, list[Any]]] = (),
) -> tuple[Any, ...]:
    """Insert `first`, then run `others` (SQL, parameters: an INSERT of rows that may refer
    to it), run each query of `alongside` (a SELECT of one row that writes, e.g. a queue's
    insert function), and evaluate the SQL expression `then` once `first` is written, all in
    one statement; return the value of `then`, then the columns of each query alongside.

    `then` reads the first insert's output, so the database runs it after that row is in
    (e.g. a lock taken after the row's unique checks, never before them)."""
    first_sql, first_params = _insert(first)
    others_sql, others_params = others
    then_sql, then_params = then
    # A query in WITH runs only if read: each of `alongside` is joined in (one row each). An
    # INSERT in WITH always runs.
    side = "".join(f", side{i} AS ({query})" for i, (query, _) in enumerate(alongside))
    columns = "".join(f", side{i}.*" for i in range(len(alongside)))
    joined = "".join(f", side{i}" for i in range(len(alongside)))
    side_params = [param for _, params in alongside for param in params]
    # Only SQL of our own making is formatted in; every value is a parameter.
    sql = (
        f"WITH first AS ({first_sql} RETURNING 1), others AS ({others_sql}){side}"  # noqa: S608
        f" SELECT {then_sql}{columns} FROM first{joined}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*first_params, *others_params, *side_params, *then_params])
        values = tuple(cursor.fetchone())
    first._state.adding = False
    first._state.db = connection.alias
    return values

"""Rows of several tables written in one statement: one round trip where the ORM takes one
per table (on a busy machine each round trip costs a scheduling of the database process and
of ours, more than the insert itself)."""

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def _insert(rows: Sequence[Model]) -> tuple[str, list[Any]]:
    """INSERT of `rows` (of one model), every value prepared as `Model.save` would (auto_now
    dates set on the instances too). Columns the database fills (serial ids) are left out."""
    meta = rows[0]._meta
    columns = {f.column: f for f in meta.concrete_fields if f.column and not f.db_returning}
    fields = list(columns.values())
    values = [f.get_db_prep_save(f.pre_save(row, True), connection) for row in rows for f in fields]
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(rows))
    sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES {placeholders}"  # noqa: S608
    return sql, values


def insert_together(
    first: Model, others: Sequence[Model], then: tuple[str, list[Any]] = ("NULL", [])
) -> Any:
    """Insert `first`, then `others` (rows of one model that may refer to it), and evaluate
    the SQL expression `then` once `first` is written, all in one statement; return its value.

    `then` reads the first insert's output, so the database runs it after that row is in
    (e.g. a lock taken after the row's unique checks, never before them)."""
    first_sql, first_params = _insert([first])
    others_sql, others_params = _insert(others) if others else ("SELECT", [])
    then_sql, then_params = then
    # Only SQL of our own making is formatted in; every value is a parameter.
    sql = (
        f"WITH first AS ({first_sql} RETURNING 1), others AS ({others_sql})"  # noqa: S608
        f" SELECT {then_sql} FROM first"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*first_params, *others_params, *then_params])
        (value,) = cursor.fetchone()
    for row in [first, *others]:
        row._state.adding = False
        row._state.db = connection.alias
    return value

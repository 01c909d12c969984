"""Database helpers for the few statements on a hot path.

Django runs every query with client-side binding: the statement text carries its values, and
PostgreSQL parses and plans it each time (a webhook body becomes an escaped bytea literal twice
its size). `execute_prepared` runs one statement with server-side binding instead, prepared once
per connection and then executed with binary parameters: the webhook's INSERT costs the database
about a quarter less (measured). Every other query is untouched: Django leaves psycopg's automatic
preparation off, and only these explicit statements are prepared.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import BaseIterable
from psycopg.types.datetime import TimestamptzLoader
from psycopg.types.string import TextLoader

# psycopg prepares a statement after this many runs on a connection, or at once when asked to:
# so high that only statements run through execute_prepared are ever prepared.
EXPLICIT_ONLY = sys.maxsize


def execute_prepared(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """Run `sql` on the default connection (in its current transaction, if any) and return its
    first row. Debug tooling and query counting (which see statements through Django's cursor
    wrapper) get a Django cursor instead, as does a deployment with DATABASE_PREPARED_STATEMENTS
    off (a connection pooler in transaction mode without prepared-statement support)."""
    db = connections[DEFAULT_DB_ALIAS]  # once: every `connection.x` is a thread-local lookup
    if db.queries_logged or db.execute_wrappers or not settings.DATABASE_PREPARED_STATEMENTS:
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    db.close_if_health_check_failed()
    db.ensure_connection()
    db.validate_no_broken_transaction()
    raw = db.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = EXPLICIT_ONLY
    with db.wrap_database_errors, psycopg.Cursor(raw) as cursor:  # server-side binding
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()


class RowIterable(BaseIterable):
    """What `.values()` yields (a dict per row, keyed by the values' names), read with psycopg's
    own loaders: Django's timestamptz loader is Python code, and with a few datetimes per row it
    cost more than the rest of reading a 100-row page. Ids may come as text (their rendering).
    Query counting and debug tooling (which see statements through Django's cursor wrapper) get a
    Django cursor, as `execute_prepared`.

    The statement is prepared (server-side binding, as `execute_prepared`): an inbox page's
    statement is one of a few shapes per filter combination, and PostgreSQL took longer to plan
    it than to run it. psycopg keeps the most recent 100 per connection. With
    DATABASE_PREPARED_STATEMENTS off, client-side binding as Django's own queries."""

    prepared_cursor = psycopg.Cursor  # server-side binding
    client_cursor = psycopg.ClientCursor

    def __iter__(self) -> Iterator[dict[str, Any]]:
        queryset = self.queryset
        query = queryset.query
        compiler = query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return
        names = [*query.extra_select, *query.values_select, *query.annotation_select]
        converters = compiler.get_converters([column[0] for column in compiler.select[: compiler.col_count]])
        db = connections[queryset.db]
        if db.queries_logged or db.execute_wrappers:
            with db.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
        else:
            db.close_if_health_check_failed()
            db.ensure_connection()
            db.validate_no_broken_transaction()
            raw = db.connection
            prepare = settings.DATABASE_PREPARED_STATEMENTS
            if prepare and raw.prepare_threshold is None:
                raw.prepare_threshold = EXPLICIT_ONLY
            cursor_class = self.prepared_cursor if prepare else self.client_cursor
            with db.wrap_database_errors, cursor_class(raw) as cursor:
                cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
                # Ids as their text: what the rows are rendered to (str(UUID) is Python code).
                cursor.adapters.register_loader("uuid", TextLoader)
                cursor.execute(sql, params, prepare=prepare or None)
                rows = cursor.fetchall()
        if converters:
            rows = list(compiler.apply_converters(rows, converters))
        for row in rows:
            yield dict(zip(names, row, strict=True))


def as_rows(queryset: QuerySet[Any, dict[str, Any]]) -> QuerySet[Any, dict[str, Any]]:
    """`queryset` (a `.values(…)` one) read by RowIterable; narrowing it keeps that."""
    queryset._iterable_class = RowIterable
    return queryset

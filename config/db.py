"""Database helpers the hottest statements share."""

import re
import weakref
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

if TYPE_CHECKING:
    import psycopg

Using = str | BaseDatabaseWrapper


def prepared_cursor(using: Using = DEFAULT_DB_ALIAS) -> CursorWrapper:
    """A cursor for a statement that runs on every vote or request. On PostgreSQL its
    parameters are bound by the server, so psycopg prepares a statement after a few
    runs on a connection and PostgreSQL parses and plans it once per connection
    instead of on every run (Django's cursors bind on the client, which rules that
    out). Elsewhere it is Django's usual cursor.

    The cursor is wrapped as Django wraps its own, so it takes part in query logging,
    counting and ``connection.execute_wrapper``. ``using`` is an alias or the
    connection itself. Parameters are ``%s`` or
    ``%(name)s`` as usual; a statement must not lean on client-side interpolation
    (no placeholders where PostgreSQL expects a name or a literal).
    """
    connection = connections[using] if isinstance(using, str) else using
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.postgres import types
    from psycopg.pq import Format

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = psycopg.Cursor(connection.connection)
        # As Django's own cursors: dates in the connection's time zone.
        loader = connection.connection.adapters.get_loader(types["timestamptz"].oid, Format.TEXT)
        if connection.timezone != loader.timezone:
            register_tzloader(connection.timezone, cursor)
        return connection._prepare_cursor(cursor)


# The SQLSTATE of a prepared statement the server does not know (after DISCARD ALL).
_UNKNOWN_STATEMENT = b"26000"


class Statement:
    """A statement run on every vote, with ``%(name)s`` parameters, sent the shortest
    way: on PostgreSQL it is prepared once per connection under its own name, and each
    run is one libpq ``exec_prepared`` call with the parameters as text. That skips the
    cursor: Django's wrapper, psycopg's query conversion, its prepared-statement
    bookkeeping and its wait loop in Python: about half the CPU a run costs the
    process.

    Where that would lose what Django's cursors give, it runs through
    ``prepared_cursor`` instead, with the same result: elsewhere than PostgreSQL, inside
    a transaction (psycopg begins one before a cursor's first statement), and while
    queries are logged (``DEBUG``, ``assertNumQueries``) or wrapped
    (``execute_wrapper``). Errors are Django's, as from a cursor.
    """

    def __init__(self, name: str, sql: str) -> None:
        self.sql = sql
        self.name = name.encode()
        self.parameters: list[str] = []

        def number(found: re.Match) -> str:
            if found[1] not in self.parameters:
                self.parameters.append(found[1])
            return f"${self.parameters.index(found[1]) + 1}"

        self.native = re.sub(r"%\((\w+)\)s", number, sql).replace("%%", "%").encode()
        self._prepared_on: weakref.WeakSet = weakref.WeakSet()  # connections

    def fetchone(self, values: Mapping[str, Any], using: Using = DEFAULT_DB_ALIAS) -> tuple | None:
        """The first row the statement returns, or None."""
        connection = connections[using] if isinstance(using, str) else using
        if connection.vendor == "postgresql":
            connection.close_if_health_check_failed()
            connection.ensure_connection()
            if connection.autocommit and not (
                connection.queries_logged or connection.execute_wrappers
            ):
                with connection.wrap_database_errors:
                    return self._run(connection.connection, values)
        with prepared_cursor(connection) as cursor:
            cursor.execute(self.sql, values)
            return cursor.fetchone()

    def _run(self, conn: "psycopg.Connection", values: Mapping[str, Any]) -> tuple | None:
        from psycopg import errors
        from psycopg.adapt import PyFormat, Transformer
        from psycopg.pq import DiagnosticField, ExecStatus

        transformer = Transformer(conn)
        parameters = transformer.dump_sequence(
            [values[name] for name in self.parameters], [PyFormat.TEXT] * len(self.parameters)
        )
        pgconn = conn.pgconn
        for attempt in (1, 2):
            if conn not in self._prepared_on:
                self._prepare(conn)
            result = pgconn.exec_prepared(self.name, parameters)
            if result.status == ExecStatus.TUPLES_OK:
                transformer.set_pgresult(result)
                return transformer.load_row(0, tuple) if result.ntuples else None
            if result.error_field(DiagnosticField.SQLSTATE) == _UNKNOWN_STATEMENT and attempt == 1:
                self._prepared_on.discard(conn)  # forgotten by the server: once more
                continue
            raise errors.error_from_result(result, encoding=conn.info.encoding)
        raise AssertionError("unreachable")

    def _prepare(self, conn: "psycopg.Connection") -> None:
        from psycopg import errors
        from psycopg.pq import ExecStatus

        result = conn.pgconn.prepare(self.name, self.native)
        if result.status != ExecStatus.COMMAND_OK:
            raise errors.error_from_result(result, encoding=conn.info.encoding)
        self._prepared_on.add(conn)

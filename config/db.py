"""Database helpers the hottest statements share."""

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper


def prepared_cursor(using: str | BaseDatabaseWrapper = "default") -> CursorWrapper:
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

"""``config.db.Statement``: the vote's statement sent straight through libpq on
PostgreSQL, and through a cursor wherever that would lose what Django's cursors give."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from config.db import Statement

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the libpq path is PostgreSQL's (CI sets DATABASE_URL to it)",
)

ECHO = Statement(
    "test_echo",
    "SELECT CAST(%(number)s AS integer) + CAST(%(number)s AS integer), "
    "CAST(%(text)s AS text), CAST(%(nothing)s AS text)",
)
VALUES = {"number": 20, "text": "Wi-Fi für alle", "nothing": None}


@pytest.fixture
def scratch_table():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_statement (id int PRIMARY KEY, note text NOT NULL)")
    yield "test_statement"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE test_statement")


INSERT = Statement(
    "test_insert",
    "INSERT INTO test_statement (id, note) VALUES (%(id)s, %(note)s) RETURNING id",
)


def notes() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, note FROM test_statement ORDER BY id")
        return cursor.fetchall()


def test_a_statement_returns_its_first_row_with_named_parameters_in_place():
    assert ECHO.fetchone(VALUES) == (40, "Wi-Fi für alle", None)


@ON_POSTGRESQL
def test_dates_go_in_and_come_back_as_the_moment_they_are():
    at = datetime.datetime(2026, 5, 1, 12, 30, tzinfo=datetime.UTC)
    moment = Statement("test_moment", "SELECT %(at)s::timestamptz + interval '1 hour'")

    assert moment.fetchone({"at": at}) == (at + datetime.timedelta(hours=1),)


@ON_POSTGRESQL
def test_a_statement_is_prepared_once_on_the_connection():
    ECHO.fetchone(VALUES)
    ECHO.fetchone(VALUES)

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE name = 'test_echo'")
        assert cursor.fetchone() == (1,)


@ON_POSTGRESQL
def test_a_statement_the_server_forgot_is_prepared_again():
    ECHO.fetchone(VALUES)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")

    assert ECHO.fetchone(VALUES)[0] == 40


def test_a_statement_without_rows_returns_none(scratch_table):
    empty = Statement("test_empty", f"SELECT id FROM {scratch_table} WHERE id = %(id)s")

    assert empty.fetchone({"id": 1}) is None


def test_errors_are_djangos_and_the_connection_goes_on(scratch_table):
    INSERT.fetchone({"id": 1, "note": "first"})

    with pytest.raises(IntegrityError):
        INSERT.fetchone({"id": 1, "note": "again"})

    assert INSERT.fetchone({"id": 2, "note": "second"}) == (2,)
    assert notes() == [(1, "first"), (2, "second")]


def test_a_statement_in_a_transaction_is_rolled_back_with_it(scratch_table):
    INSERT.fetchone({"id": 1, "note": "kept"})

    with pytest.raises(RuntimeError), transaction.atomic():
        INSERT.fetchone({"id": 2, "note": "rolled back"})
        raise RuntimeError

    assert notes() == [(1, "kept")]


def test_logged_queries_see_the_statement(scratch_table):
    with CaptureQueriesContext(connection) as queries:
        INSERT.fetchone({"id": 1, "note": "logged"})

    assert len(queries) == 1
    assert queries[0]["sql"].startswith(f"INSERT INTO {scratch_table} (id, note) VALUES (")
    assert notes() == [(1, "logged")]


def test_wrapped_queries_see_the_statement(scratch_table):
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(params)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        INSERT.fetchone({"id": 1, "note": "wrapped"})

    assert seen == [{"id": 1, "note": "wrapped"}]
    assert notes() == [(1, "wrapped")]

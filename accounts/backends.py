"""Authentication backends: Django's and allauth's, loading the signed-in account with
one query that also says whether its e-mail address is confirmed.

Every request of a signed-in account loads it, and voting and submitting ask whether
its address is confirmed: asking both in one statement saves a query on every vote. The
statement is written once from the model's columns and prepared by the database
(``config.db.prepared_cursor``), so that the hottest read of the site skips the ORM's
query compiler and PostgreSQL's planner.
"""

from functools import cache

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.models import EmailAddress
from django.contrib.auth import backends
from django.core.exceptions import ValidationError
from django.db import connections, router

from accounts.models import User
from config.db import prepared_cursor

_FIELDS = [field.attname for field in User._meta.concrete_fields]


@cache
def _statement(using: str) -> str:
    quote = connections[using].ops.quote_name
    user, address = User._meta, EmailAddress._meta
    columns = ", ".join(f"u.{quote(field.column)}" for field in user.concrete_fields)
    return (
        f"SELECT {columns}, EXISTS (SELECT 1 FROM {quote(address.db_table)} a "
        f"WHERE a.{quote(address.get_field('user').column)} = u.{quote(user.pk.column)} "
        f"AND a.{quote(address.get_field('verified').column)} "
        f"AND LOWER(a.{quote(address.get_field('email').column)}) = "
        f"LOWER(u.{quote(user.get_field('email').column)})) AS email_confirmed "
        f"FROM {quote(user.db_table)} u WHERE u.{quote(user.pk.column)} = %s"
    )


def user_with_confirmation(user_id) -> User | None:
    """The account ``user_id`` with ``_email_confirmed`` set (read by
    ``accounts.permissions.has_confirmed_email``), or None."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:  # a session naming no valid id is no session
        return None
    using = router.db_for_read(User)
    statement = _statement(using)
    if connections[using].vendor != "postgresql":
        # Other databases hand back raw values (dates as text): the ORM converts them.
        user = next(iter(User.objects.db_manager(using).raw(statement, [pk])), None)
        confirmed = user and user.__dict__.pop("email_confirmed")
    else:
        # psycopg hands back Python values already.
        with prepared_cursor(using) as cursor:
            cursor.execute(statement, [pk])
            row = cursor.fetchone()
        user = row and User.from_db(using, _FIELDS, row[:-1])
        confirmed = row and row[-1]
    if user:
        user._email_confirmed = bool(confirmed)
    return user or None


class _OneQueryUser:
    def get_user(self, user_id):
        user = user_with_confirmation(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_OneQueryUser, backends.ModelBackend):
    pass


class AuthenticationBackend(_OneQueryUser, AllauthBackend):
    pass

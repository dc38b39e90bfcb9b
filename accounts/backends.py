"""Authentication backends: Django's and allauth's, loading the signed-in account with
one query that also says whether its e-mail address is confirmed.

Every request of a signed-in account loads it, and voting and submitting ask whether
its address is confirmed: asking both in one query saves a query on every vote.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.models import EmailAddress
from django.contrib.auth import backends
from django.core.exceptions import ValidationError
from django.db import connection

from accounts.models import User

# Written out once rather than composed by the ORM for every request: building the
# annotated queryset took more CPU than anything else in a vote (about a third of it).
_USER_WITH_CONFIRMATION = """
SELECT u.*, EXISTS (
    SELECT 1 FROM {addresses} a
    WHERE a.user_id = u.id AND UPPER(a.email) = UPPER(u.email) AND a.verified
) AS email_confirmed
FROM {users} u WHERE u.id = %s
"""


def user_with_confirmation(user_id) -> User | None:
    """The account ``user_id`` with ``_email_confirmed`` set (read by
    ``accounts.permissions.has_confirmed_email``), or None."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:  # a session naming no valid id is no session
        return None
    sql = _USER_WITH_CONFIRMATION.format(
        users=connection.ops.quote_name(User._meta.db_table),
        addresses=connection.ops.quote_name(EmailAddress._meta.db_table),
    )
    for user in User.objects.raw(sql, [pk]):
        user._email_confirmed = bool(user.__dict__.pop("email_confirmed"))
        return user
    return None


class _OneQueryUser:
    def get_user(self, user_id):
        user = user_with_confirmation(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_OneQueryUser, backends.ModelBackend):
    pass


class AuthenticationBackend(_OneQueryUser, AllauthBackend):
    pass

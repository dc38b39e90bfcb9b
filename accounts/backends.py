"""Authentication backends: Django's and allauth's, loading the signed-in account with
one query that also says whether its e-mail address is confirmed.

Every request of a signed-in account loads it, and voting and submitting ask whether
its address is confirmed: asking both in one query saves a query on every vote.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.models import EmailAddress
from django.contrib.auth import backends
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from accounts.models import User


def user_with_confirmation(user_id) -> User | None:
    """The account ``user_id`` with ``_email_confirmed`` set (read by
    ``accounts.permissions.has_confirmed_email``), or None."""
    try:
        pk = User._meta.pk.to_python(user_id)
    except ValidationError:  # a session naming no valid id is no session
        return None
    confirmed = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    user = User.objects.annotate(email_confirmed=Exists(confirmed)).filter(pk=pk).first()
    if user is not None:
        user._email_confirmed = user.__dict__.pop("email_confirmed")
    return user


class _OneQueryUser:
    def get_user(self, user_id):
        user = user_with_confirmation(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_OneQueryUser, backends.ModelBackend):
    pass


class AuthenticationBackend(_OneQueryUser, AllauthBackend):
    pass

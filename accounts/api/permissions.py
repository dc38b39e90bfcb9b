"""DRF permissions built on the role predicates of ``accounts.permissions``."""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from accounts import permissions as roles
from accounts.errors import EmailNotVerified, MfaRequired


class HasConfirmedEmail(BasePermission):
    """Signed in with a confirmed e-mail address (what voting and submitting need)."""

    refusals = (EmailNotVerified,)  # what it answers when it refuses, for config.schema

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False  # DRF answers 401
        if not roles.has_confirmed_email(request.user):
            raise EmailNotVerified()
        return True


class _Role(BasePermission):
    is_member = staticmethod(lambda user: False)
    refusals = (PermissionDenied, MfaRequired)  # as above

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if not self.is_member(request.user):
            return False
        if not roles.has_mfa(request.user):
            raise MfaRequired()
        return True


class IsSecretariat(_Role):
    message = _("Only the secretariat can do this.")
    is_member = staticmethod(roles.is_secretariat)


class IsJuryMember(_Role):
    message = _("Only members of the Expert Group can do this.")
    is_member = staticmethod(roles.is_jury_member)

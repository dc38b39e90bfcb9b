"""Gates for HTML views, built on the role predicates of ``accounts.permissions``."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts import permissions as roles
from accounts.admin_site import MFA_REQUIRED_MESSAGE

View = Callable[..., HttpResponse]

# Marked here, translated where it is shown: the tests compare it as English text.
EMAIL_NOT_CONFIRMED_MESSAGE = gettext_noop(
    "Confirm your e-mail address first: follow the link we sent you, or ask for a new one."
)


def _role_required(is_member: Callable, refusal: str) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_member(request.user):
                raise PermissionDenied(refusal)
            if not roles.has_mfa(request.user):
                messages.warning(request, MFA_REQUIRED_MESSAGE)
                return redirect("mfa_activate_totp")
            return view(request, *args, **kwargs)

        return guarded

    return decorator


secretariat_required = _role_required(
    roles.is_secretariat, _("This page is for the WSIS Prizes secretariat.")
)
jury_required = _role_required(
    roles.is_jury_member, _("This page is for members of the Expert Group.")
)


def confirmed_email_required(view: View) -> View:
    """Signed in with a confirmed e-mail address, as voting and submitting need."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not roles.has_confirmed_email(request.user):
            messages.warning(request, gettext(EMAIL_NOT_CONFIRMED_MESSAGE))
            return redirect("account_email")
        return view(request, *args, **kwargs)

    return guarded

from functools import wraps

from allauth.account.decorators import secure_admin_login
from django.contrib import admin, messages
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from accounts.permissions import role_lacks_mfa


class SecretariatAdminSite(admin.AdminSite):
    """The Django admin behind the site's own protected login, open to staff only once
    they have set up two-factor authentication."""

    site_header = _("WSIS Prizes administration")
    site_title = _("WSIS Prizes administration")
    index_title = _("Secretariat")

    def has_permission(self, request) -> bool:
        return super().has_permission(request) and not role_lacks_mfa(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            if role_lacks_mfa(request.user):
                messages.warning(request, MFA_REQUIRED_MESSAGE)
                return redirect("mfa_activate_totp")
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        # Rate limits, MFA and the lockout of django-allauth apply to the admin too.
        return secure_admin_login(super().login)(request, extra_context)


MFA_REQUIRED_MESSAGE = _(
    "Your role needs two-factor authentication. Set up an authenticator app to continue."
)

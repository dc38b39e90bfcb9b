from django.utils.translation import gettext_lazy as _

from config.errors import NotAllowed


class EmailNotVerified(NotAllowed):
    code = "email_not_verified"
    default_detail = _("Confirm your e-mail address first: we sent you a link when you signed up.")


class MfaRequired(NotAllowed):
    code = "mfa_required"
    default_detail = _(
        "Your role needs two-factor authentication: set up an authenticator app first."
    )

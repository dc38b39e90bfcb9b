"""allauth's form for the log-in code, apart from ``accounts.forms``: allauth's forms
module imports that one (the sign-up form class), so it cannot import allauth's."""

from allauth.account.forms import ConfirmLoginCodeForm as AllauthConfirmLoginCodeForm
from django.utils.translation import gettext_lazy as _


class ConfirmLoginCodeForm(AllauthConfirmLoginCodeForm):
    """The code's field named as the pages and the e-mail name it, in every language."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        code = self.fields["code"]
        code.label = _("Log-in code")
        code.widget.attrs["placeholder"] = _("Log-in code")

"""Password rules whose refusals Django does not word in every language of the site."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's minimum length, refused in this project's words: Django's Arabic and
    Chinese catalogues translate the refusal's earlier wording only, so those pages
    showed it in English."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: it must have at least %(count)d character.",
            "This password is too short: it must have at least %(count)d characters.",
            self.min_length,
        ) % {"count": self.min_length}

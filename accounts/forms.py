import json
from functools import cached_property

from allauth.core import context as allauth_context
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.challenge import (
    ChallengeRefusal,
    SignupStanding,
    challenge_check,
    challenge_create,
    signup_record,
    signup_standing,
    widget_strings,
)
from accounts.models import StakeholderType, User
from accounts.passkeys import credential_readable, credential_refusal


def _country_field(*, required: bool) -> forms.Field:
    # The model's form field starts with an empty choice, so that no country is
    # preselected; a person must pick theirs.
    return User._meta.get_field("country").formfield(required=required, label=_("Country"))


class SignupProfileForm(forms.Form):
    """What sign-up may ask beyond e-mail and password, on the page and in the API
    alike: nothing of it is needed, so that an e-mail address alone signs a voter up
    (the profile page asks for the name and country later)."""

    field_order = [
        "email",
        "password1",
        "password2",
        "name",
        "country",
        "organisation",
        "stakeholder_type",
        "altcha",
    ]

    name = forms.CharField(max_length=150, label=_("Full name"), required=False)
    country = _country_field(required=False)
    organisation = forms.CharField(max_length=200, label=_("Organisation"), required=False)
    stakeholder_type = forms.ChoiceField(
        choices=[("", "—"), *StakeholderType.choices],
        label=_("Stakeholder type"),
        required=False,
    )
    # The solution of the sign-up challenge (accounts/challenge.py), which the widget
    # writes into a field of this name; asked only beyond the address's allowance.
    altcha = forms.CharField(label=_("Check that a person is signing up"), required=False)

    @cached_property
    def signup_standing(self) -> SignupStanding:
        request = allauth_context.request
        # A form made outside a request asks nothing, nor one a signed-in person sends
        # (allauth refuses it as it always has).
        if request is None or request.user.is_authenticated:
            return SignupStanding(challenge_required=False, limit_wait=None)
        return signup_standing(request)

    @cached_property
    def challenge(self) -> dict | None:
        """A challenge for the page to show, when this sign-up needs one."""
        return challenge_create() if self.signup_standing.challenge_required else None

    def challenge_json(self) -> str:
        return json.dumps(self.challenge)

    def challenge_strings(self) -> str:
        return json.dumps(widget_strings(), ensure_ascii=False)

    def full_clean(self) -> None:
        """The challenge comes last: a solution is used up only by a sign-up that
        nothing else refuses, which then counts against the address."""
        super().full_clean()
        if not self.is_bound:
            return
        try:
            challenge_check(
                required=self.signup_standing.challenge_required,
                payload=self.cleaned_data.get("altcha") or "",
                consume=not self.errors,
            )
        except ChallengeRefusal as refusal:
            self.add_error("altcha", forms.ValidationError(str(refusal), code=refusal.code))
            return
        request = allauth_context.request
        if not self.errors and request is not None and not request.user.is_authenticated:
            signup_record(request)

    def signup(self, request, user: User) -> None:
        for field in ("name", "country", "organisation", "stakeholder_type"):
            setattr(user, field, self.cleaned_data[field])
        user.save(update_fields=["name", "country", "organisation", "stakeholder_type"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "country", "organisation", "stakeholder_type", "language"]
        # The model's fields have no verbose names of their own: the labels are here.
        labels = {
            "name": _("Full name"),
            "country": _("Country"),
            "organisation": _("Organisation"),
            "stakeholder_type": _("Stakeholder type"),
            "language": _("Language of the site and of its e-mails"),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            ("", _("The language of my browser")),
            *settings.LANGUAGES,
        ]
        self.fields["country"].required = True


class AccountDeleteForm(forms.Form):
    confirm = forms.CharField(
        # Translators: DELETE stays in English: it is the word the person must type.
        label=_("Type DELETE to confirm"),
        help_text=_("Your account is deleted at once and cannot be brought back."),
    )

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"]
        if value.strip() != "DELETE":
            raise forms.ValidationError(
                # Translators: DELETE stays in English: it is the word the person must type.
                gettext("Type DELETE, in capital letters, to delete your account.")
            )
        return value


class PasskeyAddForm(AddWebAuthnForm):
    """allauth's form that adds a security key, made a passkey unless the person says
    otherwise: a key that logs in on its own (it verifies the person on the device), as
    the login page offers. A credential fido2 cannot read is refused (accounts.passkeys)."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {}).setdefault("passwordless", True)
        super().__init__(*args, **kwargs)
        if "passwordless" in self.fields:
            self.fields["passwordless"].label = _("Log in with this key alone (a passkey)")
            self.fields["passwordless"].help_text = _(
                "Your device then asks for your fingerprint, face or PIN. Without this, "
                "the key is only a second factor after your password or code."
            )
        self.fields["name"].label = _("Name (to tell your keys apart)")

    def clean(self) -> dict:
        credential = self.cleaned_data.get("credential")
        if credential is not None and not credential_readable(credential, registration=True):
            raise credential_refusal()
        return super().clean()

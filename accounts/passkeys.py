"""Passkeys (WebAuthn credentials) as browsers send them, read before django-allauth
reads them.

allauth reads a credential with fido2 and turns some of fido2's refusals into its
``incorrect_code`` error, but not all: a credential with an ``id`` and no ``rawId``
fails it with a KeyError, and a registration whose ``id`` and ``rawId`` differ, or
whose fields are not base64, with a ValueError, both server errors. Here fido2 (its
public classes) reads the credential first, and anything it cannot read is refused as
allauth refuses a wrong credential, on the pages (``MFA_FORMS``) and in the headless API
(``config.errors_json``) alike."""

from typing import Any

from allauth.mfa.adapter import get_adapter
from allauth.mfa.webauthn.forms import (
    AuthenticateWebAuthnForm,
    LoginWebAuthnForm,
    ReauthenticateWebAuthnForm,
)
from django import forms
from fido2.webauthn import AuthenticationResponse, RegistrationResponse


def credential_readable(credential: Any, *, registration: bool) -> bool:
    """Whether ``credential`` is a credential as WebAuthn's JSON has it: a new one
    (``registration``) or an assertion of one already added."""
    shape = RegistrationResponse if registration else AuthenticationResponse
    try:
        shape.from_dict(credential)
    except (TypeError, ValueError, KeyError, AttributeError):
        return False
    return True


def credential_refusal() -> forms.ValidationError:
    """allauth's own refusal of a wrong credential."""
    return get_adapter().validation_error("incorrect_code")


class _ReadableAssertion:
    def clean_credential(self):
        if not credential_readable(self.cleaned_data["credential"], registration=False):
            raise credential_refusal()
        return super().clean_credential()


class PasskeyLoginForm(_ReadableAssertion, LoginWebAuthnForm):
    pass


class PasskeyAuthenticateForm(_ReadableAssertion, AuthenticateWebAuthnForm):
    pass


class PasskeyReauthenticateForm(_ReadableAssertion, ReauthenticateWebAuthnForm):
    pass

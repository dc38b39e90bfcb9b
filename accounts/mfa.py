"""Two-factor authentication set up without a person at the prompt: the demo's role
accounts and the tests'. Through allauth's public model, adapter and wrappers
(``Authenticator.wrap()``); a person sets theirs up on allauth's own pages."""

import base64
import secrets

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator

from accounts.models import User


def totp_secret_new() -> str:
    """A secret for an authenticator app: 160 random bits in base32, as allauth makes."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def totp_activate(*, user: User, secret: str) -> Authenticator:
    """Give ``user`` an authenticator app with ``secret`` (replacing one they had)."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": get_adapter().encrypt(secret)}
    )


def recovery_codes_ensure(*, user: User) -> list[str]:
    """The recovery codes ``user`` can still use, made first if they have none."""
    authenticator, _ = Authenticator.objects.get_or_create(
        user=user,
        type=Authenticator.Type.RECOVERY_CODES,
        defaults={"data": {"seed": get_adapter().encrypt(secrets.token_hex(40)), "used_mask": 0}},
    )
    return authenticator.wrap().get_unused_codes()

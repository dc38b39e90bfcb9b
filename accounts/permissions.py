"""Who may do what: the role predicates every app asks.

Roles are groups: Secretariat (staff) and Jury. Everyone else is a submitter and voter,
who needs a confirmed e-mail address to submit or vote. An account with a role must
have set up two-factor authentication before any page or endpoint of that role opens.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser

from accounts.errors import MfaRequired
from accounts.models import User
from config.errors import NotAllowed

SECRETARIAT_GROUP = "Secretariat"
JURY_GROUP = "Jury"

AnyUser = User | AnonymousUser


def _groups(user: User) -> set[str]:
    # Several predicates are asked per request: load the groups once.
    cached = getattr(user, "_role_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_groups = cached
    return cached


def _active(user: AnyUser) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_secretariat(user: AnyUser) -> bool:
    return _active(user) and (
        user.is_superuser or (user.is_staff and SECRETARIAT_GROUP in _groups(user))
    )


def is_jury_member(user: AnyUser) -> bool:
    return _active(user) and JURY_GROUP in _groups(user)


def has_role(user: AnyUser) -> bool:
    return _active(user) and (user.is_staff or is_secretariat(user) or is_jury_member(user))


def has_mfa(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    cached = getattr(user, "_has_mfa", None)
    if cached is None:
        cached = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        user._has_mfa = cached
    return cached


def role_lacks_mfa(user: AnyUser) -> bool:
    """True for an account with a role that has not set up two-factor authentication."""
    return has_role(user) and not has_mfa(user)


def can_act_as_secretariat(user: AnyUser) -> bool:
    return is_secretariat(user) and has_mfa(user)


def has_confirmed_email(user: AnyUser) -> bool:
    """Whether the account's e-mail address is confirmed. The account loaded for a
    request already knows (``accounts.backends``); any other instance asks once."""
    if not _active(user):
        return False
    cached = getattr(user, "_email_confirmed", None)
    if cached is None:
        cached = EmailAddress.objects.filter(
            user=user, email__iexact=user.email, verified=True
        ).exists()
        user._email_confirmed = cached
    return cached


def can_grant_roles(user: AnyUser) -> bool:
    """Only a superuser grants superuser or staff status, roles (groups) or model
    permissions, to anyone, itself included: a secretariat member cannot raise itself."""
    return _active(user) and user.is_superuser


def holds_role(account: User) -> bool:
    """Superuser, staff, or in a role group."""
    return account.is_superuser or account.is_staff or account.groups.exists()


def can_edit_account(user: AnyUser, account: User) -> bool:
    """Whether ``user`` may edit ``account`` in the admin: a superuser any account;
    anyone else its own, and accounts without a role. Editing the address of an account
    with a role would let a password reset take that role over."""
    if can_grant_roles(user):
        return True
    return _active(user) and (account.pk == user.pk or not holds_role(account))


def _require(is_member: bool, user: AnyUser, refusal: str) -> None:
    if not is_member:
        raise NotAllowed(refusal)
    if not has_mfa(user):
        raise MfaRequired()


def require_secretariat(user: AnyUser, *, refusal: str) -> None:
    """Refuse unless ``user`` acts as the secretariat: the role, with two-factor
    authentication set up. For services, whoever calls them."""
    _require(is_secretariat(user), user, refusal)


def require_jury_member(user: AnyUser, *, refusal: str) -> None:
    """Refuse unless ``user`` acts as a member of the Expert Group: the role, with
    two-factor authentication set up."""
    _require(is_jury_member(user), user, refusal)

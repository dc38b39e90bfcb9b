"""Who may do what: the role predicates every app asks."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User

SECRETARIAT_GROUP = "Secretariat"
JURY_GROUP = "Jury"


def _in_group(user: User | AnonymousUser, group: str) -> bool:
    if not user.is_authenticated:
        return False
    cache = getattr(user, "_role_groups", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._role_groups = cache
    return group in cache


def is_secretariat(user: User | AnonymousUser) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or (user.is_staff and _in_group(user, SECRETARIAT_GROUP)))
    )


def is_jury_member(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active and _in_group(user, JURY_GROUP)

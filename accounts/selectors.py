"""Reads of accounts."""

from collections.abc import Iterable

from django.db.models import QuerySet

from accounts.models import User


def account_get_by_email(*, email: str) -> User | None:
    """The account with this e-mail address, whatever its case."""
    return User.objects.filter(email__iexact=email).first()


def account_list(*, ids: Iterable[int]) -> QuerySet[User]:
    return User.objects.filter(pk__in=list(ids))

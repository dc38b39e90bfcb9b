"""The signed-in person as the page header sees them.

The header is on every page, so it must stay cheap: an anonymous visitor costs no query,
and a signed-in person only the queries for what the page actually renders, each made
once per request however often the templates ask.
"""

from functools import cached_property

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

from accounts import permissions
from accounts.permissions import AnyUser


class Viewer:
    def __init__(self, user: AnyUser) -> None:
        self.user = user

    @cached_property
    def email_confirmed(self) -> bool:
        return permissions.has_confirmed_email(self.user)

    # The two role checks share one lookup of the groups (cached on the user by the
    # predicates), which the role gates of the page reuse too.
    @cached_property
    def is_secretariat(self) -> bool:
        return permissions.is_secretariat(self.user)

    @cached_property
    def is_jury_member(self) -> bool:
        return permissions.is_jury_member(self.user)


def viewer(request: HttpRequest) -> Viewer:
    # request.user is lazy: passing it on loads nothing. A request that skipped the
    # authentication middleware (some error pages) has no user at all.
    user = getattr(request, "user", None)
    return Viewer(AnonymousUser() if user is None else user)

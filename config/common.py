"""Django's CommonMiddleware, with one change for writes."""

from django.http import HttpRequest
from django.middleware.common import CommonMiddleware as DjangoCommonMiddleware

REDIRECTED_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CommonMiddleware(DjangoCommonMiddleware):
    """A read of an address without its trailing slash is sent to the address with it,
    as Django does. A write (POST, PUT, PATCH, DELETE) is not: a redirect would lose its
    body, and while DEBUG is on Django raises an error about it (a 500). It is answered
    as any unknown address is, 404 (JSON under the API's paths)."""

    def should_redirect_with_slash(self, request: HttpRequest) -> bool:
        return request.method in REDIRECTED_METHODS and super().should_redirect_with_slash(request)
